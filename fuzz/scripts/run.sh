#!/usr/bin/env bash
# Run one target under libFuzzer (ASan + UBSan) on its corpus for N seconds or
# N runs. New units go to $PVH_FUZZ_WORK/<target>/corpus (the checked-in seeds
# in corpus/<target>/ are read, never written); crashes and oracle failures go
# to $PVH_FUZZ_WORK/<target>/artifacts/. Prints the CPU time used at the end.
#
#   fuzz/scripts/run.sh fuzz_load -t 600          # ten minutes
#   fuzz/scripts/run.sh fuzz_notes -n 100000      # a fixed number of runs
#   fuzz/scripts/run.sh fuzz_layout -t 60 -- -jobs=2 -workers=2
source "$(dirname "$0")/common.sh"
usage() { echo "usage: $0 TARGET [-t SECONDS | -n RUNS] [-- libFuzzer flags]" >&2; exit 2; }
[ $# -ge 1 ] || usage
target=$1; shift
pvh_check_target "$target"
limit=(-max_total_time=60)
while [ $# -gt 0 ]; do
  case "$1" in
    -t) limit=(-max_total_time="$2"); shift 2 ;;
    -n) limit=(-runs="$2"); shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
pvh_build_libfuzzer
work=$PVH_FUZZ_WORK/$target
mkdir -p "$work/corpus" "$work/artifacts"
seeds=()
for d in "$PVH_ROOT/corpus/$target" "$PVH_ROOT/corpus/regressions/$target"; do
  [ -d "$d" ] && seeds+=("$d")
done
mapfile -t opts < <(pvh_options_flags "$target")
echo "run.sh: $target ${limit[*]} ${opts[*]} $* (work: $work)" >&2
TIMEFORMAT="run.sh: $target cpu %U s user + %S s sys, %R s wall"
set +e
time (cd "$work" && nice -n 10 "$PVH_FUZZ_BUILD/fuzz/$target" "${opts[@]}" "${limit[@]}" \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "$work/corpus" "${seeds[@]}")
rc=$?
set -e
n=$(find "$work/artifacts" -type f | wc -l)
echo "run.sh: $target exit $rc, $n file(s) in $work/artifacts" >&2
exit $rc
