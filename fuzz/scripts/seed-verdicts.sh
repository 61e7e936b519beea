#!/usr/bin/env bash
# The verdict each named fuzz_load seed must get: corpus/fuzz_load.seeds names
# every generated seed "<class>-ok-..." (the loader must accept it) or
# "<class>-bad-..." (it must refuse it). Replaying seeds only proves nothing
# crashes; this also catches a loader that refuses what it should load (or
# loads what it should refuse), which no per-input oracle can see.
#   fuzz/scripts/seed-verdicts.sh BUILD/fuzz/fuzz_load [corpus/fuzz_load.seeds corpus/fuzz_load]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?usage: seed-verdicts.sh FUZZ_LOAD [SEEDS_FILE CORPUS_DIR]}
seeds=${2:-$here/corpus/fuzz_load.seeds}
dir=${3:-$here/corpus/fuzz_load}
fail=0 n=0
while read -r sha name; do
  case $name in
    *-ok-*) want=ok ;;
    *-bad-*) want=refused ;;
    *) continue ;;
  esac
  [ -f "$dir/$sha" ] || { echo "seed-verdicts: $name: $dir/$sha missing" >&2; fail=1; continue; }
  line=$(PVH_FUZZ_VERBOSE=1 "$bin" "$dir/$sha" 2>&1 | grep -m1 '^fuzz_load: ' || true)
  got=refused
  case $line in "fuzz_load: ok"*) got=ok ;; "") got="no verdict (crash?)" ;; esac
  n=$((n + 1))
  if [ "$got" != "$want" ]; then
    echo "seed-verdicts: FAIL $name: want $want, got ${line:-$got}" >&2
    fail=1
  fi
done <"$seeds"
[ $n -gt 0 ] || { echo "seed-verdicts: no named seeds in $seeds" >&2; exit 1; }
[ $fail = 0 ] && echo "seed-verdicts: $n named seeds get their verdict"
exit $fail
