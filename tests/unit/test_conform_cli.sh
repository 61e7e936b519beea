#!/bin/sh
# SPDX-License-Identifier: MIT
# pvhcheck conform's usage errors (exit 2, the option named, an invalid
# value with the valid ones), an unreadable kernel (exit 3, io-error) and a
# refused one (exit 1, the loader's code), all judged before KVM is needed;
# then, on a host without KVM, the pointer to the KVM lab.
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
usage "--vary: 'nope' is not a variation; one of: all, gpr, esp, " --self-test --vary nope
usage "--vary: 'gpx' is not a variation; did you mean 'gpr'?" --self-test --vary esp,gpx
usage "--vary: '' is not a variation" --self-test --vary esp,,gpr
usage "runs" --self-test --runs 0
usage "runs" --self-test --runs 100001
usage "runs" --self-test --runs -3
usage "seed" --self-test --seed 0x
usage "--seed 18446744073709551615 is above 9007199254740991" --self-test --seed 0xffffffffffffffff
usage "--seed 9007199254740991 with --runs 2 goes past seed 9007199254740991" --self-test --seed 9007199254740991 --runs 2
usage "--proof: 'nope' is not valid; one of: auto, hw-breakpoint, single-step" --self-test --proof nope
usage "unknown option" --self-test --bogus
"$bin" conform /nonexistent-kernel --json > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "a missing kernel must exit 3, as for inspect and boot (got $rc)"
grep -q "^pvhcheck conform: error: io-error: KERNEL: cannot open /nonexistent-kernel" "$tmp/err" ||
  fail "missing kernel: $(cat "$tmp/err")"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["ok"] is False and j["status"] == "environment" and j["error"]["field"] == "kernel", j' \
  "$tmp/out" || fail "JSON for a missing kernel: $(cat "$tmp/out")"
"$bin" conform /etc/hostname > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "a refused kernel must exit 1 (got $rc)"
grep -q "^pvhcheck conform: error: elf-truncated: kernel /etc/hostname rejected: " "$tmp/err" ||
  fail "refused kernel: not the loader's code: $(cat "$tmp/err")"
"$bin" conform --linux --busybox /nonexistent-busybox /etc/hostname > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "^pvhcheck conform: error: io-error: --busybox: /nonexistent-busybox" "$tmp/err" ||
  fail "missing --busybox: exit $rc: $(cat "$tmp/err")"
if [ ! -e /dev/kvm ]; then
  "$bin" conform --self-test > "$tmp/out" 2> "$tmp/err"
  rc=$?
  [ $rc -eq 3 ] || fail "no /dev/kvm: exit $rc, not 3"
  grep -q "^pvhcheck conform: error: no-device: /dev/kvm not found.*tools/kvm-lab.sh -R kvm_conform" "$tmp/err" ||
    fail "no /dev/kvm: no pointer to the KVM lab: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] && fail "no /dev/kvm: runs were printed although none could run: $(head -3 "$tmp/out")"
  echo "ok   no /dev/kvm: exit 3, the lab named, no runs printed"
fi
echo PASS
