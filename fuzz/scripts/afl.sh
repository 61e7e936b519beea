#!/usr/bin/env bash
# AFL++ on one target: a main instance (-M, with the CMPLOG binary) and
# secondaries (-S) on the other cores, all in persistent mode, seeded from
# corpus/<target>/ and corpus/regressions/<target>/, with the target's
# dictionary. Stops after -t seconds (default 600). Output in
# $PVH_FUZZ_WORK/afl/<target>/ (crashes in */crashes/).
#
#   fuzz/scripts/afl.sh fuzz_load -t 3600          # all cores
#   fuzz/scripts/afl.sh fuzz_notes -t 60 -j 1      # one instance
source "$(dirname "$0")/common.sh"
usage() { echo "usage: $0 TARGET [-t SECONDS] [-j INSTANCES]" >&2; exit 2; }
[ $# -ge 1 ] || usage
target=$1; shift
pvh_check_target "$target"
secs=600 jobs=$PVH_JOBS
while [ $# -gt 0 ]; do
  case "$1" in
    -t) secs=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    *) usage ;;
  esac
done
bash "$(dirname "$0")/build-afl.sh" >/dev/null
out=$PVH_FUZZ_WORK/afl/$target
in=$PVH_FUZZ_WORK/afl/$target.in
mkdir -p "$out" "$in"
# afl-fuzz wants one input directory: seeds and regressions side by side.
cp "$PVH_ROOT/corpus/$target/"* "$in/" 2>/dev/null || true
cp "$PVH_ROOT/corpus/regressions/$target/"* "$in/" 2>/dev/null || true
rm -f "$in/.gitkeep"
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_AUTORESUME=1 AFL_IMPORT_FIRST=1
bin=$PVH_FUZZ_AFL_BUILD/fuzz/$target
cmplog=${PVH_FUZZ_AFL_BUILD}-cmplog/fuzz/$target
dict=$PVH_ROOT/fuzz/$target.dict
maxlen=$(pvh_options_flags "$target" | sed -n 's/^-max_len=//p')
pids=()
for i in $(seq 1 "$jobs"); do
  if [ "$i" = 1 ]; then role=(-M main -c "$cmplog"); name=main; else role=(-S "sec$i"); name=sec$i; fi
  nice -n 10 afl-fuzz "${role[@]}" -i "$in" -o "$out" -x "$dict" -V "$secs" ${maxlen:+-G "$maxlen"} \
    -- "$bin" > "$out/$name.log" 2>&1 &
  pids+=($!)
done
echo "afl.sh: $jobs instance(s) of $target for ${secs}s, logs in $out/*.log" >&2
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
grep -l "All set and ready to roll" "$out"/*.log >/dev/null || { echo "afl.sh: no instance started; see $out/*.log" >&2; exit 1; }
crashes=$(find "$out" -path '*/crashes/id:*' | wc -l)
echo "afl.sh: done; $crashes crash file(s) under $out/*/crashes" >&2
[ $status = 0 ] && [ "$crashes" = 0 ]
