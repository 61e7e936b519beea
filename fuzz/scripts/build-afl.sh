#!/usr/bin/env bash
# Builds the AFL++ targets (afl-clang-fast, persistent mode, shared-memory test
# cases) and the CMPLOG variant that afl-fuzz -c uses to solve comparisons.
#   fuzz/scripts/build-afl.sh            -> $PVH_FUZZ_AFL_BUILD (build-fuzz-afl)
#                                           and ${PVH_FUZZ_AFL_BUILD}-cmplog
# PVH_AFL_SANITIZE=ON builds the main variant with ASan+UBSan (slower, finds more).
source "$(dirname "$0")/common.sh"
command -v afl-clang-fast >/dev/null || pvh_die "afl-clang-fast not found (tools/setup.sh installs afl++)"
export AFL_QUIET=1
pvh_build "$PVH_FUZZ_AFL_BUILD" afl
AFL_LLVM_CMPLOG=1 PVH_FUZZ_AFL_BUILD_SAN=OFF pvh_build "${PVH_FUZZ_AFL_BUILD}-cmplog" afl
for t in "${PVH_FUZZ_TARGETS[@]}"; do
  for d in "$PVH_FUZZ_AFL_BUILD" "${PVH_FUZZ_AFL_BUILD}-cmplog"; do
    [ -x "$d/fuzz/$t" ] || pvh_die "$d/fuzz/$t was not built"
  done
done
echo "build-afl: targets in $PVH_FUZZ_AFL_BUILD/fuzz, CMPLOG variants in ${PVH_FUZZ_AFL_BUILD}-cmplog/fuzz"
