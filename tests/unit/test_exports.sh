#!/bin/sh
# SPDX-License-Identifier: MIT
# libpvh.so exports exactly the functions the public headers mark PVH_API:
# nothing internal leaks (a VMM could come to depend on it), nothing public is
# missing (a consumer would fail to link).
# usage: test_exports.sh LIBPVH_SO INCLUDE_DIR
set -eu
so=$1 inc=$2
command -v nm >/dev/null || { echo "SKIP: nm not found (binutils)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Symbols starting with "__" come from instrumentation (sanitizers, coverage)
# in such builds, not from libpvh's code; they are listed, not judged.
nm -D --defined-only "$so" | awk '$2 ~ /^[TtWwDdBbRrVvi]$/ {print $3}' | sort -u >"$tmp/all"
grep -v '^__' "$tmp/all" >"$tmp/exported" || true
if grep -q '^__' "$tmp/all"; then
  echo "note: $(grep -c '^__' "$tmp/all") instrumentation symbols (__*) not judged"
fi
# export.h defines PVH_API itself; every other header uses it.
ls "$inc"/pvh/*.h | grep -v '/export\.h$' | xargs cat | tr '\n' ' ' | grep -o 'PVH_API [^;(]*(' |
  sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*)[ ]*\($/\1/' | sort -u >"$tmp/declared"

n_exp=$(wc -l <"$tmp/exported")
n_dec=$(wc -l <"$tmp/declared")
if [ "$n_dec" -lt 10 ]; then
  echo "FAIL: found only $n_dec PVH_API declarations in $inc/pvh: the header scan is broken"
  exit 1
fi
if ! cmp -s "$tmp/exported" "$tmp/declared"; then
  echo "FAIL: exports of $so differ from the PVH_API declarations (< exported only, > declared only):"
  diff "$tmp/exported" "$tmp/declared" | grep '^[<>]' || true
  exit 1
fi
if grep -v '^pvh_' "$tmp/exported"; then
  echo "FAIL: the symbols above are exported without the pvh_ prefix"
  exit 1
fi
soname=$(objdump -p "$so" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
case "$soname" in
libpvh.so.[0-9]*) ;;
*)
  echo "FAIL: SONAME is '$soname', expected libpvh.so.N"
  exit 1
  ;;
esac
echo "ok: $n_exp exported symbols, all pvh_* and each declared PVH_API in $inc/pvh; SONAME $soname"
