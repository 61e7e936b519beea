#!/bin/bash
# OSS-Fuzz / ClusterFuzzLite build script for pvhcheck (also runs locally:
# fuzz/oss-fuzz/check_build.sh calls it with the environment OSS-Fuzz sets).
#
# Strict under any wrapper: `set -eu` is set here, not left to the shebang
# (a caller running `bash build.sh` or `exec bash build.sh` drops the
# shebang's flags), and the build fails unless every target listed in
# fuzz/targets.txt is in $OUT.
#
# Honours CC CFLAGS CXX CXXFLAGS LIB_FUZZING_ENGINE OUT SRC SANITIZER
# FUZZING_ENGINE ARCHITECTURE (and WORK for the build tree). The compile flags
# come only from CFLAGS: nothing here adds -fsanitize, the engine is linked
# exactly as LIB_FUZZING_ENGINE says. The libelf differential oracle links a
# pinned elfutils libelf + zlib built by deps.sh with the same $CC $CFLAGS
# (instrumented, so it also runs under MSan and on i386); MSan and i386 builds
# take fuzz_bzimage's decompression libraries from there as well.
# PVH_CHECK_BREAK=<target> plants a compile error in that target
# (check_build.sh's self-test: the build must then fail). Writes into $OUT,
# per target:
#   <target>  <target>_seed_corpus.zip  <target>.dict  <target>.options
# The seed zip holds corpus/<target>/ and corpus/regressions/<target>/, so
# every input that ever broke something is also where ClusterFuzz starts.
set -eu
set -o pipefail

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
WORKDIR=${WORK:-/tmp}
BUILD=$WORKDIR/pvhcheck-fuzz-build
mapfile -t targets < <(grep -E '^[a-z_0-9]+$' "$ROOT/fuzz/targets.txt")
[ ${#targets[@]} -gt 0 ] || { echo "build.sh: no targets in fuzz/targets.txt" >&2; exit 1; }

# fuzz_bzimage's decompression libraries (bzimage/). x86_64 builds other
# than MSan link the system's static archives (the Dockerfiles install the
# -dev packages). MSan needs instrumented libraries and i386 builds i386
# ones: deps.sh builds all six from pinned sources with this $CC $CFLAGS, so
# those builds decode all seven methods too (fuzz/README.md).
deps_args=()
if [ "$SANITIZER" = memory ] || [ "${ARCHITECTURE:-x86_64}" = i386 ]; then
  deps_args=(--decompressors)
fi
# The pinned libelf (and those libraries), built with this very $CC $CFLAGS
# (cached per flags).
deps=$(bash "$ROOT/fuzz/oss-fuzz/deps.sh" "${deps_args[@]}" "$WORKDIR/pvhcheck-deps")
if [ ${#deps_args[@]} -gt 0 ]; then
  bz_deps=(-DPVHBZ_DEPS_ROOT="$deps")
else
  bz_deps=(-DPVHBZ_STATIC_DEPS=ON)
fi

engine=libfuzzer
[ "$FUZZING_ENGINE" = afl ] && engine=afl

# The sanitizers come in CFLAGS, not PVH_SANITIZE: libpvh.so would then be
# linked with -Wl,--no-undefined and fail; the targets link libpvh.a anyway.
rm -rf "$BUILD"
cmake -S "$ROOT" -B "$BUILD" \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DPVH_FUZZ_ENGINE="$engine" \
  -DPVH_WERROR=OFF -DPVH_SANITIZE=OFF -DPVH_COVERAGE=OFF \
  -DPVH_BUILD_TESTS=OFF -DPVH_BUILD_KVM=OFF -DPVH_BUILD_BENCH=OFF -DPVH_BUILD_SHARED=OFF \
  -DPVH_FUZZ_LIBELF=ON -DPVH_LIBELF_ROOT="$deps" \
  "${bz_deps[@]}" \
  -DPVH_FUZZ_BREAK_TARGET="${PVH_CHECK_BREAK:-}"
cmake --build "$BUILD" -j"$(nproc)" --target "${targets[@]}" libelf_norms_check

for t in "${targets[@]}"; do
  cp "$BUILD/fuzz/$t" "$OUT/$t"
  cp "$ROOT/fuzz/$t.dict" "$OUT/$t.dict"
  cp "$ROOT/fuzz/$t.options" "$OUT/$t.options"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$ROOT/corpus" && zip -q -j "$OUT/${t}_seed_corpus.zip" "$t"/* $(ls regressions/"$t"/* 2>/dev/null))
done
# Not a fuzz target (no LLVMFuzzerTestOneInput): the oracle's libelf
# normalisations checked against the pinned libelf this build linked.
cp "$BUILD/fuzz/libelf_norms_check" "$OUT/libelf_norms_check"
missing=()
for t in "${targets[@]}"; do
  [ -x "$OUT/$t" ] || missing+=("$t")
done
# OSS-Fuzz (and ClusterFuzz) take any fuzz_* executable in $OUT for a fuzz
# target: only the targets of fuzz/targets.txt may carry that name.
for f in "$OUT"/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  case " ${targets[*]} " in *" $(basename "$f") "*) ;; *)
    echo "build.sh: $f is named like a fuzzer but is not in fuzz/targets.txt" >&2
    exit 1 ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: targets listed in fuzz/targets.txt but missing from \$OUT: ${missing[*]}" >&2
  exit 1
fi
echo "build.sh: ${#targets[@]} targets in $OUT (${targets[*]})"
