#!/bin/sh
# SPDX-License-Identifier: MIT
# examples.consumer: what a VMM project does with libpvh. Installs the build
# into a temporary prefix, then builds these examples out of tree against it:
#   1. CMake find_package(pvh), pvh::pvh (shared) and pvh::pvh_static;
#   2. pkg-config --cflags --libs libpvh (shared) and libdir/libpvh.a (static);
# runs each scattered_bus on the tiny guest, and checks that the shared builds
# need libpvh.so.1 and the static ones do not.
# usage: test_consumer.sh BUILD_DIR EXAMPLES_SRC TINY_GUEST CMAKE CC
set -eu
build=$1 src=$2 guest=$3 cmake=$4 cc=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

# A sanitizer or coverage build of libpvh needs the same runtime in the consumer.
flags=""
if grep -q '^PVH_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
  flags="-fsanitize=address,undefined"
fi
if grep -q '^PVH_COVERAGE:BOOL=ON' "$build/CMakeCache.txt"; then
  flags="$flags -fprofile-instr-generate"
fi

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log"
echo "installed into $prefix: $(cd "$prefix" && find . -name 'libpvh*' -o -name 'pvhConfig*.cmake' | sort | tr '\n' ' ')"

# needs_so BINARY yes|no: whether the binary records libpvh.so.1 as NEEDED.
needs_so() {
  if readelf -d "$1" | grep -q 'NEEDED.*libpvh\.so\.1'; then got=yes; else got=no; fi
  if [ "$got" != "$2" ]; then
    echo "FAIL: $1: NEEDED libpvh.so.1 is '$got', expected '$2'"
    exit 1
  fi
}

for link in shared static; do
  b=$tmp/cmake-$link
  "$cmake" -S "$src" -B "$b" -DCMAKE_PREFIX_PATH="$prefix" -DPVH_EXAMPLES_LINK=$link -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$b.log" 2>&1 ||
    { cat "$b.log"; echo "FAIL: find_package(pvh) configure ($link)"; exit 1; }
  "$cmake" --build "$b" -j2 >>"$b.log" 2>&1 || { cat "$b.log"; echo "FAIL: find_package(pvh) build ($link)"; exit 1; }
  "$b/scattered_bus" "$guest"
  needs_so "$b/scattered_bus" "$([ $link = shared ] && echo yes || echo no)"
  echo "ok: find_package(pvh) $link"
done

if ! command -v pkg-config >/dev/null; then
  echo "SKIP: pkg-config not installed (the find_package builds passed)"
  exit 77
fi
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib64/pkgconfig"
libdir=$(pkg-config --variable=libdir libpvh)
# shellcheck disable=SC2046,SC2086 # flags are word lists
"$cc" $flags -o "$tmp/pc-shared" "$src/scattered_bus.c" $(pkg-config --cflags --libs libpvh) -Wl,-rpath,"$libdir"
# shellcheck disable=SC2046,SC2086
"$cc" $flags -o "$tmp/pc-static" "$src/scattered_bus.c" $(pkg-config --cflags libpvh) "$libdir/libpvh.a"
# shellcheck disable=SC2046,SC2086
"$cc" $flags -o "$tmp/pc-mini_vmm" "$src/mini_vmm.c" $(pkg-config --cflags --libs libpvh) -Wl,-rpath,"$libdir"
"$tmp/pc-shared" "$guest"
"$tmp/pc-static" "$guest"
needs_so "$tmp/pc-shared" yes
needs_so "$tmp/pc-static" no
echo "ok: pkg-config libpvh $(pkg-config --modversion libpvh), shared and static"
