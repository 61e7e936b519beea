#!/usr/bin/env bash
# OSS-Fuzz's build checks (infra/base-images/base-runner: bad_build_check),
# reproduced locally without Docker for every combination project.yaml lists.
# For each one, fuzz/oss-fuzz/build.sh runs with the environment OSS-Fuzz sets
# (compile flags, $LIB_FUZZING_ENGINE, $OUT/$SRC/$WORK), then, with $OUT copied
# to another directory and the build tree moved away (a relocated $OUT must
# not reach back into the build):
#   - every target listed in fuzz/targets.txt is in $OUT with its seed zip,
#     dictionary and options;
#   - instrumentation: libFuzzer builds have sanitizer coverage, AFL++ builds
#     the AFL runtime, coverage builds the profile runtime; i386 builds are
#     32-bit (`file`);
#   - sanitizer calls are counted in the disassembly as bad_build_check does:
#     ASan >= 1000 calls to __asan_*, MSan >= 1000 to __msan_*, UBSan >= 250
#     to __ubsan_handle_*, and none of the other sanitizers' (mixed builds);
#   - each target runs 4 times on an empty input without crashing and (libFuzzer)
#     reports at least 100 edges; then it replays its seed corpus;
#   - libelf_norms_check passes: the pinned libelf behaves as the oracle assumes;
#   - pvhbz found all six decompression libraries (fuzz_bzimage decodes every
#     method in every combination).
# Exit status 0 means every combination would pass.
#
#   fuzz/oss-fuzz/check_build.sh                    # every combination (~15 CPU-min cold)
#   PVH_CHECK_BUILDS="libfuzzer:address:x86_64" fuzz/oss-fuzz/check_build.sh
#   PVH_CHECK_CI=1 fuzz/oss-fuzz/check_build.sh     # CI: libfuzzer with address, undefined
#                                                   # and memory (its own instrumented deps)
#                                                   # + the broken-target self-test
#   PVH_CHECK_BREAK=fuzz_notes fuzz/oss-fuzz/check_build.sh   # must FAIL
# Combinations are ENGINE:SANITIZER:ARCH; PVH_CHECK_DIR (default
# build-fuzz-ossfuzz) keeps the builds and logs; pinned libelf builds are
# cached per flags in PVH_CHECK_DEPS (default $PVH_CHECK_DIR/deps).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ALL="libfuzzer:address:x86_64 libfuzzer:undefined:x86_64 libfuzzer:memory:x86_64 libfuzzer:address:i386
afl:address:x86_64 libfuzzer:coverage:x86_64"
CI_BUILDS="libfuzzer:address:x86_64 libfuzzer:undefined:x86_64 libfuzzer:memory:x86_64"
if [ -n "${PVH_CHECK_CI:-}" ]; then
  builds=${PVH_CHECK_BUILDS:-$CI_BUILDS}
else
  builds=${PVH_CHECK_BUILDS:-$ALL}
fi
base=${PVH_CHECK_DIR:-$ROOT/build-fuzz-ossfuzz}
deps=${PVH_CHECK_DEPS:-$base/deps}
mapfile -t targets < <(grep -E '^[a-z_0-9]+$' "$ROOT/fuzz/targets.txt")
# Some hosts build 32-bit code but cannot execute it (IA-32 emulation off:
# "Exec format error"). There the i386 builds are still built and checked
# (architecture, instrumentation, sanitizer calls) and their runs are
# reported as not run, never as passed.
host_runs_i386=0
probe=$(mktemp -d)
if printf 'int main(void){return 0;}\n' | clang -m32 -x c - -o "$probe/p" 2>/dev/null && "$probe/p" 2>/dev/null; then
  host_runs_i386=1
fi
rm -rf "$probe"
fail=0
bad() {
  echo "check_build: FAIL: $*" >&2
  fail=1
}

# Flags as OSS-Fuzz's base-builder sets them (infra/base-images/base-builder).
common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ub_list="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr"
ub_fatal="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
san_flags() {
  case $1 in
    address) echo "-fsanitize=address -fsanitize-address-use-after-scope" ;;
    undefined) echo "-fsanitize=$ub_list -fno-sanitize-recover=$ub_fatal" ;;
    memory) echo "-fsanitize=memory -fsanitize-memory-track-origins" ;;
    coverage) echo "-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument" ;;
    *) return 1 ;;
  esac
}

# count_calls BIN PREFIX: call instructions to PREFIX* in the disassembly.
count_calls() {
  objdump -d --no-show-raw-insn "$1" 2>/dev/null | grep -cE "call[lq]?[[:space:]]+[0-9a-f]+ <$2" || true
}

# bad_build_check's thresholds (check_mixed_sanitizers): the sanitizer a
# build is for needs ASan >= 1000 / MSan >= 1000 / UBSan >= 168 calls; the
# others at most 0 (ASan), 3 (MSan), 200 (UBSan; 280 on i386).
# Sets $calls to a summary; bad() on a failed criterion.
check_sanitizer_calls() {
  local bin=$1 t=$2 san=$3 arch=$4 asan msan ubsan ub_other=200
  [ "$arch" = i386 ] && ub_other=280
  asan=$(count_calls "$bin" __asan)
  msan=$(count_calls "$bin" __msan)
  ubsan=$(count_calls "$bin" __ubsan)
  calls="asan $asan msan $msan ubsan $ubsan calls"
  case $san in
    address | memory | undefined)
      local want_a=0 want_m=3 want_u=$ub_other
      case $san in
        address) [ "$asan" -ge 1000 ] || bad "$t: ASan build with $asan __asan calls (< 1000)" ;;
        memory) [ "$msan" -ge 1000 ] || bad "$t: MSan build with $msan __msan calls (< 1000)" ;;
        undefined) [ "$ubsan" -ge 168 ] || bad "$t: UBSan build with $ubsan __ubsan calls (< 168)" ;;
      esac
      [ "$san" = address ] || [ "$asan" -le $want_a ] || bad "$t: $san build with $asan __asan calls (mixed)"
      [ "$san" = memory ] || [ "$msan" -le $want_m ] || bad "$t: $san build with $msan __msan calls (mixed)"
      [ "$san" = undefined ] || [ "$ubsan" -le $want_u ] || bad "$t: $san build with $ubsan __ubsan calls (mixed)" ;;
    coverage) grep -c __llvm_profile <<<"$syms" >/dev/null || bad "$t: coverage build without the profile runtime" ;;
  esac
}

# run_one_build ENGINE SANITIZER ARCH
run_one_build() {
  local engine=$1 sanitizer=$2 arch=$3 dir cc cxx cov lfe flags log t bin out n
  dir=$base/$engine-$sanitizer-$arch
  rm -rf "$dir" && mkdir -p "$dir/out" "$dir/work" "$dir/src"
  if ! flags=$(san_flags "$sanitizer"); then
    bad "unknown sanitizer $sanitizer"
    return
  fi
  case $engine in
    libfuzzer) cc=clang cxx=clang++ cov="-fsanitize=fuzzer-no-link" lfe="-fsanitize=fuzzer" ;;
    afl) cc=afl-clang-fast cxx=afl-clang-fast++ cov="" lfe="/usr/lib/afl/libAFLDriver.a" ;;
    *)
      bad "unknown engine $engine"
      return ;;
  esac
  [ "$sanitizer" = coverage ] && cov=""
  [ "$arch" = i386 ] && flags="$flags -m32"
  local start=$SECONDS
  echo "=== check_build: FUZZING_ENGINE=$engine SANITIZER=$sanitizer ARCHITECTURE=$arch ($dir) ==="
  # The pinned libelf cache lives outside $WORK so it survives the rebuild;
  # build.sh links its copy in.
  mkdir -p "$deps"
  ln -s "$deps" "$dir/work/pvhcheck-deps"
  if ! env CC=$cc CXX=$cxx CFLAGS="$common $flags $cov" CXXFLAGS="$common $flags $cov" \
    LIB_FUZZING_ENGINE="$lfe" FUZZING_ENGINE=$engine SANITIZER=$sanitizer ARCHITECTURE=$arch \
    OUT="$dir/out" SRC="$dir/src" WORK="$dir/work" AFL_QUIET=1 PVH_CHECK_BREAK="${PVH_CHECK_BREAK:-}" \
    bash "$ROOT/fuzz/oss-fuzz/build.sh" >"$dir/build.log" 2>&1; then
    tail -15 "$dir/build.log" >&2
    bad "$engine/$sanitizer/$arch: build.sh failed (log: $dir/build.log)"
    return
  fi
  # Relocate: run from a copy of $OUT with the build tree and deps out of reach.
  out=$dir/out-relocated
  cp -a "$dir/out" "$out"
  mv "$dir/work" "$dir/work.away"
  mv "$deps" "$deps.away"
  n=0
  for t in "${targets[@]}"; do
    bin=$out/$t
    if [ ! -x "$bin" ]; then
      bad "$t: listed in fuzz/targets.txt, not in \$OUT"
      continue
    fi
    n=$((n + 1))
    local before=$fail
    fail=0
    for f in "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do
      [ -s "$out/$f" ] || bad "$t: no $f in \$OUT"
    done
    local want_arch=x86-64
    [ "$arch" = i386 ] && want_arch=80386
    file -L "$bin" | grep -c "$want_arch" >/dev/null || bad "$t: not built for $arch (file: no '$want_arch')"
    local syms cov=""
    syms=$(nm "$bin" 2>/dev/null || true) # not piped into grep -q: SIGPIPE under pipefail
    case $engine in
      libfuzzer) [ "$sanitizer" = coverage ] || grep -q "__sancov_\|__sanitizer_cov_trace" <<<"$syms" ||
        bad "$t: no sanitizer coverage instrumentation" ;;
      afl) grep -q "__afl_area_ptr" <<<"$syms" || bad "$t: not AFL++-instrumented" ;;
    esac
    check_sanitizer_calls "$bin" "$t" "$sanitizer" "$arch"
    if [ "$arch" = i386 ] && [ $host_runs_i386 = 0 ]; then
      echo "check_build: $engine/$sanitizer/$arch $t: built and checked, NOT RUN: this host cannot execute 32-bit code"
      [ $before = 0 ] || fail=1
      continue
    fi
    # An empty input, 4 runs (what bad_build_check feeds every target).
    mkdir -p "$dir/run/empty-$t" && : >"$dir/run/empty-input"
    log=$dir/run/$t-empty.log
    # The runtime options OSS-Fuzz's runner sets (unsigned overflow is
    # defined behaviour the hashes rely on: silenced there too).
    local opts="ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:silence_unsigned_overflow=1 MSAN_OPTIONS=halt_on_error=1"
    if [ "$sanitizer" = coverage ]; then
      # What OSS-Fuzz's coverage job does: run the corpus, merge the profiles,
      # report. (A coverage build has no fuzzing feedback: libFuzzer's own
      # startup check does not apply.)
      local seeds_c=$dir/run/cov-seeds-$t prof=$dir/run/cov-$t
      rm -rf "$seeds_c" "$prof" && mkdir -p "$seeds_c" "$prof"
      unzip -q -o "$out/${t}_seed_corpus.zip" -d "$seeds_c"
      (cd "$dir/run" && LLVM_PROFILE_FILE="$prof/%p.profraw" "$bin" -runs=0 "$seeds_c" >"$log" 2>&1) ||
        bad "$t: coverage build failed on its seeds (log: $log)"
      if llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/merged.profdata" 2>>"$log"; then
        cov=$(llvm-cov report "$bin" -instr-profile="$prof/merged.profdata" 2>>"$log" |
          awk '/^TOTAL/ { print "lines " $(NF-3) }')
        [ -n "$cov" ] || bad "$t: llvm-cov report gave no TOTAL (log: $log)"
      else
        bad "$t: no mergeable profile from the coverage build (log: $log)"
      fi
    elif [ $engine = libfuzzer ]; then
      if ! (cd "$dir/run" && env $opts LLVM_PROFILE_FILE="$dir/run/%p.profraw" "$bin" -seed=1337 -runs=4 \
        "$dir/run/empty-$t" >"$log" 2>&1); then
        bad "$t: crashed on an empty input (log: $log)"
        grep -m3 -E "ORACLE FAILED|ERROR:|runtime error|WARNING: MemorySanitizer" "$log" >&2 || true
      fi
      grep -c "Done 4 runs" "$log" >/dev/null || bad "$t: no 'Done 4 runs' (startup crash or exit; log: $log)"
      # bad_build_check's "partial coverage instrumentation" test: the
      # instrumented edges libFuzzer loads (counters or guards) >= 100.
      cov=$(sed -n 's/^INFO: Loaded [0-9]* modules* *(\([0-9]*\) \(inline 8-bit counters\|guards\)).*/\1/p' "$log" | head -1)
      if [ "$sanitizer" != coverage ] && [ "${cov:-0}" -lt 100 ]; then
        bad "$t: ${cov:-no} instrumented edges (< 100)"
      fi
    else
      (cd "$dir/run" && env $opts "$bin" "$dir/run/empty-input" >"$log" 2>&1) || bad "$t: crashed on an empty input (log: $log)"
      # What bad_build_check does for AFL++: afl-fuzz starts and fuzzes.
      rm -rf "$dir/run/afl-$t" && mkdir -p "$dir/run/afl-$t/in" && printf x >"$dir/run/afl-$t/in/x"
      (cd "$dir/run" && AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=30000 \
        timeout --preserve-status -s INT 15s afl-fuzz -i "$dir/run/afl-$t/in" -o "$dir/run/afl-$t/out" -V 5 -- "$bin" \
        >"$dir/run/$t-afl.log" 2>&1) || true
      grep -c "All set and ready to roll" "$dir/run/$t-afl.log" >/dev/null ||
        bad "$t: afl-fuzz did not start (log: $dir/run/$t-afl.log)"
    fi
    # The seed corpus (and every regression) through the same binary.
    local seeds=$dir/run/seeds-$t
    rm -rf "$seeds" && mkdir -p "$seeds" && unzip -q -o "$out/${t}_seed_corpus.zip" -d "$seeds"
    log=$dir/run/$t-seeds.log
    if [ $engine = libfuzzer ]; then
      (cd "$dir/run" && env $opts LLVM_PROFILE_FILE="$dir/run/%p.profraw" "$bin" -runs=0 "$seeds" >"$log" 2>&1) ||
        bad "$t: seed replay failed (log: $log)"
    else
      (cd "$dir/run" && env $opts "$bin" "$seeds"/* >"$log" 2>&1) || bad "$t: seed replay failed (log: $log)"
    fi
    [ $fail = 0 ] && echo "check_build: $engine/$sanitizer/$arch $t ok (${cov:+$cov$([ "$sanitizer" = coverage ] || echo " edges"), }$calls, $(ls "$seeds" | wc -l) seeds)"
    [ $before = 0 ] || fail=1
  done
  if [ "$arch" = i386 ] && [ $host_runs_i386 = 0 ]; then
    echo "check_build: $engine/$sanitizer/$arch libelf_norms_check: NOT RUN: this host cannot execute 32-bit code"
  elif [ -x "$out/libelf_norms_check" ]; then
    (cd "$dir/run" && env MSAN_OPTIONS=halt_on_error=1 LLVM_PROFILE_FILE="$dir/run/%p.profraw" "$out/libelf_norms_check" \
      >"$dir/run/libelf_norms.log" 2>&1) || bad "$engine/$sanitizer/$arch: libelf_norms_check failed (log: $dir/run/libelf_norms.log)"
  else
    bad "$engine/$sanitizer/$arch: no libelf_norms_check in \$OUT"
  fi
  grep -q "libelf differential oracle on" "$dir/build.log" || bad "$engine/$sanitizer/$arch: the libelf oracle is off"
  # fuzz_bzimage decodes all seven methods in every combination: pvhbz found
  # all six libraries (deps.sh's instrumented builds under MSan and on i386).
  local bz
  bz=$(grep -m1 "pvhbz: decompressors from" "$dir/build.log" || true)
  case $bz in
    *"missing (methods unsupported): ") ;;
    "") bad "$engine/$sanitizer/$arch: no pvhbz library summary in the build log" ;;
    *) bad "$engine/$sanitizer/$arch: fuzz_bzimage lacks methods (${bz#*-- })" ;;
  esac
  mv "$dir/work.away" "$dir/work"
  mv "$deps.away" "$deps"
  [ $n -eq ${#targets[@]} ] || bad "$engine/$sanitizer/$arch: $n of ${#targets[@]} targets in \$OUT"
  echo "check_build: $engine/$sanitizer/$arch took $((SECONDS - start)) s"
}

for b in $builds; do
  IFS=: read -r engine sanitizer arch <<<"$b"
  run_one_build "$engine" "$sanitizer" "${arch:-x86_64}"
done

# CI also proves the check can fail: a target with a compile error must fail
# the build (it once exited 0 with 3 of 4 targets).
if [ -n "${PVH_CHECK_CI:-}" ] && [ -z "${PVH_CHECK_BREAK:-}" ]; then
  echo "=== check_build: self-test, fuzz_notes deliberately broken: this build must fail ==="
  if PVH_CHECK_CI= PVH_CHECK_BREAK=fuzz_notes PVH_CHECK_BUILDS=libfuzzer:address:x86_64 \
    PVH_CHECK_DIR="$base/selftest" PVH_CHECK_DEPS="$deps" bash "$0" >"$base/selftest.log" 2>&1; then
    bad "self-test: a build with a broken target passed (log: $base/selftest.log)"
  else
    echo "check_build: self-test ok (the broken build failed: $(grep -m1 -o 'build.sh failed' "$base/selftest.log" || echo failed))"
  fi
fi
if [ $fail = 0 ]; then
  echo "check_build: all builds pass ($builds)"
else
  echo "check_build: FAILED" >&2
fi
exit $fail
