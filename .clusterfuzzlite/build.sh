#!/bin/bash -eu
# ClusterFuzzLite entry point: one build script for OSS-Fuzz, ClusterFuzzLite
# and the local check (fuzz/oss-fuzz/check_build.sh).
exec bash "$SRC/pvhcheck/fuzz/oss-fuzz/build.sh"
