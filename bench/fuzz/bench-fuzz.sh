#!/usr/bin/env bash
# Throughput of every fuzz target under libFuzzer with ASan + UBSan on its
# checked-in seed corpus, next to fuzz_empty (the engine's floor) built the
# same way and run on the same corpus with the same flags, one process at a
# time, interleaved (floor, target, floor) so both see the same machine load.
# Prints execs/s and target/floor; never fails on speed.
#   bench/fuzz/bench-fuzz.sh            # 10 s per run
#   PVH_BENCH_SECONDS=30 bench/fuzz/bench-fuzz.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
secs=${PVH_BENCH_SECONDS:-10}
build=${PVH_BENCH_BUILD:-$ROOT/build-fuzz-bench}
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S "$ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVH_SANITIZE=ON \
    -DPVH_FUZZ_ENGINE=libfuzzer -DPVH_BUILD_BENCH=ON -DPVH_BUILD_TESTS=OFF -DPVH_BUILD_KVM=OFF >/dev/null
fi
nice -n 10 cmake --build "$build" -j"$(nproc)" --target fuzz_load fuzz_notes fuzz_layout fuzz_helpers fuzz_empty >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# execs/s of one run: BIN CORPUS MAXLEN
rate() {
  local dir
  dir=$(mktemp -d -p "$tmp")
  (cd "$dir" && "$1" -max_total_time="$secs" -max_len="$3" -seed=1 -print_final_stats=1 -close_fd_mask=3 \
    "$dir" "$2" 2>&1) | sed -n 's/^stat::average_exec_per_sec: *//p'
}

printf '%-12s %6s %14s %14s %8s\n' target seeds "execs/s" "floor execs/s" ratio
for t in fuzz_load fuzz_notes fuzz_layout fuzz_helpers; do
  maxlen=$(sed -n 's/^max_len *= *//p' "$ROOT/fuzz/$t.options")
  f1=$(rate "$build/bench/fuzz/fuzz_empty" "$ROOT/corpus/$t" "$maxlen")
  r=$(rate "$build/fuzz/$t" "$ROOT/corpus/$t" "$maxlen")
  f2=$(rate "$build/bench/fuzz/fuzz_empty" "$ROOT/corpus/$t" "$maxlen")
  floor=$(( (f1 + f2) / 2 ))
  printf '%-12s %6s %14s %14s %8s\n' "$t" "$(ls "$ROOT/corpus/$t" | wc -l)" "$r" "$floor" \
    "$(awk -v a="$r" -v b="$floor" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
done
echo "(floor: fuzz_empty, same build and flags, mean of the runs before and after; aim: ratio >= 0.5)"
