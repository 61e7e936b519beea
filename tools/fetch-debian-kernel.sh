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
# by parsing its setup header (payload_offset/payload_length), not by scanning
# for magic bytes, so trailing data after the payload cannot confuse it.
set -euo pipefail

die() { echo "fetch-debian-kernel: error: $*" >&2; exit 1; }
say() { echo "fetch-debian-kernel: $*" >&2; }

# extract_vmlinux BZIMAGE WORKDIR: WORKDIR/vmlinux = the ELF inside the bzImage,
# checked for the Xen PVH entry note. Dies with the reason otherwise.
extract_vmlinux() {
  local BZ=$1 WORK=$2
  # Little-endian unsigned integer of $2 bytes at offset $1 of $BZ.
  le() { od -An -t u"$2" -j "$1" -N "$2" --endian=little "$BZ" | tr -d ' '; }

  bzsize=$(stat -c %s "$BZ")
  [ "$bzsize" -gt 1024 ] || die "$BZ too small"
  [ "$(dd if="$BZ" bs=1 skip=$((0x202)) count=4 status=none)" = "HdrS" ] ||
    die "$BZ: no 'HdrS' setup header magic at 0x202"
  setup_sects=$(le $((0x1f1)) 1)
  [ "$setup_sects" -ne 0 ] || setup_sects=4 # boot protocol: 0 means 4
  payload_off=$(le $((0x248)) 4)
  payload_len=$(le $((0x24c)) 4)
  pm_start=$(( (setup_sects + 1) * 512 ))
  start=$(( pm_start + payload_off ))
  end=$(( start + payload_len ))
  [ "$payload_len" -gt 16 ] && [ "$end" -le "$bzsize" ] ||
    die "payload [$start, $end) outside the $bzsize-byte bzImage"
  say "bzImage ${BZ##*/}: setup_sects=$setup_sects payload at $start, $payload_len bytes"
  dd if="$BZ" of="$WORK/payload" bs=4096 iflag=skip_bytes,count_bytes \
     skip="$start" count="$payload_len" status=none

  # Compression by magic. Linux appends the uncompressed size as the last 4 bytes
  # of the payload for every method; we use it to check the result.
  magic=$(od -An -t x1 -N 6 "$WORK/payload" | tr -d ' \n')
  want_size=$(od -An -t u4 -j $((payload_len - 4)) -N 4 --endian=little "$WORK/payload" | tr -d ' ')
  case "$magic" in
    02214c18*)   method=lz4;  cmd=(lz4 -dc) ;;   # legacy frame 0x184c2102
    1f8b*)       method=gzip; cmd=(gzip -dc) ;;
    fd377a585a00) method=xz;  cmd=(xz -dc --single-stream) ;;
    28b52ffd*)   method=zstd; cmd=(zstd -dcq) ;;
    5d00*)       method=lzma; cmd=(xz -dc --format=lzma) ;;
    *) die "unknown payload compression (magic $magic)" ;;
  esac
  command -v "${cmd[0]}" >/dev/null || die "$method payload but '${cmd[0]}' is missing"
  say "payload is $method, uncompressed size from trailer: $want_size"
  # Linux's payload carries the 4-byte size trailer after the compressed stream;
  # decompressors may complain about it, so judge by the output, not the status.
  "${cmd[@]}" <"$WORK/payload" >"$WORK/vmlinux" 2>"$WORK/dec.err" || true
  got_size=$(stat -c %s "$WORK/vmlinux")
  if [ "$got_size" -ne "$want_size" ]; then
    cat "$WORK/dec.err" >&2
    die "$method output is $got_size bytes, the trailer says $want_size"
  fi
  [ "$(od -An -t x1 -N 4 "$WORK/vmlinux" | tr -d ' ')" = "7f454c46" ] || die "decompressed payload is not ELF"

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
  for tool in readelf od dd; do command -v "$tool" >/dev/null || die "'$tool' not found"; done
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
for tool in apt-cache apt-get dpkg-deb readelf od dd; do
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
