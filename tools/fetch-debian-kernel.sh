#!/usr/bin/env bash
# Fetches the Debian cloud kernel and leaves an ELF vmlinux with a Xen PVH entry
# note in the cache, for the real-kernel boot checks (tests/linux, bench/linux).
#
#   tools/fetch-debian-kernel.sh [VERSION]     e.g. 6.1.0-56 (or env PVH_KERNEL_VERSION)
#   tools/fetch-debian-kernel.sh --refresh     ask apt for the current version again
#   tools/fetch-debian-kernel.sh --extract BZIMAGE OUTDIR   only unpack (tests)
#
# Without a version, a kernel already in the cache is used as is (a second run
# is instant and CI keeps testing the same kernel); --refresh or
# PVH_FETCH_REFRESH=1 asks apt which version linux-image-cloud-amd64 points at.
#
# Output (idempotent: a second run with the same version does nothing):
#   ${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux          -> linux-<ver>/vmlinux
#   ${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux.version  the kernel version
#   ${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/linux-<ver>/package.deb  the package (the KVM lab's modules)
#
# The package comes through apt (apt-get download), so whatever mirror the host
# is configured with is used; no mirror is named here. The bzImage is unpacked
# by `pvhcheck extract` (bzimage/: setup header, payload_offset/payload_length,
# Debian's decompressors), the same reader `pvhcheck inspect vmlinuz` uses.
set -euo pipefail

die() { echo "fetch-debian-kernel: error: $*" >&2; exit 1; }
say() { echo "fetch-debian-kernel: $*" >&2; }

# pvhcheck, whose `extract` unpacks the bzImage (bzimage/, the reader inspect
# and boot use too): $PVHCHECK, else build/default's, built if missing.
find_pvhcheck() {
  [ -n "${PVHCHECK:-}" ] && return 0
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  PVHCHECK=$root/build/default/cli/pvhcheck
  [ -x "$PVHCHECK" ] && return 0
  say "building pvhcheck for its bzImage reader (build/default)"
  (cd "$root" && cmake --preset default >/dev/null && cmake --build build/default --target pvhcheck -j"$(nproc)" >/dev/null) ||
    die "cannot build pvhcheck (cmake --preset default && cmake --build build/default --target pvhcheck)"
}

# extract_vmlinux BZIMAGE WORKDIR: WORKDIR/vmlinux = the ELF inside the bzImage,
# checked for the Xen PVH entry note. Dies with the reason otherwise.
extract_vmlinux() {
  local BZ=$1 WORK=$2 json method
  find_pvhcheck
  # The reader checks the setup header, the payload bounds and the declared
  # size, and writes exactly the declared bytes (pvhcheck extract --help).
  json=$("$PVHCHECK" extract --json --output "$WORK/vmlinux" "$BZ" 2>"$WORK/extract.log") ||
    die "$(grep -h '^error: ' "$WORK/extract.log" || cat "$WORK/extract.log")"
  method=$(printf '%s' "$json" | sed -n 's/.*"method":"\([a-z0-9]*\)".*/\1/p')
  say "$(cat "$WORK/extract.log")"
  say "payload is $method"

  # The Xen PVH entry: readelf prints "Xen ... NT_VERSION? / Unknown note type: (0x00000012)"
  # with its description bytes; a kernel without CONFIG_PVH cannot be booted by us.
  notes=$(readelf -n "$WORK/vmlinux" 2>/dev/null)
  entry_line=$(printf '%s\n' "$notes" | grep -A1 -E '^ *Xen .*(0x00000012|PHYS32_ENTRY)' | tail -n1 || true)
  [ -n "$entry_line" ] || die "vmlinux has no Xen PHYS32_ENTRY note (kernel built without CONFIG_PVH?)"
  # desc bytes little endian; the low 4 are the 32-bit entry.
  read -r b0 b1 b2 b3 _ <<<"$(echo "$entry_line" | sed 's/^.*data: *//')"
  say "PVH entry (XEN_ELFNOTE_PHYS32_ENTRY): 0x$b3$b2$b1$b0"
}

# Test hook: unpack a given bzImage without apt (tests/linux/test_fetch_extract.sh).
if [ "${1:-}" = "--extract" ]; then
  [ $# -eq 3 ] || die "usage: $0 --extract BZIMAGE OUTDIR"
  command -v readelf >/dev/null || die "'readelf' not found"
  mkdir -p "$3"
  extract_vmlinux "$2" "$3"
  exit 0
fi

CACHE="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}"
REFRESH="${PVH_FETCH_REFRESH:-0}"
if [ "${1:-}" = "--refresh" ]; then REFRESH=1; shift; fi
VER="${1:-${PVH_KERNEL_VERSION:-}}"
if [ -z "$VER" ] && [ "$REFRESH" != 1 ] && [ -s "$CACHE/vmlinux" ] && [ -s "$CACHE/vmlinux.version" ]; then
  echo "fetch-debian-kernel: cached: $CACHE/vmlinux ($(cat "$CACHE/vmlinux.version"); --refresh to check apt)" >&2
  exit 0
fi
for tool in apt-cache apt-get dpkg-deb readelf; do
  command -v "$tool" >/dev/null || die "'$tool' not found (run tools/setup.sh)"
done

# The metapackage names the current ABI version: Depends: linux-image-6.1.0-NN-cloud-amd64.
if [ -z "$VER" ]; then
  dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
        sed -n 's/^ *Depends: linux-image-\(.*\)-cloud-amd64$/\1/p' | head -n1)
  [ -n "$dep" ] || die "cannot resolve linux-image-cloud-amd64 (apt-get update? not Debian?)"
  VER="$dep"
fi
case "$VER" in *[!A-Za-z0-9.+~-]*|"") die "bad version '$VER'";; esac
PKG="linux-image-${VER}-cloud-amd64"
DIR="$CACHE/linux-$VER"

if [ -s "$DIR/vmlinux" ] && [ -s "$DIR/vmlinux.version" ]; then
  ln -sfn "linux-$VER/vmlinux" "$CACHE/vmlinux"
  cp "$DIR/vmlinux.version" "$CACHE/vmlinux.version"
  say "cached: $CACHE/vmlinux ($(cat "$DIR/vmlinux.version"))"
  exit 0
fi

mkdir -p "$DIR"
WORK=$(mktemp -d "$DIR/.work.XXXXXX")
trap 'rm -rf "$WORK"; rmdir "$DIR" 2>/dev/null || true' EXIT

say "downloading $PKG"
( cd "$WORK" && apt-get download -q "$PKG" >/dev/null 2>"$WORK/apt.err" ) ||
  { cat "$WORK/apt.err" >&2; die "apt-get download $PKG failed"; }
DEB=$(ls "$WORK"/*.deb 2>/dev/null | head -n1)
[ -n "$DEB" ] || die "no .deb downloaded"
dpkg-deb -x "$DEB" "$WORK/root"
BZ=$(ls "$WORK"/root/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$BZ" ] || die "$PKG has no /boot/vmlinuz-*"
KREL=${BZ##*/vmlinuz-}

extract_vmlinux "$BZ" "$WORK"

mv "$WORK/vmlinux" "$DIR/vmlinux"
# The package stays beside the vmlinux: the KVM lab takes its kvm modules from
# this same package (tools/lab/kvm_lab.py), and need not download it again.
mv "$DEB" "$DIR/package.deb"
echo "$KREL" >"$DIR/vmlinux.version"
ln -sfn "linux-$VER/vmlinux" "$CACHE/vmlinux"
cp "$DIR/vmlinux.version" "$CACHE/vmlinux.version"
say "ready: $CACHE/vmlinux ($KREL, $(stat -c %s "$DIR/vmlinux") bytes)"
