#!/usr/bin/env bash
# One command: fetch the Debian cloud kernel, build pvhcheck, boot-check the
# kernel through our PVH path and report its stages.
#   bash linux/boot-check.sh [--until STAGE] [--cpuid-mask LIST] [--cmdline S] [--json]
# Under KVM: `pvhcheck boot --linux`, the real check. Where KVM is not usable
# (the reason is printed) it then boots the same kernel through the same
# loader and ACPI tables under QEMU TCG (handoff firmware), so the
# loader-facing stages are still verified here.
# Env: PVH_BUILD_DIR (default build/default), PVH_CACHE_DIR (kernel cache).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD="${PVH_BUILD_DIR:-build/default}"
VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
NO_KVM=77
args=() hargs=() # pvhcheck's, and the QEMU fallback's (no CPUID masks there)
while [ $# -gt 0 ]; do
  case "$1" in
    --until | --cmdline) args+=("$1" "$2"); hargs+=("$1" "$2"); shift 2 ;;
    --cpuid-mask) args+=("$1" "$2"); shift 2 ;;
    --json) args+=(--json); hargs+=(--json); shift ;;
    *) echo "usage: $0 [--until STAGE] [--cpuid-mask LIST] [--cmdline S] [--json]" >&2; exit 2 ;;
  esac
done

bash tools/fetch-debian-kernel.sh || exit 3
cmake -S . -B "$BUILD" >/dev/null || exit 3
cmake --build "$BUILD" -j"$(nproc)" --target pvhcheck pvh-mkinitramfs >/dev/null || exit 3
"$BUILD/cli/pvhcheck" boot --linux "$VMLINUX" --env-exit-code $NO_KVM "${args[@]}"
rc=$?
[ $rc -ne $NO_KVM ] && exit $rc

echo "boot-check: KVM is not usable here; the same kernel through our loader + ACPI under QEMU TCG:" >&2
cmake --build "$BUILD" -j"$(nproc)" --target linux_handoff >/dev/null 2>&1 ||
  { echo "boot-check: linux_handoff not buildable here (needs the tests and pvhkvm)" >&2; exit $NO_KVM; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BUILD/linux/pvh-mkinitramfs" "$work/initramfs.cpio" || exit 3
"$BUILD/tests/linux/linux_handoff" "$VMLINUX" --fw "$BUILD/tests/kvm/handoff/handoff_fw.bin" \
  --initramfs "$work/initramfs.cpio" --work "$work" --icount 0 "${hargs[@]}"
