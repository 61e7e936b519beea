#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, fetches the real
# Debian kernel the tests use, then builds and runs the whole suite twice —
# default preset (gcc) and asan preset (clang, ASan+UBSan) — and finally the
# OSS-Fuzz build check. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)

bash tools/setup.sh

# House style first: it is the cheapest check and names every file that drifts.
bash tools/check-format.sh

# Real-kernel tests skip (with the reason) when the kernel could not be fetched;
# the fetch failing is reported loudly but does not hide the other results.
if ! bash tools/fetch-debian-kernel.sh; then
  echo "test.sh: WARNING: Debian kernel fetch failed; real-kernel tests will report skipped" >&2
fi

presets=("default" "asan")
[ $# -gt 0 ] && presets=("$@")
for preset in "${presets[@]}"; do
  echo "=== preset: $preset ==="
  cmake --preset "$preset" >/dev/null
  cmake --build "build/$preset" -j"$JOBS"
  ctest --test-dir "build/$preset" --output-on-failure -j"$JOBS" --timeout 900
done

if [ -x fuzz/oss-fuzz/check_build.sh ] && [ "${PVH_SKIP_OSSFUZZ_CHECK:-0}" != 1 ]; then
  echo "=== OSS-Fuzz build check (local, no Docker) ==="
  bash fuzz/oss-fuzz/check_build.sh
fi
