#!/bin/sh
# SPDX-License-Identifier: MIT
# What `cmake --install` gives a user and a VMM project: pvhcheck, libpvh
# (shared with its SONAME link, static), the headers, the CMake package,
# libpvh.pc, both man pages, the bash completion (where bash-completion
# looks for it, and loadable), the JSON Schema, and the self-test guests in
# every shape the build makes.
# usage: test_install.sh BUILD_DIR GUEST_DIR [CMAKE]
set -u
build=$1 guests=$2 cmake=${3:-cmake}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$cmake" --install "$build" --prefix "$tmp/p" >"$tmp/install.log" 2>&1 || fail "cmake --install: $(tail -20 "$tmp/install.log")"
p=$tmp/p
libdir=$(ls -d "$p"/lib "$p"/lib64 2>/dev/null | head -1)
[ -n "$libdir" ] || fail "no lib directory under the prefix"
for f in bin/pvhcheck include/pvh/loader.h include/pvh/version.h share/man/man1/pvhcheck.1 share/man/man3/libpvh.3 \
  share/bash-completion/completions/pvhcheck share/doc/pvhcheck/schema/pvhcheck.schema.json; do
  [ -f "$p/$f" ] || fail "$f not installed"
done
for f in libpvh.a pkgconfig/libpvh.pc cmake/pvh/pvhConfig.cmake cmake/pvh/pvhConfigVersion.cmake; do
  [ -f "$libdir/$f" ] || fail "$(basename "$libdir")/$f not installed"
done
soname=$(readelf -d "$libdir"/libpvh.so.*.*.* | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] && [ -L "$libdir/$soname" ] && [ -e "$libdir/$soname" ] ||
  fail "no $soname link to the installed libpvh.so: $(ls "$libdir")"
n=0
for g in "$guests"/pvhtest-*.elf; do
  case "$g" in *-fragile.elf) continue ;; esac # a planted failure for conform's tests, not for users
  cmp -s "$g" "$p/share/pvhcheck/guests/$(basename "$g")" || fail "guest $(basename "$g") not installed as built"
  n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n self-test guest shapes found in $guests"
if command -v bash >/dev/null; then
  bash -c '. "$1" && complete -p pvhcheck' _ "$p/share/bash-completion/completions/pvhcheck" >/dev/null ||
    fail "the installed completion does not register for pvhcheck"
fi
"$p/bin/pvhcheck" --version >/dev/null || fail "the installed pvhcheck does not run"
echo "PASS: installed pvhcheck, libpvh ($soname), headers, CMake package, libpvh.pc, man pages, completion, schema, $n guests"
