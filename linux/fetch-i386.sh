#!/usr/bin/env bash
# Fetches what a 32-bit (i386) Linux boot check needs: Debian's 686-pae kernel
# (ELF32 vmlinux with a PVH entry note) and an i386 busybox-static for the
# initramfs. The 686 flavour (no -pae) has no CONFIG_PVH and cannot be booted.
#
#   bash linux/fetch-i386.sh            # cached after the first run
#   bash linux/fetch-i386.sh --refresh  # ask apt for the current version again
#
# Output in ${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/i386/:
#   vmlinux          -> linux-<ver>/vmlinux (ELF32)
#   vmlinux.version  the kernel release
#   busybox          i386 busybox-static (ELF32)
#
# apt runs with a configuration of its own under i386/apt/ (architecture i386,
# the host's Debian sources, its own lists and cache; tools/private_apt.py, the
# project's one private apt), so the host's apt set-up is not changed: no
# `dpkg --add-architecture`, no root needed.
set -euo pipefail

die() { echo "fetch-i386: error: $*" >&2; exit 1; }
say() { echo "fetch-i386: $*" >&2; }

HERE=$(cd "$(dirname "$0")" && pwd)
FETCH_DEBIAN="$HERE/../tools/fetch-debian-kernel.sh"
PRIVATE_APT="$HERE/../tools/private_apt.py"
CACHE="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/i386"
REFRESH="${PVH_FETCH_REFRESH:-0}"
[ "${1:-}" = "--refresh" ] && REFRESH=1

if [ "$REFRESH" != 1 ] && [ -s "$CACHE/vmlinux" ] && [ -s "$CACHE/busybox" ] && [ -s "$CACHE/vmlinux.version" ]; then
  say "cached: $CACHE/vmlinux ($(cat "$CACHE/vmlinux.version")) and $CACHE/busybox (--refresh to check apt)"
  exit 0
fi
for tool in apt-get apt-cache dpkg-deb readelf od dd python3; do
  command -v "$tool" >/dev/null || die "'$tool' not found (run tools/setup.sh)"
done
[ -x "$FETCH_DEBIAN" ] || [ -f "$FETCH_DEBIAN" ] || die "$FETCH_DEBIAN missing"

APT="$CACHE/apt"
papt() { python3 "$PRIVATE_APT" --root "$APT" --arch i386 --host-sources "$@"; }

t0=$(date +%s)
say "apt-get update (i386 lists, own configuration in $APT)"
mkdir -p "$APT"
papt update >"$APT/update.log" 2>&1 || { tail -n 20 "$APT/update.log" >&2; die "apt-get update failed"; }

# The metapackage names the current ABI: Depends: linux-image-6.1.0-NN-686-pae.
PKG=$(papt depends linux-image-686-pae linux-image-) || die "cannot resolve linux-image-686-pae in the i386 lists"
dep=${PKG#linux-image-}
dep=${dep%-686-pae}
case "$dep" in "" | *[!A-Za-z0-9.+~-]*) die "bad version '$dep' (from $PKG)";; esac
[ "$PKG" = "linux-image-${dep}-686-pae" ] || die "linux-image-686-pae depends on $PKG, not a 686-pae image"

WORK=$(mktemp -d "$CACHE/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
bytes=$(papt size "$PKG" busybox-static) || die "cannot size $PKG and busybox-static"
say "downloading $PKG and busybox-static (i386): $((bytes / 1000000)) MB"
papt download "$WORK" "$PKG" busybox-static >"$WORK/dl.log" 2>&1 || { cat "$WORK/dl.log" >&2; die "apt-get download failed"; }
mb=$(du -cm "$WORK"/*.deb | tail -n1 | cut -f1)
say "fetched $mb MB of packages"

KDEB=$(ls "$WORK"/linux-image-*.deb | head -n1)
BDEB=$(ls "$WORK"/busybox-static_*.deb | head -n1)
dpkg-deb -x "$KDEB" "$WORK/k"
dpkg-deb -x "$BDEB" "$WORK/b"
BZ=$(ls "$WORK"/k/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$BZ" ] || die "$PKG has no /boot/vmlinuz-*"
KREL=${BZ##*/vmlinuz-}
# The bzImage unpacking (setup header, payload, decompression, PVH note check)
# is fetch-debian-kernel.sh's, shared.
bash "$FETCH_DEBIAN" --extract "$BZ" "$WORK/x"
[ "$(od -An -t x1 -j 4 -N 1 "$WORK/x/vmlinux" | tr -d ' ')" = 01 ] || die "$PKG's vmlinux is not ELF32"
BB="$WORK/b/bin/busybox"
[ -f "$BB" ] || die "busybox-static has no /bin/busybox"
[ "$(od -An -t x1 -j 4 -N 1 "$BB" | tr -d ' ')" = 01 ] || die "busybox-static:i386 is not ELF32"

DIR="$CACHE/linux-$dep"
mkdir -p "$DIR"
mv "$WORK/x/vmlinux" "$DIR/vmlinux"
echo "$KREL" >"$DIR/vmlinux.version"
ln -sfn "linux-$dep/vmlinux" "$CACHE/vmlinux"
cp "$DIR/vmlinux.version" "$CACHE/vmlinux.version"
install -m 0755 "$BB" "$CACHE/busybox"
# The i386 package lists (~40 MB unpacked) are only needed to resolve names;
# --refresh fetches them again.
papt forget-lists
say "ready in $(( $(date +%s) - t0 )) s: $CACHE/vmlinux ($KREL, $(stat -c %s "$DIR/vmlinux") bytes), $CACHE/busybox"
