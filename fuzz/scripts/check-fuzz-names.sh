#!/bin/sh
# SPDX-License-Identifier: MIT
# Only fuzz targets are named fuzz_*: OSS-Fuzz and ClusterFuzz take every
# fuzz_* executable in $OUT for a fuzzer. Checks a build's fuzz/ directory
# (what fuzz/oss-fuzz/build.sh copies from): every fuzz_* executable defines
# LLVMFuzzerTestOneInput, and every target of fuzz/targets.txt (the first
# word of each line: "fuzz_boot kvm" is fuzz_boot) that was built is one.
# (build.sh itself refuses a fuzz_* file in $OUT that targets.txt lacks.)
# usage: check-fuzz-names.sh BUILD_FUZZ_DIR TARGETS_TXT
set -u
dir=$1 list=$2
command -v nm >/dev/null || { echo "SKIP: nm not found (binutils)"; exit 77; }
n=0
for f in "$dir"/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  nm "$f" 2>/dev/null | grep -q ' T LLVMFuzzerTestOneInput$' ||
    { echo "FAIL: $f is named like a fuzzer but defines no LLVMFuzzerTestOneInput"; exit 1; }
  n=$((n + 1))
done
[ $n -ge 1 ] || { echo "FAIL: no fuzz_* executables in $dir (not built?)"; exit 1; }
for t in $(grep -v '^#' "$list" | awk 'NF {print $1}'); do
  case "$t" in fuzz_*) ;; *) echo "FAIL: $list lists '$t', which is not named fuzz_*"; exit 1 ;; esac
done
echo "PASS: the $n fuzz_* executables in $dir are fuzz targets"
