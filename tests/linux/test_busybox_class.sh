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
# The guests stand in for busybox too; a busybox is recognised by its banner.
for c in 32 64; do
  eval "src=\$E$c"
  { cat "$src"; printf 'BusyBox v0.0 (stand-in)'; } >"$WORK/bb$c" || fail "cannot write the stand-in busybox"
done
BB32=$WORK/bb32 BB64=$WORK/bb64

"$MKINIT" --busybox "$BB64" --kernel "$E32" "$WORK/a.cpio" >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "pvh-mkinitramfs: 64-bit busybox for a 32-bit kernel: exit $rc, not 1"
grep -q "$WHY" "$WORK/out" || fail "pvh-mkinitramfs gave no reason: $(cat "$WORK/out")"
[ ! -e "$WORK/a.cpio" ] || fail "pvh-mkinitramfs wrote an archive it refused"
echo "ok: pvh-mkinitramfs refuses: $(cat "$WORK/out")"
for pair in "$BB32 $E32" "$BB32 $E64" "$BB64 $E64"; do
  set -- $pair
  "$MKINIT" --busybox "$1" --kernel "$2" "$WORK/b.cpio" >/dev/null || fail "pvh-mkinitramfs refused busybox $1 for kernel $2"
done
echo "ok: pvh-mkinitramfs builds 32/32, 32 on 64, 64/64"

"$QBOOT" "$E32" --busybox "$BB64" --qemu /nonexistent >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q "$WHY" "$WORK/out" || fail "pvh-qemu-boot: exit $rc: $(cat "$WORK/out")"
echo "ok: pvh-qemu-boot refuses before starting QEMU (exit 3)"

"$PVHCHECK" boot --linux "$E32" --busybox "$BB64" --json >"$WORK/out.json" 2>/dev/null
rc=$?
[ $rc -ne 0 ] || fail "pvhcheck boot --linux accepted a 64-bit busybox for a 32-bit kernel"
jq -e --arg w "$WHY" '.ok == false and .error.code == "invalid-argument" and (.error.message | contains($w))' \
  "$WORK/out.json" >/dev/null || fail "pvhcheck boot --linux: $(cat "$WORK/out.json")"
echo "ok: pvhcheck boot --linux refuses (exit $rc): $(jq -r .error.message "$WORK/out.json")"

# Not busybox, or not static: refused with the reason, also for a 64-bit kernel.
"$PVHCHECK" boot --linux "$E64" --busybox "$E64" >/dev/null 2>"$WORK/err"
grep -q 'is not busybox' "$WORK/err" || fail "a non-busybox ELF accepted as busybox: $(cat "$WORK/err")"
if [ -x /bin/ls ] && head -c 4 /bin/ls | grep -q ELF && readelf -l /bin/ls 2>/dev/null | grep -q INTERP; then
  "$PVHCHECK" boot --linux "$E64" --busybox /bin/ls >/dev/null 2>"$WORK/err"
  grep -q 'is dynamically linked' "$WORK/err" || fail "/bin/ls accepted as busybox: $(cat "$WORK/err")"
  echo "ok: /bin/ls is refused as busybox: $(cat "$WORK/err")"
fi
# A run that stops before /init needs no userland: the busybox is not read.
for bb in "$BB64" /nonexistent-busybox; do
  "$PVHCHECK" boot --linux "$E32" --busybox "$bb" --until entry --json >"$WORK/out.json" 2>/dev/null
  jq -e '.error == null or (.error.field != "--busybox")' "$WORK/out.json" >/dev/null ||
    fail "--until entry still judged --busybox $bb: $(cat "$WORK/out.json")"
done
echo "ok: --until entry does not read --busybox"
echo "PASS: busybox must be a static busybox the kernel can run, and only when the run reaches /init"
