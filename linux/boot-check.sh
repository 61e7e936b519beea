#!/usr/bin/env bash
# One command: fetch the Debian cloud kernel, build our initramfs, boot-check
# the kernel through our PVH path and report its stages.
#   bash kvm/linux/boot-check.sh [--until STAGE] [--cpuid-mask LIST] [--append CMDLINE] [--json]
# Under KVM (pvh-linux-boot, the library behind `pvhcheck boot`): the real
# check. Where KVM is not usable (exit 77, reason printed) it then boots the
# same kernel through the same loader and ACPI tables under QEMU TCG (handoff
# firmware), so the loader-facing stages are still verified here.
# Env: PVH_BUILD_DIR (default build/default), PVH_CACHE_DIR (kernel cache).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD="${PVH_BUILD_DIR:-build/default}"
VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
UNTIL=marker APPEND="console=ttyS0 panic=-1" MASK="" JSON=()
while [ $# -gt 0 ]; do
  case "$1" in
    --until) UNTIL=$2; shift 2 ;;
    --cpuid-mask) MASK=$2; shift 2 ;;
    --append) APPEND=$2; shift 2 ;;
    --json) JSON=(--json); shift ;;
    *) echo "usage: $0 [--until STAGE] [--cpuid-mask LIST] [--append CMDLINE] [--json]" >&2; exit 2 ;;
  esac
done

bash tools/fetch-debian-kernel.sh || exit 3
cmake -S . -B "$BUILD" >/dev/null || exit 3
cmake --build "$BUILD" -j"$(nproc)" --target pvh-mkinitramfs pvh-linux-boot >/dev/null || exit 3
"$BUILD/kvm/linux/pvh-mkinitramfs" -o "$BUILD/pvhcheck-initramfs.cpio" || exit 3

args=(--kernel "$VMLINUX" --initrd "$BUILD/pvhcheck-initramfs.cpio" --append "$APPEND" --until "$UNTIL")
[ -n "$MASK" ] && args+=(--cpuid-mask "$MASK")
"$BUILD/kvm/linux/pvh-linux-boot" "${args[@]}" "${JSON[@]}"
rc=$?
[ $rc -ne 77 ] && exit $rc

echo "boot-check: KVM is not usable here; the same kernel through our loader + ACPI under QEMU TCG:" >&2
cmake --build "$BUILD" -j"$(nproc)" --target linux_handoff >/dev/null 2>&1 ||
  { echo "boot-check: linux_handoff not buildable here (needs the tests and pvhkvm)" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BUILD/tests/linux/linux_handoff" --fw "$BUILD/tests/kvm/handoff/handoff_fw.bin" --kernel "$VMLINUX" \
  --initrd "$BUILD/pvhcheck-initramfs.cpio" --work "$work" --append "$APPEND" --until "$UNTIL" \
  --icount 0 "${JSON[@]}"
