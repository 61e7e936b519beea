#!/usr/bin/env bash
# libpvh's line and branch coverage reached by the unit tests and the corpus
# replay (clang source-based coverage, the `coverage` preset), gated: exits 1
# when the branch figure drops below the minimum recorded in loader/COVERAGE.md
# (the line "minimum branch coverage: NN.NN%"), which also lists every branch
# outcome that is still never taken and why.
#   tools/coverage.sh
# Writes build/coverage/index.html (the report to open), build/coverage/report.txt
# (per-file table) and build/coverage/uncovered.txt (the outcomes never taken, as
# "file:line:col True|False"). A few minutes on 2 cores when the build is warm.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build/coverage
jobs=${PVH_JOBS:-$(nproc)}
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14) || { echo "coverage: llvm-profdata not found" >&2; exit 2; }
cov=$(command -v llvm-cov || command -v llvm-cov-14) || { echo "coverage: llvm-cov not found" >&2; exit 2; }
minimum=$(sed -n 's/^minimum branch coverage: \([0-9.]*\)%.*/\1/p' loader/COVERAGE.md)
[ -n "$minimum" ] || { echo "coverage: no 'minimum branch coverage: NN.NN%' line in loader/COVERAGE.md" >&2; exit 2; }

# KVM on: the CLI tests need the boot command to exist (its KVM tests skip).
cmake --preset coverage -DPVH_BUILD_KVM=ON -DPVH_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$jobs" >/dev/null
rm -rf "$build/profiles" && mkdir -p "$build/profiles"
# The unit tests (unit.*) and the corpus replay (fuzz_replay_*, fuzz_seed_verdicts);
# not unit.exports, which the coverage runtime's own exported symbols fail.
LLVM_PROFILE_FILE="$build/profiles/%p-%m.profraw" \
  ctest --test-dir "$build" -R '^(unit\.|fuzz_)' -E '^unit\.exports$' -j"$jobs" --timeout 600 \
  >"$build/ctest.log" 2>&1 ||
  { tail -30 "$build/ctest.log"; echo "coverage: tests failed (log: $build/ctest.log)" >&2; exit 1; }
"$profdata" merge -sparse "$build"/profiles/*.profraw -o "$build/all.profdata"
rm -rf "$build/profiles"

# libpvh.so holds every loader function once; the counts come from every test
# binary (the profile merges them by function).
obj=$build/loader/libpvh.so
args=("$obj" -instr-profile="$build/all.profdata")
"$cov" report "${args[@]}" -show-branch-summary "$root/loader" >"$build/report.txt"
"$cov" show "${args[@]}" -show-branches=count "$root/loader" >"$build/show.txt"
"$cov" show "${args[@]}" -show-branches=count -format=html -output-dir="$build" "$root/loader" >/dev/null
# "Branch (L:C): [True: n, False: m]" under each file's name in the listing.
python3 - "$build/show.txt" >"$build/uncovered.txt" <<'PY'
import re, sys
name = None
for line in open(sys.argv[1]):
    if re.match(r"^/.*\.[ch]:$", line):
        name = "loader/" + line.strip()[:-1].rsplit("/loader/", 1)[1]
    m = re.search(r"Branch \((\d+):(\d+)\): \[True: ([0-9.k]+), False: ([0-9.k]+)\]", line)
    if m and name:
        for outcome, n in (("True", m.group(3)), ("False", m.group(4))):
            if n == "0":
                print("%s:%s:%s %s" % (name, m.group(1), m.group(2), outcome))
PY

cat "$build/report.txt"
total=$(awk '$1 == "TOTAL" {print $(NF)}' "$build/report.txt" | tr -d '%')
lines=$(awk '$1 == "TOTAL" {print $(NF-3)}' "$build/report.txt")
echo "coverage: libpvh branches $total% (minimum $minimum%), lines $lines; $(wc -l <"$build/uncovered.txt") outcomes never taken: $build/uncovered.txt"
echo "coverage: HTML report: $build/index.html"
if awk -v t="$total" -v m="$minimum" 'BEGIN {exit !(t + 0 < m + 0)}'; then
  echo "coverage: FAIL: branch coverage $total% is below the recorded $minimum% (loader/COVERAGE.md)" >&2
  exit 1
fi
