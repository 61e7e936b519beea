#!/usr/bin/env bash
# A fuzzing campaign: every target (or those named) for -t seconds each under
# libFuzzer + ASan + UBSan, at most -p at once, niced. Findings land in
# $PVH_FUZZ_WORK/<target>/artifacts/ (triage them with triage.sh); the CPU time
# each target got is printed at the end and appended to $PVH_FUZZ_WORK/ledger.
#   fuzz/scripts/campaign.sh -t 1800 -p 2
#   fuzz/scripts/campaign.sh -t 600 fuzz_load
source "$(dirname "$0")/common.sh"
secs=1800 par=2 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) secs=$2; shift 2 ;;
    -p) par=$2; shift 2 ;;
    -*) pvh_die "usage: $0 [-t SECONDS] [-p PARALLEL] [TARGET...]" ;;
    *) pvh_check_target "$1"; targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${PVH_FUZZ_TARGETS[@]}")
export PVH_FUZZ_BUILD=${PVH_FUZZ_CAMPAIGN_BUILD:-$PVH_ROOT/build-fuzz-campaign-build}
pvh_build_libfuzzer
stamp=$(date -u +%Y%m%dT%H%M%S)
logs=()
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do sleep 5; done
  mkdir -p "$PVH_FUZZ_WORK/$t"
  log=$PVH_FUZZ_WORK/$t/campaign-$stamp.log
  logs+=("$log")
  echo "campaign: $t for ${secs}s -> $log" >&2
  bash "$(dirname "$0")/run.sh" "$t" -t "$secs" > "$log" 2>&1 &
done
wait || true
for log in "${logs[@]}"; do
  line=$(grep -h "^run.sh: .* cpu " "$log" | tail -1)
  found=$(grep -h "file(s) in" "$log" | tail -1)
  echo "${line#run.sh: } | ${found#run.sh: }" | tee -a "$PVH_FUZZ_WORK/ledger"
done
