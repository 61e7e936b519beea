#!/bin/sh
# SPDX-License-Identifier: MIT
# libpvh's handoff, checked by the self-test guest under QEMU TCG: handoff
# loads GUEST exactly as pvhkvm_boot would and converts the entry state via
# pvhkvm_state_to_kvm; handoff_fw.bin (QEMU -bios) enters that state.
#   test_handoff.sh HANDOFF FW GUEST MODE   (MODE: pass | badcrc | gdt-ds)
set -u
handoff=$1 fw=$2 guest=$3 mode=$4
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null 2>&1 || { echo "SKIPPED: $qemu not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
seq 1 25013 > "$tmp/initrd"
extra=""
case "$mode" in
  pass) ;;
  badcrc) extra="--badcrc" ;;
  gdt-ds) extra="--corrupt-gdt-ds" ;;
  *) echo "FAIL: unknown mode $mode"; exit 1 ;;
esac
"$handoff" "$guest" "$tmp" --initramfs "$tmp/initrd" $extra > "$tmp/args" || { echo "FAIL: handoff"; exit 1; }
# shellcheck disable=SC2046
timeout 120 "$qemu" -M microvm -accel tcg -m 64M -bios "$fw" $(cat "$tmp/args") \
  -device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -nodefaults -nographic -no-reboot \
  > "$tmp/out" 2>&1
rc=$?
tr -d '\r' < "$tmp/out"
echo "qemu (TCG, handoff firmware) exit status $rc"
fail() { echo "FAIL: $*"; exit 1; }
case "$mode" in
  pass)
    [ $rc -eq 1 ] || fail "expected QEMU status 1 (guest wrote 0), got $rc"
    grep -q "pvhtest: RESULT PASS [0-9]* checks, 0 waived" "$tmp/out" || fail "guest did not pass with nothing waived" ;;
  badcrc)
    [ $rc -eq 3 ] || fail "expected QEMU status 3 (guest wrote 1), got $rc"
    grep -q "pvhtest: FAIL module 0 crc32" "$tmp/out" || fail "guest did not report the CRC mismatch" ;;
  gdt-ds)
    [ $rc -eq 3 ] || fail "expected QEMU status 3 (guest wrote 1), got $rc"
    grep -q "pvhtest: FAIL ds sel" "$tmp/out" || fail "guest did not flag the DS descriptor" ;;
esac
echo "PASS ($mode)"
