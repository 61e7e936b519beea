#!/usr/bin/env bash
# Turns a crashing input into a named regression file:
#   1. replays it under ASan+UBSan (libFuzzer build) and captures the report;
#   2. names it for what broke: the oracle invariant ("ORACLE FAILED [x]"),
#      the sanitizer error and the first loader/ frame, or timeout/oom;
#   3. minimises it (libFuzzer -minimize_crash) unless --no-minimize;
#   4. copies it to corpus/regressions/<target>/<name>-<sha1:8>.
# A loader bug then gets committed with a message starting "LOADER BUG:".
#   fuzz/scripts/triage.sh fuzz_load build-fuzz-work/fuzz_load/artifacts/crash-...
#   fuzz/scripts/triage.sh fuzz_load FILE --name loader-bug-short-description
source "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || { echo "usage: $0 TARGET FILE [--name NAME] [--no-minimize]" >&2; exit 2; }
target=$1 file=$2; shift 2
pvh_check_target "$target"
[ -f "$file" ] || pvh_die "$file: no such file"
name="" minimize=1
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --no-minimize) minimize=0; shift ;;
    *) pvh_die "unknown option $1" ;;
  esac
done
# PVH_TRIAGE_BIN: triage with another binary of the target (any engine; the
# minimisation step needs a libFuzzer one).
if [ -n "${PVH_TRIAGE_BIN:-}" ]; then
  bin=$PVH_TRIAGE_BIN
else
  pvh_build_libfuzzer
  bin=$PVH_FUZZ_BUILD/fuzz/$target
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
"$bin" -runs=1 -timeout=25 -rss_limit_mb=2560 "$file" > "$tmp/report" 2>&1
rc=$?
set -e
if [ $rc = 0 ]; then
  echo "triage: $file does not fail any more with $bin (already fixed?)" >&2
  exit 3
fi
if [ -z "$name" ]; then
  inv=$(sed -n 's/^ORACLE FAILED \[\([a-z0-9-]*\)\].*/\1/p' "$tmp/report" | head -1 || true)
  frame=$( (grep -oE 'in [a-z_0-9]+ /[^ ]*/loader/[a-z_]+\.c' "$tmp/report" || true) | head -1 | awk '{print $2}')
  if [ -n "$inv" ]; then
    name=oracle-$inv
  elif grep -q "AddressSanitizer: \|LeakSanitizer" "$tmp/report"; then
    kind=$( (grep -oE "(AddressSanitizer|LeakSanitizer): [a-z-]+" "$tmp/report" || true) | head -1 | awk '{print $2}')
    name=asan-${kind:-error}${frame:+-$frame}
  elif grep -q "runtime error:" "$tmp/report"; then
    kind=$( (grep -oE "runtime error: [a-z]+( [a-z]+)?" "$tmp/report" || true) | head -1 | cut -d' ' -f3- | tr ' ' '-')
    name=ubsan-${kind:-error}${frame:+-$frame}
  elif grep -q "ERROR: libFuzzer: timeout" "$tmp/report"; then
    name=timeout${frame:+-$frame}
  elif grep -q "out-of-memory" "$tmp/report"; then
    name=oom${frame:+-$frame}
  else
    name=crash${frame:+-$frame}
  fi
fi
input=$file
if [ $minimize = 1 ]; then
  (cd "$tmp" && "$bin" -minimize_crash=1 -runs=20000 -exact_artifact_path="$tmp/min" "$file" >/dev/null 2>&1) || true
  [ -s "$tmp/min" ] && ! "$bin" -runs=1 "$tmp/min" >/dev/null 2>&1 && input=$tmp/min
fi
dest=$PVH_ROOT/corpus/regressions/$target
mkdir -p "$dest"
h=$(sha1sum < "$input" | cut -c1-8)
cp "$input" "$dest/$name-$h"
echo "triage: $(grep -m1 -E 'ORACLE FAILED|ERROR: |runtime error' "$tmp/report" || true)"
echo "triage: wrote corpus/regressions/$target/$name-$h ($(stat -c %s "$dest/$name-$h") bytes)"
echo "triage: commit with: git add corpus/regressions/$target/$name-$h && git commit -m \"LOADER BUG: ...\" -- corpus/regressions/$target/$name-$h"
