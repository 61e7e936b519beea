#!/bin/sh
# SPDX-License-Identifier: MIT
# pvhcheck conform's usage errors (exit 2, the option named) and an
# unreadable kernel (exit 1), all judged before KVM is needed.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
usage() { # expected-text args...
  want=$1
  shift
  "$bin" conform "$@" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  [ $rc -eq 2 ] || fail "conform $* exited $rc, want 2 ($(cat "$tmp/err"))"
  grep -q -- "$want" "$tmp/err" || fail "conform $*: no '$want' in: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] && fail "conform $*: wrote to stdout on a usage error"
  return 0
}
"$bin" conform --help > "$tmp/help" || fail "--help exit $?"
grep -q "usage: pvhcheck conform" "$tmp/help" || fail "--help text"
for v in gpr esp eflags selectors gdtr idtr ram-junk start-info-at modlist-at memmap-at cmdline-at initramfs-at \
         memmap-entries memmap-order memmap-holes memmap-islands rsdp; do
  grep -q "^  $v " "$tmp/help" || fail "--help does not list variation $v"
done
usage "KERNEL or --self-test"
usage "not both" --self-test /bin/true
usage "--linux needs a KERNEL" --self-test --linux
usage "--busybox is for --linux" --self-test --busybox /bin/busybox
usage "--vary 'nope'" --self-test --vary nope
usage "--vary 'esp,,gpr'" --self-test --vary esp,,gpr
usage "runs" --self-test --runs 0
usage "runs" --self-test --runs 100001
usage "runs" --self-test --runs -3
usage "seed" --self-test --seed 0x
usage "wraps around" --self-test --seed 0xffffffffffffffff --runs 2
usage "--proof 'nope'" --self-test --proof nope
usage "unknown option" --self-test --bogus
"$bin" conform /nonexistent-kernel --json > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "a missing kernel must exit 1 (got $rc)"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["ok"] is False and j["error"]["field"] == "kernel", j' \
  "$tmp/out" || fail "JSON for a missing kernel: $(cat "$tmp/out")"
echo PASS
