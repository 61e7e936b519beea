#!/bin/sh
# The Debian cloud kernel booted through libpvh (kernel, initramfs, command
# line, memory map, start_info) with pvhlinux's ACPI tables, entered by the
# handoff firmware under QEMU microvm TCG: every stage to a clean power-off
# through our FADT's sleep register, and the kernel's own echo of the command
# line, e820 map, RAMDISK and RSDP equal to what the loader reported placing.
#   test_handoff_boot.sh LINUX_HANDOFF FW PVH_MKINITRAMFS WORKDIR
set -u
HANDOFF=$1 FW=$2 MKINIT=$3 WORK=$4
. "$(dirname "$0")/lib.sh"
CMDLINE="console=ttyS0 panic=-1 pvhcheck.test=handoff"
need kernel qemu busybox jq
[ -s "$FW" ] || fail "handoff firmware $FW not built"

rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
"$MKINIT" --busybox "$BUSYBOX" --kernel "$VMLINUX" "$WORK/initramfs.cpio" || fail "pvh-mkinitramfs failed"
start=$(date +%s)
"$HANDOFF" "$VMLINUX" --fw "$FW" --initramfs "$WORK/initramfs.cpio" --work "$WORK" \
  --cmdline "$CMDLINE" --mem 512M --icount 0 --timeout 240 --until end --json >"$WORK/stages.json"
rc=$?
echo "linux_handoff exit $rc after $(( $(date +%s) - start )) s"
show_stages "$WORK/stages.json"
rm -f "$WORK"/*.bin # guest RAM pieces (~50 MB)
expect_reached "$WORK/stages.json" banner cmdline e820 ramdisk acpi console init marker poweroff end
expect_verified "$WORK/stages.json"
jq -e '.ok == true and .panic == null' "$WORK/stages.json" >/dev/null || fail "verdict not ok"
[ "$rc" -eq 0 ] || fail "linux_handoff exit $rc"
echo "PASS: the Debian $PVH_LINUX_ARCH kernel accepted our command line, memory map, initramfs and RSDP, ran /init and powered off"
