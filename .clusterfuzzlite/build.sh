#!/bin/bash -eu
# ClusterFuzzLite entry point: one build script for OSS-Fuzz, ClusterFuzzLite
# and the local check (fuzz/oss-fuzz/check_build.sh). That script sets -eu and
# pipefail itself, so running it through bash here keeps it strict.
exec bash "$SRC/pvhcheck/fuzz/oss-fuzz/build.sh"
