#!/bin/sh
# SPDX-License-Identifier: MIT
# examples.kvm: mini_vmm boots the tiny guest, which must echo our command line
# on port 0xe9 and write 0 to the exit port. Exit 77 (skip) without usable KVM.
# usage: test_mini_vmm.sh MINI_VMM TINY_GUEST
set -u
vmm=$1 guest=$2
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
  echo "SKIP: /dev/kvm is missing or not read-write for $(id -un)"
  exit 77
fi
out=$("$vmm" "$guest" "hello from libpvh, café" 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" = 77 ] && exit 77 # mini_vmm said why
if [ "$rc" != 0 ]; then
  echo "FAIL: mini_vmm exited $rc"
  exit 1
fi
case "$out" in
*"tiny_guest: hello from libpvh, café"*"guest wrote 0 to the exit port"*) echo "ok: guest ran and echoed its command line" ;;
*)
  echo "FAIL: the guest's command line echo or exit-port write is missing"
  exit 1
  ;;
esac
