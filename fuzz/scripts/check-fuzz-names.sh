#!/bin/sh
# SPDX-License-Identifier: MIT
# Only fuzz targets are named fuzz_*: OSS-Fuzz and ClusterFuzz take every
# fuzz_* executable in $OUT for a fuzzer. Checks a build's fuzz/ directory
# (what fuzz/oss-fuzz/build.sh copies from) against fuzz/targets.txt.
# usage: check-fuzz-names.sh BUILD_FUZZ_DIR TARGETS_TXT
set -u
dir=$1 list=$2
targets=$(grep -v '^#' "$list" | grep .)
n=0
for f in "$dir"/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  name=$(basename "$f")
  echo "$targets" | grep -qx "$name" || { echo "FAIL: $f is named like a fuzzer but is not in $list"; exit 1; }
  n=$((n + 1))
done
[ $n -ge 1 ] || { echo "FAIL: no fuzz_* executables in $dir (not built?)"; exit 1; }
echo "PASS: the $n fuzz_* executables in $dir are the targets of $list"
