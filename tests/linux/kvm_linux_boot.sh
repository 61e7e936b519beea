#!/bin/sh
# The Debian cloud kernel under pvhkvm through our PVH path, stage by stage,
# until the init marker (then power-off ends the run through ACPI S5).
# Exit 77 with the reason when the kernel is not fetched or KVM is unusable.
#   kvm_linux_boot.sh PVH_LINUX_BOOT
set -u
BOOT=$1
VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
[ -s "$VMLINUX" ] || { echo "SKIP: no Debian kernel at $VMLINUX (run tools/fetch-debian-kernel.sh)"; exit 77; }
[ -x /bin/busybox ] || { echo "SKIP: /bin/busybox missing (apt-get install busybox-static)"; exit 77; }
"$BOOT" --kernel "$VMLINUX" --append "console=ttyS0 panic=-1 pvhcheck.test=kvm" --until marker --timeout 240
rc=$?
case $rc in
  0) echo "PASS: init marker reached under pvhkvm, every echoed value verified" ;;
  77) ;; # the reason was printed by pvh-linux-boot
  *) echo "FAIL: pvh-linux-boot exit $rc" ;;
esac
exit $rc
