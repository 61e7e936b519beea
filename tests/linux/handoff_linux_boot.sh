#!/bin/sh
# The Debian cloud kernel booted through libpvh (kernel, initramfs, command
# line, memory map, start_info) with pvhlinux's ACPI tables, entered by the
# handoff firmware under QEMU microvm TCG: every stage to a clean power-off
# through our FADT's sleep register, and the kernel's own echo of the command
# line, e820 map, RAMDISK and RSDP equal to what the loader reported placing.
#   handoff_linux_boot.sh LINUX_HANDOFF FW PVH_MKINITRAMFS WORKDIR
set -u
HANDOFF=$1 FW=$2 MKINIT=$3 WORK=$4
VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
CMDLINE="console=ttyS0 panic=-1 pvhcheck.test=handoff"
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
[ -s "$VMLINUX" ] || skip "no Debian kernel at $VMLINUX (run tools/fetch-debian-kernel.sh)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (tools/setup.sh)"
[ -x /bin/busybox ] || skip "/bin/busybox missing (apt-get install busybox-static)"
command -v jq >/dev/null || skip "jq not installed (tools/setup.sh)"
[ -s "$FW" ] || fail "handoff firmware $FW not built"

rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
"$MKINIT" -o "$WORK/initramfs.cpio" || fail "pvh-mkinitramfs failed"
start=$(date +%s)
"$HANDOFF" "$VMLINUX" --fw "$FW" --initramfs "$WORK/initramfs.cpio" --work "$WORK" \
  --cmdline "$CMDLINE" --mem 512M --icount 0 --timeout 240 --until end --json >"$WORK/stages.json"
rc=$?
echo "linux_handoff exit $rc after $(( $(date +%s) - start )) s"
jq -r '.stages[] | "\(.name)\t\(.state)\t\(.guest_s)\t\(.host_s)\t\(.detail)"' "$WORK/stages.json" ||
  fail "no JSON from linux_handoff"
rm -f "$WORK"/*.bin # guest RAM pieces (~50 MB)
for s in banner cmdline e820 ramdisk acpi console init marker poweroff end; do
  st=$(jq -r --arg s "$s" '.stages[] | select(.name == $s) | .state' "$WORK/stages.json")
  [ "$st" = reached ] || fail "stage $s is '$st'"
done
detail() { jq -r --arg s "$1" '.stages[] | select(.name == $s) | .detail' "$WORK/stages.json"; }
case "$(detail cmdline)" in "equals ours"*) ;; *) fail "command line not verified";; esac
case "$(detail e820)" in *"equal the map we passed") ;; *) fail "e820 not verified: $(detail e820)";; esac
case "$(detail ramdisk)" in *"= placed 0x"*) ;; *) fail "RAMDISK not verified: $(detail ramdisk)";; esac
case "$(detail acpi)" in *"as passed") ;; *) fail "RSDP not verified: $(detail acpi)";; esac
jq -e '.ok == true and .panic == null' "$WORK/stages.json" >/dev/null || fail "verdict not ok"
[ "$rc" -eq 0 ] || fail "linux_handoff exit $rc"
echo "PASS: the Debian kernel accepted our command line, memory map, initramfs and RSDP, ran /init and powered off"
