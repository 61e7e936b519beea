#!/usr/bin/env bash
# What OSS-Fuzz's check_build verifies, reproduced locally without Docker:
#   1. fuzz/oss-fuzz/build.sh, run with the environment OSS-Fuzz sets for each
#      (engine, sanitizer) pair, builds and fills $OUT;
#   2. every target in $OUT has its seed corpus zip, dictionary and options;
#   3. every target is instrumented for the engine (libFuzzer: sanitizer
#      coverage guards; AFL++: the AFL runtime) and carries the sanitizer it
#      was built for (ASan: __asan_report_*; UBSan: __ubsan_handle_*);
#   4. every target runs -runs=4 on its unzipped seeds without crashing and
#      with coverage (libFuzzer prints "INITED cov: N", N > 0); AFL++ builds
#      replay the seeds with the driver fallback.
# Exit status 0 means OSS-Fuzz would accept the build.
#   fuzz/oss-fuzz/check_build.sh                       # libfuzzer/address + libfuzzer/undefined
#   PVH_CHECK_BUILDS="libfuzzer:address afl:address" fuzz/oss-fuzz/check_build.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
builds=${PVH_CHECK_BUILDS:-"libfuzzer:address libfuzzer:undefined"}
base=${PVH_CHECK_DIR:-$ROOT/build-fuzz-ossfuzz}
fail=0
bad() { echo "check_build: FAIL: $*" >&2; fail=1; }

# Flags as OSS-Fuzz's base-builder sets them (infra/base-images/base-builder).
common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
san_address="-fsanitize=address -fsanitize-address-use-after-scope"
ub_list="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr"
ub_fatal="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
san_undefined="-fsanitize=$ub_list -fno-sanitize-recover=$ub_fatal"

for b in $builds; do
  engine=${b%%:*} sanitizer=${b#*:}
  dir=$base/$engine-$sanitizer
  rm -rf "$dir" && mkdir -p "$dir/out" "$dir/work" "$dir/src"
  san_var=san_$sanitizer
  san=${!san_var}
  case $engine in
    libfuzzer) cc=clang cxx=clang++ cov="-fsanitize=fuzzer-no-link" lfe="-fsanitize=fuzzer" ;;
    afl) cc=afl-clang-fast cxx=afl-clang-fast++ cov="" lfe="/usr/lib/afl/libAFLDriver.a" ;;
    *) bad "unknown engine $engine"; continue ;;
  esac
  echo "=== check_build: FUZZING_ENGINE=$engine SANITIZER=$sanitizer ($dir) ==="
  if ! env CC=$cc CXX=$cxx CFLAGS="$common $san $cov" CXXFLAGS="$common $san $cov" \
      LIB_FUZZING_ENGINE="$lfe" FUZZING_ENGINE=$engine SANITIZER=$sanitizer ARCHITECTURE=x86_64 \
      OUT="$dir/out" SRC="$dir/src" WORK="$dir/work" AFL_QUIET=1 \
      bash "$ROOT/fuzz/oss-fuzz/build.sh" > "$dir/build.log" 2>&1; then
    tail -20 "$dir/build.log" >&2
    bad "$engine/$sanitizer: build.sh failed (log: $dir/build.log)"
    continue
  fi
  n=0
  for bin in "$dir/out"/*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    grep -q LLVMFuzzerTestOneInput "$bin" || continue
    t=$(basename "$bin"); n=$((n + 1)); fail_before=$fail; fail=0
    for f in "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do [ -s "$dir/out/$f" ] || bad "$t: no $f in \$OUT"; done
    syms=$(nm "$bin" 2>/dev/null || true)
    case $engine in
      libfuzzer) grep -q "__sanitizer_cov_trace_pc_guard\|__sancov_\|sancov_cntrs" <<<"$syms" || bad "$t: no sanitizer coverage instrumentation" ;;
      afl) grep -q "__afl_area_ptr" <<<"$syms" || bad "$t: not AFL++-instrumented" ;;
    esac
    case $sanitizer in
      address) grep -q "__asan_report_load" <<<"$syms" || bad "$t: not built with ASan" ;;
      undefined) grep -q "__ubsan_handle" <<<"$syms" || bad "$t: not built with UBSan" ;;
    esac
    seeds=$dir/work/seeds-$t
    rm -rf "$seeds" && mkdir -p "$seeds" && unzip -q -o "$dir/out/${t}_seed_corpus.zip" -d "$seeds"
    [ "$(ls "$seeds" | wc -l)" -gt 0 ] || bad "$t: empty seed corpus"
    log=$dir/work/run-$t.log
    if [ $engine = libfuzzer ]; then
      if ! (cd "$dir/work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=silence_unsigned_overflow=1:halt_on_error=1 "$bin" -runs=4 -seed=1337 \
            "$seeds" > "$log" 2>&1); then
        bad "$t: crashed on -runs=4 (log: $log)"; grep -m3 -E "ORACLE FAILED|ERROR:|runtime error|Test unit written" "$log" >&2
      fi
      cov=$(sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' "$log" | head -1)
      [ "${cov:-0}" -gt 0 ] || bad "$t: no coverage reported (INITED cov: ${cov:-none})"
      [ $fail = 0 ] && echo "check_build: $engine/$sanitizer $t ok (INITED cov: $cov, $(ls "$seeds" | wc -l) seeds)"
    else
      # libAFLDriver runs file arguments one by one (not directories).
      if ! "$bin" "$seeds"/* > "$log" 2>&1; then bad "$t: seed replay failed (log: $log)"; fi
      [ $fail = 0 ] && echo "check_build: $engine/$sanitizer $t ok ($(ls "$seeds" | wc -l) seeds replayed)"
    fi
    [ $fail_before = 0 ] || fail=1
  done
  [ $n -eq 4 ] || bad "$engine/$sanitizer: $n fuzz targets in \$OUT, expected 4"
done
[ $fail = 0 ] && echo "check_build: all builds pass" || echo "check_build: FAILED" >&2
exit $fail
