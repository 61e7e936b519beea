#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for pvhcheck (also runs locally:
# fuzz/oss-fuzz/check_build.sh calls it with the environment OSS-Fuzz sets).
#
# Honours CC CFLAGS CXX CXXFLAGS LIB_FUZZING_ENGINE OUT SRC SANITIZER
# FUZZING_ENGINE (and WORK for the build tree). The compile flags come only
# from CFLAGS: nothing here adds -fsanitize, the engine is linked exactly as
# LIB_FUZZING_ENGINE says. Writes into $OUT, per target:
#   <target>  <target>_seed_corpus.zip  <target>.dict  <target>.options
# The seed zip holds corpus/<target>/ and corpus/regressions/<target>/, so
# every input that ever broke something is also where ClusterFuzz starts.

: "${SRC:?}" "${OUT:?}" "${CC:?}" "${LIB_FUZZING_ENGINE:?}"
CXX=${CXX:-clang++}
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-}
SANITIZER=${SANITIZER:-address}
FUZZING_ENGINE=${FUZZING_ENGINE:-libfuzzer}
# The checkout: the tree this script sits in (<root>/fuzz/oss-fuzz/build.sh),
# or $SRC/pvhcheck when OSS-Fuzz copied the script to $SRC/build.sh.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${PVH_SRC:-}" ]; then
  ROOT=$PVH_SRC
elif [ -f "$here/../../loader/CMakeLists.txt" ]; then
  ROOT=$(cd "$here/../.." && pwd)
else
  ROOT=$SRC/pvhcheck
fi
BUILD=${WORK:-/tmp}/pvhcheck-fuzz-build

# libelf (the differential oracle) is linked statically so $OUT runs on a
# machine without libelf installed; MSan would need it instrumented, so the
# oracle is left out there.
libelf=ON
[ "$SANITIZER" = memory ] && libelf=OFF
engine=libfuzzer
[ "$FUZZING_ENGINE" = afl ] && engine=afl

rm -rf "$BUILD"
cmake -S "$ROOT" -B "$BUILD" \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DPVH_FUZZ_ENGINE="$engine" \
  -DPVH_WERROR=OFF -DPVH_SANITIZE=OFF -DPVH_COVERAGE=OFF \
  -DPVH_BUILD_TESTS=OFF -DPVH_BUILD_KVM=OFF -DPVH_BUILD_BENCH=OFF \
  -DPVH_FUZZ_LIBELF="$libelf" -DPVH_FUZZ_LIBELF_STATIC=ON
cmake --build "$BUILD" -j"$(nproc)" --target fuzz_load fuzz_notes fuzz_layout fuzz_helpers

for t in fuzz_load fuzz_notes fuzz_layout fuzz_helpers; do
  cp "$BUILD/fuzz/$t" "$OUT/$t"
  cp "$ROOT/fuzz/$t.dict" "$OUT/$t.dict"
  cp "$ROOT/fuzz/$t.options" "$OUT/$t.options"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$ROOT/corpus" && zip -q -j "$OUT/${t}_seed_corpus.zip" "$t"/* $(ls regressions/"$t"/* 2>/dev/null))
done
