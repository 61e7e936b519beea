#!/bin/bash
# The libelf the differential oracle links, pinned and built from source with
# the caller's $CC $CFLAGS (instrumented like the targets: MSan sees its
# stores, i386 builds get an i386 libelf, every image gets the same version):
#   elfutils 0.188 (libelf only) + zlib 1.2.13, both checked by sha256.
#
#   fuzz/oss-fuzz/deps.sh DIR      prints the install prefix (DIR/<key>) on stdout
#
# <key> is a hash of the versions, $CC and $CFLAGS: a prefix is built once per
# flavour and reused. Source tarballs are looked for, in order, in
#   $PVH_DEPS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/pvhcheck-deps; the
#     OSS-Fuzz/CFLite Dockerfiles fill $SRC/pvhcheck-deps at image build time),
#   the upstream release URLs (curl), and
#   Debian's source packages (`apt-get source --download-only`; tools/setup.sh
#     enables deb-src), whose orig tarballs are the same releases.
# Whatever the source, a file whose sha256 is not listed here is refused.
set -eu
set -o pipefail

base=${1:?usage: deps.sh DIR}
CC=${CC:-clang}
CFLAGS=${CFLAGS:-}
cache=${PVH_DEPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvhcheck-deps}

# name | accepted files (file=sha256 ...) | upstream URL | Debian source package=version
ELFUTILS_FILES="elfutils_0.188.orig.tar.bz2=fb8b0e8d0802005b9a309c60c1d8de32dd2951b56f0c3a3cb56d21ce01595dff
elfutils-0.188.tar.bz2=fb8b0e8d0802005b9a309c60c1d8de32dd2951b56f0c3a3cb56d21ce01595dff"
ELFUTILS_URL=https://sourceware.org/elfutils/ftp/0.188/elfutils-0.188.tar.bz2
ELFUTILS_DEB=elfutils=0.188-2.1
ZLIB_FILES="zlib_1.2.13.dfsg.orig.tar.bz2=71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
zlib-1.2.13.tar.gz=b3a24de97a8fdbc835b9833169501030b8977031bcb54b3b3ac13740f846ab30"
ZLIB_URL=https://zlib.net/fossils/zlib-1.2.13.tar.gz
ZLIB_DEB=zlib=1:1.2.13.dfsg-1

log() { echo "deps.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# fetch FILES URL DEB: prints the path of a verified tarball.
fetch() {
  local files=$1 url=$2 deb=$3 entry name sum
  mkdir -p "$cache"
  for attempt in cache url apt; do
    case $attempt in
      url) command -v curl >/dev/null && (cd "$cache" && curl -fsSLO --retry 2 "$url") >&2 || true ;;
      apt) command -v apt-get >/dev/null && (cd "$cache" && apt-get source --download-only -qq "$deb") >&2 || true ;;
    esac
    for entry in $files; do
      name=${entry%%=*} sum=${entry#*=}
      [ -f "$cache/$name" ] || continue
      if [ "$(sha256sum "$cache/$name" | cut -d' ' -f1)" = "$sum" ]; then
        echo "$cache/$name"
        return 0
      fi
      log "refusing $cache/$name: sha256 is not $sum"
      rm -f "$cache/$name"
    done
  done
  die "cannot get any of: $(echo $files | sed 's/=[0-9a-f]*//g') (cache $cache, $url, apt-get source $deb)"
}

key=$(printf '%s\n' "elfutils-0.188 zlib-1.2.13 v1" "$CC" "$CFLAGS" | sha256sum | cut -c1-16)
prefix=$base/$key
if [ -f "$prefix/lib/libelf.a" ] && [ -f "$prefix/lib/libz.a" ] && [ -f "$prefix/include/gelf.h" ]; then
  echo "$prefix"
  exit 0
fi
elfutils_tar=$(fetch "$ELFUTILS_FILES" "$ELFUTILS_URL" "$ELFUTILS_DEB")
zlib_tar=$(fetch "$ZLIB_FILES" "$ZLIB_URL" "$ZLIB_DEB")

work=$base/$key.build
rm -rf "$work" "$prefix"
mkdir -p "$work" "$prefix/lib" "$prefix/include"
log "building zlib + libelf with CC=$CC CFLAGS=$CFLAGS into $prefix"
tar -xf "$zlib_tar" -C "$work"
tar -xf "$elfutils_tar" -C "$work"
jobs=$(nproc)

# zlib: static only, the caller's flags.
# zlib: static only, the caller's flags. (`set -e` does not apply inside a
# subshell tested with ||: every step is chained with &&.)
(
  cd "$work"/zlib-1.2.13* &&
    CC="$CC" CFLAGS="$CFLAGS" ./configure --static --prefix="$prefix" &&
    make -j"$jobs" libz.a &&
    make install
) >"$work/zlib.log" 2>&1 || {
  tail -30 "$work/zlib.log" >&2
  die "zlib build failed (log: $work/zlib.log)"
}

# libelf only (no libdw, no tools). Sanitizer runtimes are linked into the
# final targets, not into configure's test programs' shared objects, so the
# no-undefined link flags go (as libbpf's OSS-Fuzz build does).
arch_flags=""
case "$CFLAGS" in *-m32*) arch_flags="--host=i686-linux-gnu" ;; esac
(
  cd "$work"/elfutils-0.188 &&
    sed -i 's/^\(NO_UNDEFINED=\).*/\1/; s/^\(ZDEFS_LDFLAGS=\).*/\1/' configure &&
    ./configure $arch_flags --disable-debuginfod --disable-libdebuginfod --disable-demangler --without-bzlib \
      --without-lzma --without-zstd --disable-nls --disable-textrelcheck --disable-symbol-versioning \
      CC="$CC" CFLAGS="-Wno-error $CFLAGS -I$prefix/include" LDFLAGS="-L$prefix/lib $CFLAGS" &&
    make -C config -j"$jobs" &&
    make -C lib -j"$jobs" CFLAGS="-Wno-error $CFLAGS -I$prefix/include" &&
    make -C libelf -j"$jobs" libelf.a CFLAGS="-Wno-error $CFLAGS -I$prefix/include" &&
    cp libelf/libelf.a "$prefix/lib/" &&
    cp libelf/libelf.h libelf/gelf.h libelf/nlist.h "$prefix/include/"
) >"$work/elfutils.log" 2>&1 || {
  tail -30 "$work/elfutils.log" >&2
  die "elfutils libelf build failed (log: $work/elfutils.log)"
}
for f in lib/libelf.a lib/libz.a include/gelf.h; do
  [ -f "$prefix/$f" ] || die "$prefix/$f missing after the build"
done
rm -rf "$work"
log "libelf 0.188 + zlib 1.2.13 ready in $prefix"
echo "$prefix"
