#!/usr/bin/env bash
# Installs every Debian 12 package pvhcheck needs to build, test, fuzz and boot-check.
# Idempotent: packages already present are left alone; safe to run on every CI start.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang llvm lld libclang-rt-14-dev clang-format
  libcmocka-dev libelf-dev elfutils
  afl++
  qemu-system-x86
  lz4 cpio zip unzip binutils busybox-static
  python3 jq acpica-tools
  # tools/kvm-lab.sh and tools/kernel-matrix.sh: Debian ships kernel modules as .ko, .ko.xz or .ko.zst
  xz-utils zstd
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
