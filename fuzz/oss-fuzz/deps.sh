#!/bin/bash
# Libraries the fuzz targets link, pinned and built from source with the
# caller's $CC $CFLAGS (instrumented like the targets: MSan sees their stores,
# i386 builds get i386 code, every image gets the same versions), static only:
#   always:            elfutils 0.188 (libelf only) + zlib 1.2.13, for the
#                      libelf differential oracle (and pvhbz's gzip);
#   --decompressors:   also liblzma (xz-utils 5.4.1), liblz4 (lz4 1.9.4),
#                      libzstd (zstd 1.5.4), libbz2 (bzip2 1.0.8) and liblzo2
#                      (lzo 2.10), pvhbz's other decoders: the builds that
#                      cannot link the system's archives (MSan, i386) use them.
# Every version is the one Debian bookworm ships; every tarball is checked by
# sha256.
#
#   fuzz/oss-fuzz/deps.sh [--decompressors] DIR   prints the prefix (DIR/<key>)
#
# <key> is a hash of the versions, $CC and $CFLAGS: a prefix is built once per
# flavour and reused. Source tarballs are looked for, in order, in
#   $PVH_DEPS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/pvhcheck-deps; the
#     OSS-Fuzz/CFLite Dockerfiles fill $SRC/pvhcheck-deps at image build time),
#   the upstream release URLs (curl), and
#   Debian's source packages (`apt-get source --download-only`; tools/setup.sh
#     enables deb-src), whose orig tarballs are the same releases (zstd's is
#     Debian's repack, accepted by its own sum).
# Whatever the source, a file whose sha256 is not listed here is refused.
# Only the libraries are built: no programs, tests or documentation, and only
# the decoders of liblzma and libzstd (all pvhbz calls), which halves their
# compile time.
set -eu
set -o pipefail

decompressors=0
if [ "${1:-}" = --decompressors ]; then
  decompressors=1
  shift
fi
base=${1:?usage: deps.sh [--decompressors] DIR}
CC=${CC:-clang}
CFLAGS=${CFLAGS:-}
cache=${PVH_DEPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvhcheck-deps}

# Per library: accepted files (file=sha256 ...), upstream URL, Debian source
# package=version.
ELFUTILS_FILES="elfutils_0.188.orig.tar.bz2=fb8b0e8d0802005b9a309c60c1d8de32dd2951b56f0c3a3cb56d21ce01595dff
elfutils-0.188.tar.bz2=fb8b0e8d0802005b9a309c60c1d8de32dd2951b56f0c3a3cb56d21ce01595dff"
ELFUTILS_URL=https://sourceware.org/elfutils/ftp/0.188/elfutils-0.188.tar.bz2
ELFUTILS_DEB=elfutils=0.188-2.1
ZLIB_FILES="zlib_1.2.13.dfsg.orig.tar.bz2=71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
zlib-1.2.13.tar.gz=b3a24de97a8fdbc835b9833169501030b8977031bcb54b3b3ac13740f846ab30"
ZLIB_URL=https://zlib.net/fossils/zlib-1.2.13.tar.gz
ZLIB_DEB=zlib=1:1.2.13.dfsg-1
XZ_FILES="xz-utils_5.4.1.orig.tar.xz=5d9827aa1875b21c288f78864bb26d2650b436ea8d2cad364e4921eb6266a5a5
xz-5.4.1.tar.xz=5d9827aa1875b21c288f78864bb26d2650b436ea8d2cad364e4921eb6266a5a5"
XZ_URL=https://github.com/tukaani-project/xz/releases/download/v5.4.1/xz-5.4.1.tar.xz
XZ_DEB=xz-utils=5.4.1-1+deb12u1
LZ4_FILES="lz4_1.9.4.orig.tar.gz=0b0e3aa07c8c063ddf40b082bdf7e37a1562bda40a0ff5272957f3e987e0e54b
lz4-1.9.4.tar.gz=0b0e3aa07c8c063ddf40b082bdf7e37a1562bda40a0ff5272957f3e987e0e54b"
LZ4_URL=https://github.com/lz4/lz4/releases/download/v1.9.4/lz4-1.9.4.tar.gz
LZ4_DEB=lz4=1.9.4-1
ZSTD_FILES="libzstd_1.5.4+dfsg2.orig.tar.xz=8cf4bbb65e77ec348d052c8d6230eba66d435bddf64c8b5be2fcb16880c19953
zstd-1.5.4.tar.gz=0f470992aedad543126d06efab344dc5f3e171893810455787d38347343a4424"
ZSTD_URL=https://github.com/facebook/zstd/releases/download/v1.5.4/zstd-1.5.4.tar.gz
ZSTD_DEB=libzstd=1.5.4+dfsg2-5
BZIP2_FILES="bzip2_1.0.8.orig.tar.gz=ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269
bzip2-1.0.8.tar.gz=ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269"
BZIP2_URL=https://sourceware.org/pub/bzip2/bzip2-1.0.8.tar.gz
BZIP2_DEB=bzip2=1.0.8-5
LZO_FILES="lzo2_2.10.orig.tar.gz=c0f892943208266f9b6543b3ae308fab6284c5c90e627931446fb49b4221a072
lzo-2.10.tar.gz=c0f892943208266f9b6543b3ae308fab6284c5c90e627931446fb49b4221a072"
LZO_URL=https://www.oberhumer.com/opensource/lzo/download/lzo-2.10.tar.gz
LZO_DEB=lzo2=2.10-2

log() { echo "deps.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# fetch FILES URL DEB: prints the path of a verified tarball. Debian's pinned
# revision may leave the archive; the package's current revision carries the
# same orig tarball while the upstream version stays (the sum decides).
fetch() {
  local files=$1 url=$2 deb=$3 entry name sum
  mkdir -p "$cache"
  for attempt in cache url apt apt-any; do
    case $attempt in
      url) command -v curl >/dev/null && (cd "$cache" && curl -fsSLO --retry 2 "$url") >&2 || true ;;
      apt) command -v apt-get >/dev/null && (cd "$cache" && apt-get source --download-only -qq "$deb") >&2 || true ;;
      apt-any) command -v apt-get >/dev/null && (cd "$cache" && apt-get source --download-only -qq "${deb%%=*}") >&2 || true ;;
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

versions="elfutils-0.188 zlib-1.2.13"
want=(lib/libelf.a lib/libz.a include/gelf.h)
if [ $decompressors = 1 ]; then
  versions="$versions xz-5.4.1 lz4-1.9.4 zstd-1.5.4 bzip2-1.0.8 lzo-2.10"
  want+=(lib/liblzma.a lib/liblz4.a lib/libzstd.a lib/libbz2.a lib/liblzo2.a include/lzo/lzo1x.h)
fi
# The key covers everything a build depends on: the versions, this script
# (the recipes), the compiler and its version, the flags.
key=$(
  printf '%s\n' "$versions" "$CC" "$CFLAGS"
  sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1
  "$CC" --version 2>&1 | head -3
) || true
key=$(sha256sum <<<"$key" | cut -c1-16)
prefix=$base/$key
complete() {
  local f
  for f in "${want[@]}"; do [ -f "$prefix/$f" ] || return 1; done
}
if complete; then
  echo "$prefix"
  exit 0
fi
# A finished prefix is also stored in the source cache as DIR/<key>.tar:
# build trees (CI's fresh clones, check_build's per-run directories) come and
# go, the flavours stay, so each is compiled once per compiler and recipe.
# PVH_DEPS_REBUILD=1 compiles anyway (and replaces the stored copy).
stored=$cache/built/$key.tar
if [ "${PVH_DEPS_REBUILD:-0}" != 1 ] && [ -f "$stored" ]; then
  rm -rf "$prefix" && mkdir -p "$base"
  if tar -xf "$stored" -C "$base" && complete; then
    touch "$stored"
    log "$versions: stored build $stored"
    echo "$prefix"
    exit 0
  fi
  log "ignoring $stored: incomplete"
  rm -rf "$prefix"
fi
elfutils_tar=$(fetch "$ELFUTILS_FILES" "$ELFUTILS_URL" "$ELFUTILS_DEB")
zlib_tar=$(fetch "$ZLIB_FILES" "$ZLIB_URL" "$ZLIB_DEB")
if [ $decompressors = 1 ]; then
  xz_tar=$(fetch "$XZ_FILES" "$XZ_URL" "$XZ_DEB")
  lz4_tar=$(fetch "$LZ4_FILES" "$LZ4_URL" "$LZ4_DEB")
  zstd_tar=$(fetch "$ZSTD_FILES" "$ZSTD_URL" "$ZSTD_DEB")
  bzip2_tar=$(fetch "$BZIP2_FILES" "$BZIP2_URL" "$BZIP2_DEB")
  lzo_tar=$(fetch "$LZO_FILES" "$LZO_URL" "$LZO_DEB")
fi

work=$base/$key.build
rm -rf "$work" "$prefix"
mkdir -p "$work" "$prefix/lib" "$prefix/include"
log "building into $prefix with CC=$CC CFLAGS=$CFLAGS: $versions"
jobs=$(nproc)
host_flags=""
case "$CFLAGS" in *-m32*) host_flags="--host=i686-linux-gnu" ;; esac

# unpack NAME TARBALL: extracts into $work/NAME and prints the tarball's one
# top directory.
unpack() {
  local dirs
  mkdir -p "$work/$1"
  tar -xf "$2" -C "$work/$1"
  dirs=("$work/$1"/*/)
  [ ${#dirs[@]} = 1 ] && [ -d "${dirs[0]}" ] || die "$2: not one top directory"
  echo "${dirs[0]%/}"
}

# run NAME FUNCTION: FUNCTION's output goes to $work/NAME.log; a failure shows
# its tail. It runs in a subshell (builders cd); `set -e` does not apply
# there (tested with ||), so every builder chains its steps with &&.
run() {
  local name=$1 start=$SECONDS
  ("$2") >"$work/$name.log" 2>&1 || {
    tail -30 "$work/$name.log" >&2
    die "$name build failed (log: $work/$name.log)"
  }
  log "$name: $((SECONDS - start)) s"
}

build_zlib() {
  cd "$zlib_src" &&
    CC="$CC" CFLAGS="$CFLAGS" ./configure --static --prefix="$prefix" &&
    make -j"$jobs" libz.a &&
    make install
}

# libelf only (no libdw, no tools). Sanitizer runtimes are linked into the
# final targets, not into configure's test programs' shared objects, so the
# no-undefined link flags go (as libbpf's OSS-Fuzz build does).
build_libelf() {
  cd "$elfutils_src" &&
    sed -i 's/^\(NO_UNDEFINED=\).*/\1/; s/^\(ZDEFS_LDFLAGS=\).*/\1/' configure &&
    ./configure $host_flags --disable-debuginfod --disable-libdebuginfod --disable-demangler --without-bzlib \
      --without-lzma --without-zstd --disable-nls --disable-textrelcheck --disable-symbol-versioning \
      CC="$CC" CFLAGS="-Wno-error $CFLAGS -I$prefix/include" LDFLAGS="-L$prefix/lib $CFLAGS" &&
    make -C config -j"$jobs" &&
    make -C lib -j"$jobs" CFLAGS="-Wno-error $CFLAGS -I$prefix/include" &&
    make -C libelf -j"$jobs" libelf.a CFLAGS="-Wno-error $CFLAGS -I$prefix/include" &&
    cp libelf/libelf.a "$prefix/lib/" &&
    cp libelf/libelf.h libelf/gelf.h libelf/nlist.h "$prefix/include/"
}

# liblzma, decoders only, no threads (pvhbz decodes single-threaded), no
# assembler (the i386 CRC code would be invisible to the sanitizers).
build_xz() {
  cd "$xz_src" &&
    ./configure $host_flags --prefix="$prefix" --disable-shared --enable-static \
      --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
      --disable-scripts --disable-doc --disable-nls --disable-encoders --enable-threads=no \
      --disable-assembler --disable-symbol-versions CC="$CC" CFLAGS="$CFLAGS" &&
    make -C src/liblzma -j"$jobs" &&
    make -C src/liblzma install
}

# liblz4's Makefile compiles its four files in one command: they are few.
build_lz4() {
  cd "$lz4_src" &&
    make -C lib liblz4.a CC="$CC" CFLAGS="$CFLAGS" &&
    cp lib/liblz4.a "$prefix/lib/" &&
    cp lib/lz4.h lib/lz4hc.h lib/lz4frame.h "$prefix/include/"
}

# libzstd without the compressor and dictionary builder (decoding, with the
# legacy formats the packaged library also reads). Its x86-64 assembly is off
# under MSan by zstd's own check.
build_zstd() {
  cd "$zstd_src" &&
    make -C lib -j"$jobs" libzstd.a CC="$CC" CFLAGS="$CFLAGS" ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 &&
    cp lib/libzstd.a "$prefix/lib/" &&
    cp lib/zstd.h lib/zstd_errors.h "$prefix/include/"
}

build_bzip2() {
  cd "$bzip2_src" &&
    make -j"$jobs" libbz2.a CC="$CC" CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64" &&
    cp libbz2.a "$prefix/lib/" &&
    cp bzlib.h "$prefix/include/"
}

# liblzo2 through upstream's configure-less makefile (B/generic): no
# configure run, only the library's sources, none of them assembly.
build_lzo() {
  cd "$lzo_src" &&
    make -f B/generic/Makefile -j"$jobs" liblzo2.a CC="$CC" CFLAGS="$CFLAGS" &&
    cp liblzo2.a "$prefix/lib/" &&
    mkdir -p "$prefix/include/lzo" &&
    cp include/lzo/*.h "$prefix/include/lzo/"
}

# lane NAME...: builds the named libraries one after the other. The lanes
# run side by side: configure scripts are serial, so one lane's configure
# overlaps another's compilation.
lane() {
  local name
  for name in "$@"; do run "$name" "build_$name"; done
}

zlib_src=$(unpack zlib "$zlib_tar")
elfutils_src=$(unpack elfutils "$elfutils_tar")
pids=()
lane zlib libelf &
pids+=($!)
if [ $decompressors = 1 ]; then
  xz_src=$(unpack xz "$xz_tar")
  lz4_src=$(unpack lz4 "$lz4_tar")
  zstd_src=$(unpack zstd "$zstd_tar")
  bzip2_src=$(unpack bzip2 "$bzip2_tar")
  lzo_src=$(unpack lzo "$lzo_tar")
  lane xz &
  pids+=($!)
  lane zstd lz4 bzip2 lzo &
  pids+=($!)
fi
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ $failed = 0 ] || die "a library failed to build (logs in $work)"
for f in "${want[@]}"; do
  [ -f "$prefix/$f" ] || die "$prefix/$f missing after the build"
done
rm -rf "$work"
mkdir -p "$cache/built"
tar -cf "$stored.$$" -C "$base" "$key" && mv -f "$stored.$$" "$stored"
# Stored builds of recipes, compilers or flags no longer in use.
find "$cache/built" -name '*.tar' -mtime +30 -delete 2>/dev/null || true
log "ready in $prefix: $versions"
echo "$prefix"
