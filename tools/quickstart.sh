#!/usr/bin/env bash
# The main job, for a newcomer on a fresh Debian 12 machine:
#   1. install what is missing (tools/setup.sh), build the default preset;
#   2. fetch the Debian cloud kernel and `pvhcheck inspect` it (the loader on a real vmlinux);
#   3. `pvhcheck boot` with no argument: the built-in self-test guest under KVM, entry proved
#      (hardware breakpoint or single step), the PVH handoff checked from inside the guest.
# Where /dev/kvm is not usable, step 3 says why and boots the same self-test guest in the
# KVM lab instead (tools/kvm-lab.sh: a real kvm_amd inside QEMU TCG), so every machine
# gets a real KVM answer. Exit status: that of the boot that answered (0 proved,
# 1 failed, 3 neither the host nor the lab could run KVM) unless an earlier step failed.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "set-up and build (preset default)"
bash tools/setup.sh
cmake --preset default >/dev/null
cmake --build build/default -j"$(nproc)" >/dev/null
PVHCHECK=build/default/cli/pvhcheck
echo "built $PVHCHECK"

step "fetch the Debian cloud kernel"
bash tools/fetch-debian-kernel.sh
VMLINUX=${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux

step "pvhcheck inspect $VMLINUX"
"$PVHCHECK" inspect --cmdline "console=ttyS0 earlyprintk=ttyS0" "$VMLINUX"

step "pvhcheck boot (built-in self-test guest under KVM)"
set +e
"$PVHCHECK" boot
rc=$?
set -e
if [ "$rc" -eq 3 ]; then
  step "no usable KVM here (see above): the same self-test guest in the KVM lab (kvm_amd on QEMU TCG)"
  guest=build/default/kvm/guest/pvhtest-elf64-note4.elf
  set +e
  bash tools/kvm-lab.sh --file "$guest" -- pvhcheck boot "/lab/files/$(basename "$guest")"
  rc=$?
  set -e
fi
exit "$rc"
