#!/bin/sh
# SPDX-License-Identifier: MIT
# pvhcheck boot end to end. With usable KVM: the built-in guest must pass
# (exit 0, entry proved, RESULT PASS), also with an initramfs, and a wrong
# --expect must fail (exit 1). Without KVM: exit 3 and a precise reason.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$bin" boot --help > "$tmp/help" || fail "--help exit $?"
grep -q "usage: pvhcheck boot" "$tmp/help" || fail "--help text"
"$bin" boot --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option must exit 2"
"$bin" boot --timeout -1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --timeout must exit 2"

# Input errors are judged before KVM is needed, so they work on any host.
"$bin" boot /etc/hostname > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "a non-ELF kernel must exit 1 (got $rc)"
grep -q "^pvhcheck boot: error: elf-[a-z-]*: kernel /etc/hostname rejected: " "$tmp/err" || fail "rejection reason: $(cat "$tmp/err")"
"$bin" boot --mem 512K > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "--mem 512K must exit 2 (got $rc)"
grep -q "RAM too small" "$tmp/err" || fail "RAM too small message"
"$bin" boot --mem 1028K > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "a guest that does not fit must exit 1 (got $rc)"
grep -q "is --mem large enough" "$tmp/err" || fail "no --mem hint: $(cat "$tmp/err")"
"$bin" boot /nonexistent-kernel > /dev/null 2>&1; [ $? -eq 3 ] || fail "missing file must exit 3"

"$bin" boot --json > "$tmp/out.json" 2> "$tmp/err"
rc=$?
cat "$tmp/out.json" "$tmp/err"
if [ ! -e /dev/kvm ]; then
  [ $rc -eq 3 ] || fail "no /dev/kvm: expected exit 3, got $rc"
  grep -q '/dev/kvm not found' "$tmp/err" || fail "no precise reason on stderr"
  grep -q '"status":"environment"' "$tmp/out.json" || fail "JSON status"
  echo "PASS (no /dev/kvm: exit 3 with the reason; boot itself not run here)"
  exit 0
fi
if [ $rc -eq 3 ]; then
  echo "environment error with /dev/kvm present (unusable or no permission): reason above"
  grep -qE 'not usable|permission denied' "$tmp/err" || fail "unclear environment error"
  echo "PASS (KVM unusable: exit 3 with the reason)"
  exit 0
fi
[ $rc -eq 0 ] || fail "built-in guest: exit $rc"
grep -q '"proved":true' "$tmp/out.json" || fail "entry not proved"
grep -qE '"method":"(hw-breakpoint|single-step)"' "$tmp/out.json" || fail "proof method not reported"
for p in hw-breakpoint single-step; do
  "$bin" boot --proof $p --json > "$tmp/p.json" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    grep -q "\"method\":\"$p\"" "$tmp/p.json" || fail "--proof $p: method not $p"
    echo "--proof $p: proved"
  else
    # Not every KVM delivers the hardware breakpoint (kvm/README.md): then the run
    # must say so, never pass. Single-step was delivered on every KVM tried.
    [ $p = hw-breakpoint ] || fail "--proof single-step: exit $rc: $(cat "$tmp/p.json" | head -c 600)"
    grep -q '"proved":false' "$tmp/p.json" || fail "--proof $p: exit $rc without a failed proof"
    echo "--proof $p: not delivered by this KVM (exit $rc), reported as not proved"
  fi
done
grep -q 'RESULT PASS' "$tmp/out.json" || fail "guest did not pass"
# --cpuid-mask: the self-test guest reports what it sees; pvhcheck says whether
# the mask reached it. Which masks a KVM applies differs (kvm/README.md), so
# either outcome is accepted, but it must be consistent and said.
for m in cx16 xsave; do
  "$bin" boot --cpuid-mask $m --json > "$tmp/m.json" 2>&1
  rc=$?
  if grep -q '"applied":true' "$tmp/m.json"; then
    [ $rc -eq 0 ] || fail "--cpuid-mask $m applied but exit $rc"
    echo "--cpuid-mask $m: reached the guest"
  else
    [ $rc -eq 1 ] || fail "--cpuid-mask $m not applied: expected exit 1, got $rc"
    grep -q 'this KVM does not apply CPUID to the guest' "$tmp/m.json" || fail "--cpuid-mask $m: no reason"
    echo "--cpuid-mask $m: this KVM does not apply it (said, exit 1)"
  fi
done
seq 1 20000 > "$tmp/initrd"
"$bin" boot --initramfs "$tmp/initrd" --quiet || fail "with initramfs: exit $?"
"$bin" boot --expect "no such line" --quiet --timeout 3; [ $? -eq 1 ] || fail "--expect not seen must exit 1"
echo PASS
