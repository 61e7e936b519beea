#!/bin/busybox sh
# /init of the KVM lab (tools/kvm-lab.sh): runs inside QEMU TCG with -cpu max,
# whose emulated AMD SVM lets the Debian kernel's own kvm-amd.ko create a
# /dev/kvm. It loads the modules, checks that KVM really came up, then runs
# /lab/run.sh (written by tools/lab/kvm_lab.py) and powers off.
# Everything the host parses starts with "@@LAB " on a line of its own.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# No tmpfs over /tmp: the initramfs is already writable RAM, and the project's
# files sit in it at their host paths, which may be under /tmp (a CI clone).
chmod 1777 /tmp

lab_fail() {
  echo "@@LAB SETUP-FAIL $*"
  poweroff -f
}

# kvm-amd.params: empty (nested paging) or npt=0 (shadow paging, for 32-bit PAE guests)
params=$(cat /lab/kvm-amd.params 2>/dev/null)
for m in irqbypass kvm kvm-amd; do
  p=""
  [ "$m" = kvm-amd ] && p=$params
  out=$(insmod "/lab/modules/$m.ko" $p 2>&1) || lab_fail "insmod $m.ko $p: $out"
done
# Quiet from here on: test output and the kernel's messages share ttyS0.
echo 1 >/proc/sys/kernel/printk
[ -c /dev/kvm ] || lab_fail "kvm-amd loaded but /dev/kvm did not appear"
if [ "$params" = "npt=0" ]; then
  [ "$(cat /sys/module/kvm_amd/parameters/npt)" = N ] || lab_fail "kvm_amd npt=0 asked, but npt is still on"
  echo "@@LAB READY shadow paging (kvm_amd npt=0)"
else
  dmesg | grep -q 'Nested Paging enabled' ||
    lab_fail "kvm-amd loaded but the kernel never logged 'SVM: kvm: Nested Paging enabled': $(dmesg | grep -iE 'svm|kvm' | tail -n 3)"
  echo "@@LAB READY $(dmesg | grep -o 'Nested Paging enabled' | head -n1)"
fi

. /lab/run.sh
echo "@@LAB DONE"
sync
poweroff -f
