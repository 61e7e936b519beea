#!/usr/bin/env bash
# Minimises a target's corpus: keeps the smallest set of inputs that reaches
# the same coverage. libFuzzer -merge=1 by default, afl-cmin with --afl.
#   fuzz/scripts/minimize.sh fuzz_load                 # campaign corpus + seeds
#   fuzz/scripts/minimize.sh fuzz_load DIR...          # any directories
#   fuzz/scripts/minimize.sh --afl fuzz_load           # AFL++ queue(s) + seeds
# Result: $PVH_FUZZ_WORK/<target>/min/ (replaced), file count before/after.
source "$(dirname "$0")/common.sh"
engine=libfuzzer
[ "${1:-}" = --afl ] && { engine=afl; shift; }
[ $# -ge 1 ] || { echo "usage: $0 [--afl] TARGET [DIR...]" >&2; exit 2; }
target=$1; shift
pvh_check_target "$target"
work=$PVH_FUZZ_WORK/$target
out=$work/min
dirs=("$@")
if [ ${#dirs[@]} = 0 ]; then
  dirs=("$PVH_ROOT/corpus/$target")
  if [ $engine = afl ]; then
    for q in "$PVH_FUZZ_WORK"/afl/"$target"/*/queue; do [ -d "$q" ] && dirs+=("$q"); done
  else
    [ -d "$work/corpus" ] && dirs+=("$work/corpus")
  fi
fi
before=$(find "${dirs[@]}" -maxdepth 1 -type f ! -name '.*' | wc -l)
rm -rf "$out"
mkdir -p "$out"
if [ $engine = afl ]; then
  bash "$(dirname "$0")/build-afl.sh" >/dev/null
  all=$work/cmin-in
  rm -rf "$all" && mkdir -p "$all"
  for d in "${dirs[@]}"; do find "$d" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$all/" \; ; done
  AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 nice -n 10 afl-cmin -i "$all" -o "$out" -- "$PVH_FUZZ_AFL_BUILD/fuzz/$target" >/dev/null
else
  pvh_build_libfuzzer
  nice -n 10 "$PVH_FUZZ_BUILD/fuzz/$target" -merge=1 $(pvh_options_flags "$target" | grep max_len) "$out" "${dirs[@]}" \
    > "$work/minimize.log" 2>&1 || { tail "$work/minimize.log"; exit 1; }
fi
after=$(find "$out" -type f | wc -l)
echo "minimize: $target: $before inputs -> $after in $out"
