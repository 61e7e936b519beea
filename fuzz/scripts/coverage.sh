#!/usr/bin/env bash
# Line and branch coverage of loader/ reached by running corpora through the
# targets (clang source-based coverage, standalone replay driver).
#   fuzz/scripts/coverage.sh                       # seeds + regressions, all targets
#   fuzz/scripts/coverage.sh --campaign            # + the campaign corpora ($PVH_FUZZ_WORK)
#   fuzz/scripts/coverage.sh --dirs fuzz_load=DIR  # extra directories per target
#   fuzz/scripts/coverage.sh --html OUTDIR         # also an HTML report
# Prints llvm-cov's per-file table for loader/ and the TOTAL line; the
# branch-by-branch listing of what was not reached goes to
# $PVH_FUZZ_WORK/coverage/uncovered.txt.
source "$(dirname "$0")/common.sh"
campaign=0 html="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --campaign) campaign=1; shift ;;
    --html) html=$2; shift 2 ;;
    --dirs) extra+=("$2"); shift 2 ;;
    *) pvh_die "unknown option $1" ;;
  esac
done
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14) || pvh_die "llvm-profdata not found"
cov=$(command -v llvm-cov || command -v llvm-cov-14) || pvh_die "llvm-cov not found"
build=${PVH_FUZZ_COV_BUILD:-$PVH_ROOT/build-fuzz-coverage}
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S "$PVH_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DPVH_COVERAGE=ON -DPVH_FUZZ_ENGINE=standalone \
    -DPVH_BUILD_KVM=OFF -DPVH_BUILD_BENCH=OFF -DPVH_BUILD_TESTS=OFF >/dev/null
fi
nice -n 10 cmake --build "$build" -j"$PVH_JOBS" >/dev/null
out=$PVH_FUZZ_WORK/coverage
rm -rf "$out" && mkdir -p "$out"
objs=()
for t in "${PVH_FUZZ_TARGETS[@]}"; do
  dirs=("$PVH_ROOT/corpus/$t" "$PVH_ROOT/corpus/regressions/$t")
  [ $campaign = 1 ] && [ -d "$PVH_FUZZ_WORK/$t/corpus" ] && dirs+=("$PVH_FUZZ_WORK/$t/corpus")
  for e in "${extra[@]}"; do [ "${e%%=*}" = "$t" ] && dirs+=("${e#*=}"); done
  # Regressions may still fail (an open loader bug); coverage is wanted anyway.
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
      [ -f "$f" ] || continue
      LLVM_PROFILE_FILE="$out/$t-%p.profraw" "$build/fuzz/$t" "$f" >/dev/null 2>&1 || true
    done
  done
  objs+=(-object "$build/fuzz/$t")
done
"$profdata" merge -sparse "$out"/*.profraw -o "$out/all.profdata"
rm -f "$out"/*.profraw
filter=(-ignore-filename-regex='(fuzz|tests|cli|kvm)/')
"$cov" report "${objs[@]:1}" -instr-profile="$out/all.profdata" "${filter[@]}" -show-branch-summary \
  "$PVH_ROOT/loader" | tee "$out/report.txt"
"$cov" show "${objs[@]:1}" -instr-profile="$out/all.profdata" "${filter[@]}" -show-branches=count \
  -show-line-counts-or-regions "$PVH_ROOT/loader" > "$out/show.txt"
# Lines with a branch that was never taken one way: "Branch (L:C): [True: 0, False: n]".
grep -nE "Branch \([0-9]+:[0-9]+\): \[True: 0|False: 0\]" "$out/show.txt" > "$out/uncovered.txt" || true
echo "coverage: $(wc -l < "$out/uncovered.txt") branch outcomes never taken; listing in $out/uncovered.txt"
if [ -n "$html" ]; then
  "$cov" show "${objs[@]:1}" -instr-profile="$out/all.profdata" "${filter[@]}" -show-branches=count \
    -format=html -output-dir="$html" "$PVH_ROOT/loader"
  echo "coverage: HTML in $html/index.html"
fi
