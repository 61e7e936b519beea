#!/bin/sh
# SPDX-License-Identifier: MIT
# N self-test boots at once must all pass, each with a --timeout of four
# times what one boot takes alone here (at least 0.1 s). N boots sharing the
# CPUs take far longer than that in wall time; --timeout counts the time a
# guest was given (wall time minus the time the host kept its vCPU waiting
# for a CPU), so a busy host must not fail a valid guest. Calibrating on the
# solo run makes the same test meaningful on a fast KVM host and in the lab.
# Exit 77 (skip) when KVM is not usable here.
#   parallel_selftest.sh PVHCHECK N
set -u
bin=$1 n=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$bin" boot --json --env-exit-code 77 > "$tmp/solo" 2>&1
rc=$?
[ $rc -eq 77 ] && { echo "SKIP: KVM is not usable here"; cat "$tmp/solo"; exit 77; }
[ $rc -eq 0 ] || { echo "FAIL: the self-test alone exits $rc"; cat "$tmp/solo"; exit 1; }
solo_ms=$(sed -n 's/.*"wall_ms":\([0-9.]*\).*/\1/p' "$tmp/solo" | head -1)
[ -n "$solo_ms" ] || { echo "FAIL: no run wall_ms in the JSON"; cat "$tmp/solo"; exit 1; }
timeout=$(awk -v ms="$solo_ms" 'BEGIN { t = ms * 4 / 1000; if (t < 0.1) t = 0.1; printf "%.3f", t }')
echo "one boot alone: $solo_ms ms; each of $n parallel boots gets --timeout $timeout"
i=0
while [ $i -lt "$n" ]; do
  ("$bin" boot --env-exit-code 77 --timeout "$timeout" > "$tmp/out.$i" 2>&1; echo $? > "$tmp/rc.$i") &
  i=$((i + 1))
done
wait
pass=0 fail=0
i=0
while [ $i -lt "$n" ]; do
  rc=$(cat "$tmp/rc.$i")
  if [ "$rc" = 0 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "--- boot $i: exit $rc"
    grep -E "^  (run|timing|result)" "$tmp/out.$i" || tail -5 "$tmp/out.$i"
  fi
  i=$((i + 1))
done
grep -h "^  run " "$tmp"/out.* | head -3
echo "parallel self-test: $n boots with --timeout $timeout: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -eq "$n" ]
