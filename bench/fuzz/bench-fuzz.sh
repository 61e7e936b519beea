#!/usr/bin/env bash
# Throughput of the fuzz targets under libFuzzer + ASan + UBSan, in inputs per
# CPU-second (user+sys of the process, so other load on the machine does not
# count), next to peers built the same way and run on the same inputs:
#   fuzz_empty      the engine's floor (a target that does nothing);
#   fuzz_plan_bare  the loader alone: pvh_plan_build once per input;
#   old fuzz_load   fuzz_load as it was at PVH_BENCH_BASELINE (a git revision).
# Fixed work, not fuzzing: every binary runs the same input set the same number
# of times (libFuzzer's `-runs=N FILE...`), so the rates are comparable; the
# input set is each target's seeds plus what fuzz_plan_bare finds in
# PVH_BENCH_GEN seconds from them (seed 1). The runs are interleaved, each
# binary twice, and the mean is printed. Prints two ratios for fuzz_load:
# against the bare harness (aim >= 0.8) and against the old fuzz_load (aim >=
# 2). Never fails on speed.
#   bench/fuzz/bench-fuzz.sh                              # ~5 CPU-s per run
#   PVH_BENCH_SECONDS=10 PVH_BENCH_BASELINE=9fbb07f bench/fuzz/bench-fuzz.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
secs=${PVH_BENCH_SECONDS:-5}
gen=${PVH_BENCH_GEN:-20}
baseline=${PVH_BENCH_BASELINE:-}
build=${PVH_BENCH_BUILD:-$ROOT/build-fuzz-bench}
mapfile -t targets < <(grep -E '^[a-z_0-9]+$' "$ROOT/fuzz/targets.txt")
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVH_SANITIZE=ON -DPVH_FUZZ_ENGINE=libfuzzer -DPVH_BUILD_BENCH=ON
  -DPVH_BUILD_TESTS=OFF -DPVH_BUILD_KVM=OFF -DPVH_BUILD_SHARED=OFF)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S "$ROOT" -B "$build" "${cmake_args[@]}" >/dev/null
fi
nice -n 10 cmake --build "$build" -j2 --target "${targets[@]}" fuzz_empty fuzz_plan_bare >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

old=""
if [ -n "$baseline" ]; then
  # The old fuzz_load from its own sources, same compiler and flags.
  rev=$(git -C "$ROOT" rev-parse --short "$baseline")
  src=$build/baseline-$rev/src
  if [ ! -x "$build/baseline-$rev/build/fuzz/fuzz_load" ]; then
    rm -rf "$build/baseline-$rev" && mkdir -p "$src"
    git -C "$ROOT" archive "$rev" | tar -x -C "$src"
    CC=clang cmake -S "$src" -B "$build/baseline-$rev/build" "${cmake_args[@]}" -DPVH_BUILD_BENCH=OFF >/dev/null
    nice -n 10 cmake --build "$build/baseline-$rev/build" -j2 --target fuzz_load >/dev/null
  fi
  old=$build/baseline-$rev/build/fuzz/fuzz_load
fi

# cpu_rate BIN RUNS FILE...: inputs per CPU-second.
cpu_rate() {
  local bin=$1 runs=$2
  shift 2
  if ! /usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" -runs="$runs" "$@" >/dev/null 2>"$tmp/err"; then
    tail -5 "$tmp/err" >&2
    echo "bench-fuzz: $bin failed" >&2
    exit 1
  fi
  awk -v n=$(($# * runs)) '{ c = $1 + $2; printf "%.0f\n", (c > 0 ? n / c : 0) }' "$tmp/time"
}

# The input set of one target: seeds + what the bare harness finds from them
# (fuzz_load's corpus; the others' seeds only, their inputs are small).
inputs() {
  local t=$1 dir=$tmp/inputs-$1
  mkdir -p "$dir"
  cp "$ROOT/corpus/$t"/* "$dir/"
  if [ "$t" = fuzz_load ] && [ "$gen" -gt 0 ]; then
    (cd "$tmp" && "$build/bench/fuzz/fuzz_plan_bare" -max_total_time="$gen" -seed=1 -max_len=65536 \
      -close_fd_mask=3 "$dir" >/dev/null 2>&1) || true
  fi
  echo "$dir"
}

mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (a + b) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b ? a / b : 0) }'; }
# The same ratio on the targets' own cost per input (1/rate minus the floor's
# 1/rate): what is left once the engine's share (reading the file, copying
# the input, collecting features) is taken out.
own_ratio() {
  awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { ca = 1 / a - 1 / f; cb = 1 / b - 1 / f; printf "%.2f", (ca > 0 ? cb / ca : 0) }'
}

printf '%-13s %6s %12s %12s %12s %12s  %s\n' target inputs "exec/cpu-s" "bare" "old" "empty" "ratios"
for t in "${targets[@]}"; do
  dir=$(inputs "$t")
  files=("$dir"/*)
  # Calibrate: runs so that one pass of the target takes about $secs CPU-s.
  r1=$(cpu_rate "$build/fuzz/$t" 1 "${files[@]}")
  runs=$(awk -v r="$r1" -v n=${#files[@]} -v s="$secs" 'BEGIN { k = int(r * s / n); print (k < 1 ? 1 : k) }')
  peers=("$build/fuzz/$t" "$build/bench/fuzz/fuzz_empty")
  [ "$t" = fuzz_load ] && peers+=("$build/bench/fuzz/fuzz_plan_bare")
  [ "$t" = fuzz_load ] && [ -n "$old" ] && peers+=("$old")
  declare -A sum=()
  for pass in 1 2; do
    for b in "${peers[@]}"; do
      v=$(cpu_rate "$b" "$runs" "${files[@]}")
      sum[$b]=$(( ${sum[$b]:-0} + v ))
    done
  done
  me=$(( sum[${peers[0]}] / 2 )) empty=$(( sum[${peers[1]}] / 2 ))
  bare=- oldr=- ratios="empty $(ratio "$me" "$empty")"
  if [ "$t" = fuzz_load ]; then
    bare=$(( sum[${peers[2]}] / 2 ))
    ratios="bare $(ratio "$me" "$bare") (own cost $(own_ratio "$me" "$bare" "$empty"); aim >= 0.8)"
    if [ -n "$old" ]; then
      oldr=$(( sum[$old] / 2 ))
      ratios="$ratios, old $(ratio "$me" "$oldr") (own cost $(own_ratio "$me" "$oldr" "$empty"); aim >= 2)"
    fi
  fi
  printf '%-13s %6s %12s %12s %12s %12s  %s\n' "$t" ${#files[@]} "$me" "$bare" "$oldr" "$empty" "$ratios"
  unset sum
done
echo "(inputs per CPU-second, ASan+UBSan, libFuzzer -runs=N over a fixed input set, mean of 2 interleaved" \
  "runs each;${old:+ old = fuzz_load at $baseline;} timings on a shared machine are noisy, the ratios less so)"
