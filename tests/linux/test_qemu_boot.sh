#!/bin/sh
# The Debian cloud kernel + our initramfs under QEMU microvm (TCG here), every
# stage through the clean end, with the values we control verified:
# the command line echoed byte for byte, RAMDISK sized for our initramfs.
# (QEMU builds the memory map and ACPI tables and places the initramfs, so
# those are parsed and shown, not compared: they are not ours.)
#   test_qemu_boot.sh PVH_QEMU_BOOT PVH_MKINITRAMFS WORKDIR
# Exit 77 (ctest SKIP) with the reason when the kernel, QEMU or busybox-static is missing.
set -u
QEMU_BOOT=$1 MKINIT=$2 WORK=$3
. "$(dirname "$0")/lib.sh"
CMDLINE="console=ttyS0 panic=-1 pvhcheck.test=qemu"
need kernel qemu busybox jq

mkdir -p "$WORK"
"$MKINIT" --busybox "$BUSYBOX" --kernel "$VMLINUX" "$WORK/initramfs.cpio" || fail "pvh-mkinitramfs failed"
size=$(stat -c %s "$WORK/initramfs.cpio")

# -icount 0: guest clocks follow executed instructions, so TSC calibration
# cannot fail when the host is busy (plain TCG on a loaded host stalls).
start=$(date +%s)
"$QEMU_BOOT" "$VMLINUX" --initramfs "$WORK/initramfs.cpio" --cmdline "$CMDLINE" \
  --mem 512M --icount 0 --timeout 240 --until end --json >"$WORK/stages.json"
rc=$?
echo "pvh-qemu-boot exit $rc after $(( $(date +%s) - start )) s"
show_stages "$WORK/stages.json"
expect_reached "$WORK/stages.json" banner cmdline e820 ramdisk acpi console init marker poweroff end
jq -e '.stages[] | select(.name == "cmdline") | .detail | startswith("equals ours")' "$WORK/stages.json" >/dev/null ||
  fail "command line not verified"
jq -e --arg n "holds $size bytes" '.stages[] | select(.name == "ramdisk") | .detail | contains($n)' \
  "$WORK/stages.json" >/dev/null || fail "RAMDISK not sized for our $size-byte initramfs"
jq -e '.ok == true and .until == "end" and .panic == null' "$WORK/stages.json" >/dev/null || fail "verdict not ok"
[ "$rc" -eq 0 ] || fail "pvh-qemu-boot exit $rc"
echo "PASS: QEMU microvm booted the Debian $PVH_LINUX_ARCH kernel to a clean power-off, all stages verified"
