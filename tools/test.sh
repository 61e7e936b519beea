#!/usr/bin/env bash
# The test command (README, .ci/run). On a fresh Debian 12 machine it installs what
# is missing, fetches the real kernels the tests use, then:
#   1. checks the house style (.clang-format), that dependencies point down
#      (tools/check-layers.sh), that no production C file is over 600 lines
#      (tools/check-file-size.sh) and the commit subjects (tools/check-commits.sh);
#   2. builds and runs the whole ctest suite twice: default preset (gcc) and asan
#      preset (clang, ASan+UBSan); KVM tests run on the host's KVM as far as it goes;
#   3. runs every KVM test again inside the KVM lab (a real kvm_amd in QEMU TCG),
#      where none may fail or skip; then validates the JSON of real boot and
#      conform runs, made in one more lab session, against the schema;
#   4. the kernel matrix in its bounded CI mode (one 64-bit, one ELF32 image, in the lab);
#   4b. pvhcheck conform on the 6.1 cloud kernel in the lab, bounded (two seeds);
#   5. the OSS-Fuzz / ClusterFuzzLite build check (the libFuzzer sanitizer combinations
#      plus a deliberately broken target that must fail);
#   6. the oracle mutation benchmark in its bounded mode (every mutant must be killed),
#      and its KVM-only mutants killed in the KVM lab (run.py --kvm);
#   7. libpvh's branch coverage (tools/coverage.sh): printed, and fails below the
#      minimum recorded in loader/COVERAGE.md.
# Each stage prints its wall time; the last line sums them up. Exits non-zero on the
# first failure. `tools/test.sh default` (or any list of presets) runs only step 2
# for those presets; PVH_TEST_QUICK=1 skips steps 4-7.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)
T0=$SECONDS
summary=()

stage() { # stage NAME COMMAND...: run, time, remember
  local name=$1 t=$SECONDS
  shift
  echo "=== $name ==="
  "$@"
  summary+=("$name $((SECONDS - t))s")
  echo "=== $name: done in $((SECONDS - t)) s (total $((SECONDS - T0)) s) ==="
}

run_preset() {
  cmake --preset "$1" >/dev/null
  cmake --build "build/$1" -j"$JOBS"
  ctest --test-dir "build/$1" --output-on-failure -j"$JOBS" --timeout 900
}

stage setup bash tools/setup.sh
stage format bash tools/check-format.sh
stage layers bash tools/check-layers.sh
stage "file size" bash tools/check-file-size.sh
stage commits bash tools/check-commits.sh

# Real-kernel tests skip (with the reason) when a kernel could not be fetched; a
# failed fetch is reported loudly but does not hide the other results. The KVM
# lab needs the amd64 kernel and fails on its own if it is missing.
fetch() {
  bash tools/fetch-debian-kernel.sh ||
    echo "test.sh: WARNING: Debian kernel fetch failed; real-kernel tests will report skipped" >&2
  bash linux/fetch-i386.sh ||
    echo "test.sh: WARNING: i386 kernel fetch failed; 32-bit Linux tests will report skipped" >&2
}
stage fetch fetch

if [ $# -gt 0 ]; then
  for preset in "$@"; do stage "preset $preset" run_preset "$preset"; done
  echo "test.sh: ${summary[*]}; total $((SECONDS - T0)) s"
  exit 0
fi

stage "preset default" run_preset default
stage "preset asan" run_preset asan
stage "kvm lab" bash tools/kvm-lab.sh --build-dir build/default
# The JSON contract where a VM runs: boot and conform objects made in one lab
# session, validated on the host (the lab has no python3-jsonschema).
stage "json contract (lab)" sh tests/cli/test_json_lab.sh build/default

if [ "${PVH_TEST_QUICK:-0}" != 1 ]; then
  stage "kernel matrix (--ci)" bash tools/kernel-matrix.sh --ci --no-host --build-dir build/default
  stage "conform kernels (--ci)" bash tools/conform-kernels.sh --ci --build-dir build/default
  # Bounded: the three libFuzzer sanitizers; i386, AFL++ and coverage builds
  # are the full check's (fuzz/oss-fuzz/check_build.sh with no setting).
  stage "oss-fuzz build check" env PVH_CHECK_CI=1 bash fuzz/oss-fuzz/check_build.sh
  stage "oracle mutants (bounded)" python3 bench/oracles/run.py --time 5 --max 10
  # The mutants only KVM can see (flat bus, state copy, GDT, RAM slots, map handoff): one
  # small rebuild each, then one KVM-lab session kills them all (about 2 min of lab).
  stage "kvm mutants (lab)" python3 bench/oracles/run.py --kvm
  # libpvh branch coverage by the unit tests and corpus replay, gated by the
  # minimum in loader/COVERAGE.md; report in build/coverage/index.html.
  stage "libpvh coverage" bash tools/coverage.sh
fi

echo "test.sh: passed: ${summary[*]}; total $((SECONDS - T0)) s"
