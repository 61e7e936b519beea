#!/bin/sh
# Every command that builds our initramfs refuses a 64-bit busybox for a 32-bit
# kernel, before any VM or QEMU runs, and says why; matching pairs are built.
# Small ELF32/ELF64 test guests stand in for kernel and busybox (only their
# ELF class matters here), so this needs no download and no KVM.
#   test_busybox_class.sh PVH_MKINITRAMFS PVH_QEMU_BOOT PVHCHECK ELF32 ELF64 WORKDIR
set -u
MKINIT=$1 QBOOT=$2 PVHCHECK=$3 E32=$4 E64=$5 WORK=$6
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq not installed (tools/setup.sh)"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
WHY="is ELF64 but the kernel is ELF32"

"$MKINIT" --busybox "$E64" --kernel "$E32" "$WORK/a.cpio" >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "pvh-mkinitramfs: 64-bit busybox for a 32-bit kernel: exit $rc, not 1"
grep -q "$WHY" "$WORK/out" || fail "pvh-mkinitramfs gave no reason: $(cat "$WORK/out")"
[ ! -e "$WORK/a.cpio" ] || fail "pvh-mkinitramfs wrote an archive it refused"
echo "ok: pvh-mkinitramfs refuses: $(cat "$WORK/out")"
for pair in "$E32 $E32" "$E32 $E64" "$E64 $E64"; do
  set -- $pair
  "$MKINIT" --busybox "$1" --kernel "$2" "$WORK/b.cpio" >/dev/null || fail "pvh-mkinitramfs refused busybox $1 for kernel $2"
done
echo "ok: pvh-mkinitramfs builds 32/32, 32 on 64, 64/64"

"$QBOOT" "$E32" --busybox "$E64" --qemu /nonexistent >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q "$WHY" "$WORK/out" || fail "pvh-qemu-boot: exit $rc: $(cat "$WORK/out")"
echo "ok: pvh-qemu-boot refuses before starting QEMU (exit 3)"

"$PVHCHECK" boot --linux "$E32" --busybox "$E64" --json >"$WORK/out.json" 2>/dev/null
rc=$?
[ $rc -ne 0 ] || fail "pvhcheck boot --linux accepted a 64-bit busybox for a 32-bit kernel"
jq -e --arg w "$WHY" '.ok == false and .error.code == "invalid-argument" and (.error.message | contains($w))' \
  "$WORK/out.json" >/dev/null || fail "pvhcheck boot --linux: $(cat "$WORK/out.json")"
echo "ok: pvhcheck boot --linux refuses (exit $rc): $(jq -r .error.message "$WORK/out.json")"
echo "PASS: a 64-bit busybox is refused for a 32-bit kernel by all three commands, with the reason"
