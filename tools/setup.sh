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
  # tests/unit/test_json_contract.sh: every --json output against docs/schema/ (a real validator)
  python3-jsonschema
  # tests/unit/test_workflows.py reads .github/workflows/*.yml
  python3-yaml
  # tools/kvm-lab.sh and tools/kernel-matrix.sh: Debian ships kernel modules as .ko, .ko.xz or .ko.zst
  xz-utils zstd
  # fuzz/oss-fuzz/check_build.sh: i386 builds (-m32 C and the C++ libFuzzer
  # driver), `file` for the architecture check, bzip2 for the pinned elfutils
  # tarball (fuzz/oss-fuzz/deps.sh)
  gcc-multilib lib32stdc++-12-dev file bzip2
  # bzimage/ (pvhbz): Debian's decompressors for a bzImage's payload, and the
  # compressor CLIs its tests and seeds use to build payloads the way Linux does
  zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libbz2-dev liblzo2-dev
  gzip xz-utils lz4 zstd bzip2 lzop
  # Xen's libxenguest as a peer of the reader models (tests/readers, the
  # libxenguest fuzz differential): it parses a PVH kernel without a hypervisor
  libxen-dev
)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# fuzz/oss-fuzz/deps.sh takes its pinned sources (elfutils, zlib, and for the
# MSan/i386 fuzz builds xz-utils, lz4, libzstd, bzip2, lzo2) from Debian's
# source packages when no cached copy or upstream URL is reachable: enable
# deb-src for the same mirrors and suites as the binary packages.
if [ -f /etc/apt/sources.list.d/debian.sources ] && [ ! -f /etc/apt/sources.list.d/pvhcheck-deb-src.sources ]; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
    $SUDO tee /etc/apt/sources.list.d/pvhcheck-deb-src.sources >/dev/null
  $SUDO apt-get update -qq
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
