#!/bin/sh
# SPDX-License-Identifier: MIT
# The library-only build docs/embedding.md gives (no KVM, fuzzing, benchmarks,
# examples or tests, so no libelf-dev), configured the way people add
# sanitizers themselves: -DCMAKE_C_FLAGS=-fsanitize=address,undefined with
# clang, whose runtime is not linked into shared objects. libpvh.so and
# libpvh.a must build and link, and an instrumented pvhcheck must run. The
# other way, CFLAGS in the environment, must give libpvh.so the same link.
# usage: test_lib_only_build.sh SOURCE_DIR
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
command -v clang >/dev/null || { echo "SKIP: clang not installed"; exit 77; }

CC=clang cmake -G "Unix Makefiles" -S "$src" -B "$tmp/b" -DCMAKE_BUILD_TYPE=Debug \
  -DPVH_BUILD_KVM=OFF -DPVH_BUILD_FUZZ=OFF -DPVH_BUILD_BENCH=OFF -DPVH_BUILD_EXAMPLES=OFF -DPVH_BUILD_TESTS=OFF \
  "-DCMAKE_C_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer" >"$tmp/cfg.log" 2>&1 ||
  fail "configure: $(tail -20 "$tmp/cfg.log")"
if grep -iE '^[A-Z_]*LIBELF[A-Z_]*:[A-Z]+=/' "$tmp/b/CMakeCache.txt"; then
  fail "the library-only build looked for and found libelf (above): it must not need it"
fi
cmake --build "$tmp/b" -j2 --target pvh pvh_shared pvhcheck >"$tmp/build.log" 2>&1 ||
  fail "build: $(grep -E 'error|undefined' "$tmp/build.log" | head -20)"
so=$(ls "$tmp"/b/loader/libpvh.so.* 2>/dev/null | head -1)
[ -n "$so" ] || fail "no libpvh.so built"
nm -D "$so" | grep -q ' U __asan_' || fail "$so is not instrumented: CMAKE_C_FLAGS did not reach it"
nm -D --defined-only "$so" | grep -q ' T pvh_version$' || fail "pvh_version is not exported"
out=$("$tmp/b/cli/pvhcheck" --version) || fail "instrumented pvhcheck --version failed"
echo "$out"
# The link line of libpvh.so (each configure here names Unix Makefiles for it).
link=loader/CMakeFiles/pvh_shared.dir/link.txt
grep -q -- '--no-undefined' "$tmp/b/$link" && fail "-fsanitize in CMAKE_C_FLAGS, yet libpvh.so links with --no-undefined"

# The other common way, CFLAGS in the environment at the first configure,
# reaches the same decision (configured only: the build above is the same).
CC=clang CFLAGS="-fsanitize=address,undefined" cmake -G "Unix Makefiles" -S "$src" -B "$tmp/c" -DCMAKE_BUILD_TYPE=Debug \
  -DPVH_BUILD_KVM=OFF -DPVH_BUILD_FUZZ=OFF -DPVH_BUILD_BENCH=OFF -DPVH_BUILD_EXAMPLES=OFF -DPVH_BUILD_TESTS=OFF \
  >"$tmp/cfg-c.log" 2>&1 || fail "configure with CFLAGS: $(tail -20 "$tmp/cfg-c.log")"
grep -q -- '-fsanitize=address,undefined' "$tmp/c/$link" || fail "CFLAGS did not reach libpvh.so's link"
grep -q -- '--no-undefined' "$tmp/c/$link" && fail "CFLAGS=-fsanitize=..., yet libpvh.so links with --no-undefined"
# ... and without sanitizers the promise holds: every symbol resolved.
env -u CFLAGS CC=clang cmake -G "Unix Makefiles" -S "$src" -B "$tmp/d" -DCMAKE_BUILD_TYPE=Debug \
  -DPVH_BUILD_KVM=OFF -DPVH_BUILD_FUZZ=OFF -DPVH_BUILD_BENCH=OFF -DPVH_BUILD_EXAMPLES=OFF -DPVH_BUILD_TESTS=OFF \
  >"$tmp/cfg-d.log" 2>&1 || fail "plain configure: $(tail -20 "$tmp/cfg-d.log")"
grep -q -- '--no-undefined' "$tmp/d/$link" || fail "a plain build's libpvh.so no longer links with --no-undefined"
echo "PASS: library-only build without libelf, with -fsanitize in CMAKE_C_FLAGS: libpvh.so links ($(basename "$so"));"
echo "      CFLAGS=-fsanitize=... gets the same link, a plain build keeps --no-undefined"
