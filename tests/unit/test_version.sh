#!/bin/sh
# SPDX-License-Identifier: MIT
# One version for libpvh, written once in pvh/version.h: the built
# libpvh.so's file name and pvh_version() (asked of the .so itself, from a
# program compiled against the headers), libpvh.pc's Version, the CMake
# package version, pvhcheck --version and the man pages' headers all say
# it, and the SONAME is the one docs/embedding.md's release table gives for
# it (so a release that changes the SONAME cannot forget the table, nor the
# table a SONAME).
# usage: test_version.sh LOADER_BUILD_DIR INCLUDE_DIR SOURCE_DIR PVHCHECK CC
#   PVH_TEST_LDFLAGS: what a sanitizer or coverage build's programs link with
set -u
lib=$1 inc=$2 src=$3 pvhcheck=$4 cc=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

part() { sed -n "s/^#define PVH_VERSION_$1 \([0-9][0-9]*\)\$/\1/p" "$inc/pvh/version.h"; }
v="$(part MAJOR).$(part MINOR).$(part PATCH)"
echo "$v" | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$' || fail "pvh/version.h gives no MAJOR.MINOR.PATCH (got '$v')"
echo "pvh/version.h: $v"

[ -f "$lib/libpvh.so.$v" ] || fail "no $lib/libpvh.so.$v: the shared library's file name is not the version ($(ls "$lib" | grep '^libpvh\.so' | tr '\n' ' '))"
soname=$(readelf -d "$lib/libpvh.so.$v" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || fail "libpvh.so.$v has no SONAME"
echo "libpvh.so.$v: SONAME $soname"
row=$(grep "^| $v | " "$src/docs/embedding.md") || fail "docs/embedding.md's release table has no row for $v"
echo "$row" | grep -q "^| $v | $soname |" || fail "docs/embedding.md gives $v the SONAME '$(echo "$row" | cut -d'|' -f3)', the library has $soname"

pc=$(sed -n 's/^Version: //p' "$lib/libpvh.pc")
[ "$pc" = "$v" ] || fail "libpvh.pc says Version: $pc"
pkg=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$lib/pvhConfigVersion.cmake")
[ "$pkg" = "$v" ] || fail "the CMake package says $pkg"
echo "libpvh.pc and pvhConfigVersion.cmake: $v"

cat >"$tmp/v.c" <<'EOF'
#include <stdio.h>
#include "pvh/version.h"
int main(void) {
  printf("%s %s %d\n", pvh_version(), PVH_VERSION_STRING, PVH_VERSION_NUMBER);
  return 0;
}
EOF
# shellcheck disable=SC2086 # PVH_TEST_LDFLAGS is a word list
"$cc" ${PVH_TEST_LDFLAGS:-} -I"$inc" -o "$tmp/v" "$tmp/v.c" -L"$lib" -lpvh -Wl,-rpath,"$lib" ||
  fail "cannot build a program against libpvh.so"
readelf -d "$tmp/v" | grep -q "NEEDED.*\[$soname\]" || fail "the program does not load $soname"
got=$("$tmp/v") || fail "the program against libpvh.so failed"
want="$v $v $(($(part MAJOR) * 10000 + $(part MINOR) * 100 + $(part PATCH)))"
[ "$got" = "$want" ] || fail "pvh_version(), PVH_VERSION_STRING, PVH_VERSION_NUMBER: '$got', not '$want'"
echo "pvh_version() of $soname: $v"

"$pvhcheck" --version | grep -qx "libpvh $v (compiled against $v)" || fail "pvhcheck --version: $("$pvhcheck" --version)"
for m in man/pvhcheck.1 man/libpvh.3; do
  grep -q "^\.TH .* \"pvhcheck $v\" " "$src/$m" || fail "$m: .TH does not say pvhcheck $v: $(grep '^\.TH' "$src/$m")"
done
echo "pvhcheck --version and the man pages: $v"
echo "PASS: libpvh $v, SONAME $soname, everywhere"
