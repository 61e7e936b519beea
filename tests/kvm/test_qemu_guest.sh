#!/bin/sh
# SPDX-License-Identifier: MIT
# Boots a self-test guest shape under QEMU microvm, always with TCG, and
# judges the guest's own verdict. QEMU's PVH loader and
# firmware are independent of libpvh, so this checks the guest against a
# second implementation of the handoff.
#
#   test_qemu_guest.sh GUEST MODE
#   MODE pass     initramfs + matching CRC, known QEMU deviations waived: guest must pass
#        badcrc   initramfs + wrong CRC: guest must fail (status 1) and say why
#        strict   no waivers: guest must flag QEMU's deviations (TR not loaded)
#        nonote   QEMU's loader does not find an SHT_NOTE-only entry: QEMU must refuse the
#                 file with its "without PVH ELF Note" error (the peer difference libpvh's
#                 SHT_NOTE fallback exists for; the KVM tests boot this shape)
#
# isa-debug-exit makes QEMU exit with (v << 1) | 1 for a guest write of v.
set -u
guest=$1
mode=$2
SKIP=77
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null 2>&1 || { echo "SKIPPED: $qemu not installed"; exit $SKIP; }
[ -f "$guest" ] || { echo "FAIL: no guest file $guest"; exit 1; }

if [ "$mode" = nonote ]; then
  out=$(timeout 60 "$qemu" -accel tcg -M microvm -m 64M -nographic -nodefaults -kernel "$guest" 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ] && echo "$out" | grep -q "without PVH ELF Note"; then
    echo "PASS: QEMU refuses the SHT_NOTE-only shape (exit $rc): $out"
    exit 0
  fi
  echo "FAIL: expected QEMU to refuse an SHT_NOTE-only PVH kernel; exit $rc, output: $out"
  exit 1
fi

# Always TCG: these tests check the guest against QEMU's loader, not a KVM.
# QEMU on a kvm-pvm host's /dev/kvm stops at the guest's LAR (which that KVM
# cannot emulate) and then waits for the timeout; the KVM tests cover KVM.
accel="-accel tcg"
accel_name="TCG"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
initrd=$tmp/initrd.bin
# Deterministic, not all-zero, not a multiple of 4 KiB.
seq 1 30011 > "$initrd"
size=$(wc -c < "$initrd" | tr -d ' ')
# gzip's trailer holds the zlib CRC-32 of the input, little endian.
crc=$(gzip -c "$initrd" | tail -c8 | od -An -tx4 -N4 | tr -d ' \n')

base="console=ttyS0"
case "$mode" in
  pass) base="$base pvhtest.verbose pvhtest.allow=tr-null,memmap-empty pvhtest.initrd_crc=0x$crc pvhtest.initrd_size=$size pvhtest.modules=1" ;;
  badcrc) bad=$(printf '%08x' $(( (0x$crc + 1) & 0xffffffff )))
          base="$base pvhtest.allow=tr-null,memmap-empty pvhtest.initrd_crc=0x$bad pvhtest.modules=1" ;;
  strict) base="$base pvhtest.initrd_crc=0x$crc pvhtest.modules=1" ;;
  *) echo "FAIL: unknown mode $mode"; exit 1 ;;
esac
# pvhtest.cmdline_len counts the whole line, its own digits included.
len=$(( ${#base} + 21 + 1 ))
for _ in 1 2 3; do
  cmdline="$base pvhtest.cmdline_len=$len"
  [ ${#cmdline} -eq "$len" ] && break
  len=${#cmdline}
done

out=$tmp/console.txt
timeout 120 "$qemu" -M microvm $accel -m 128M -kernel "$guest" -initrd "$initrd" -append "$cmdline" \
  -device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -nodefaults -nographic -no-reboot \
  > "$out" 2>&1
rc=$?
tr -d '\r' < "$out"
echo "qemu ($accel_name) exit status $rc"

fail() { echo "FAIL: $*"; exit 1; }
grep -q "pvhtest: cmdline \"$cmdline\"" "$out" || fail "guest did not echo the command line exactly"
case "$mode" in
  pass)
    [ $rc -eq 1 ] || fail "expected QEMU status 1 (guest wrote 0), got $rc"
    grep -q "pvhtest: RESULT PASS" "$out" || fail "no RESULT PASS"
    grep -q "module 0 crc32 0x$crc == pvhtest.initrd_crc" "$out" || fail "initramfs CRC not confirmed by the guest" ;;
  badcrc)
    [ $rc -eq 3 ] || fail "expected QEMU status 3 (guest wrote 1), got $rc"
    grep -q "pvhtest: FAIL module 0 crc32 0x$crc == pvhtest.initrd_crc=0x$bad" "$out" || fail "guest did not report the CRC mismatch"
    grep -q "pvhtest: RESULT FAIL 1 of" "$out" || fail "expected exactly one failed check" ;;
  strict)
    [ $rc -eq 3 ] || fail "expected QEMU status 3 (guest wrote 1), got $rc"
    grep -q "pvhtest: FAIL tr selector 0x0" "$out" || fail "guest did not flag the unloaded TR" ;;
esac
echo "PASS ($mode)"
