#!/bin/sh
# SPDX-License-Identifier: MIT
# N self-test boots at once, each with --timeout T: every one must pass.
# The timeout counts the time a guest was given (wall time minus the time the
# host kept its vCPU waiting for a CPU), so a host busy with N boots must not
# fail a valid guest. Exit 77 (skip) when KVM is not usable here.
#   parallel_selftest.sh PVHCHECK N TIMEOUT
set -u
bin=$1 n=$2 timeout=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
i=0
while [ $i -lt "$n" ]; do
  ("$bin" boot --env-exit-code 77 --timeout "$timeout" > "$tmp/out.$i" 2>&1; echo $? > "$tmp/rc.$i") &
  i=$((i + 1))
done
wait
pass=0 skip=0 fail=0
i=0
while [ $i -lt "$n" ]; do
  rc=$(cat "$tmp/rc.$i")
  case $rc in
  0) pass=$((pass + 1)) ;;
  77) skip=$((skip + 1)) ;;
  *)
    fail=$((fail + 1))
    echo "--- boot $i: exit $rc"
    grep -E "^  (run|timing|result)" "$tmp/out.$i" || tail -5 "$tmp/out.$i"
    ;;
  esac
  i=$((i + 1))
done
grep -h "^  run " "$tmp"/out.* | head -3
echo "parallel self-test: $n boots with --timeout $timeout: $pass passed, $fail failed, $skip skipped"
[ $skip -eq "$n" ] && exit 77
[ $fail -eq 0 ] && [ $pass -eq "$n" ]
