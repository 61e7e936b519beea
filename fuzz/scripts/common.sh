# Sourced by the fuzz scripts: paths, target list and the builds they share.
# Build directories (override with the variables):
#   PVH_FUZZ_BUILD      libFuzzer + ASan + UBSan    default build-fuzz-libfuzzer
#   PVH_FUZZ_AFL_BUILD  AFL++ persistent mode        default build-fuzz-afl
#   PVH_FUZZ_STD_BUILD  standalone replayers (gcc)   default build-fuzz-standalone
# Work (new corpus units, crashes, logs): PVH_FUZZ_WORK, default build-fuzz-work.
set -euo pipefail
PVH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mapfile -t PVH_FUZZ_TARGETS < <(grep -E '^[a-z_0-9]+$' "$PVH_ROOT/fuzz/targets.txt")
PVH_FUZZ_BUILD=${PVH_FUZZ_BUILD:-$PVH_ROOT/build-fuzz-libfuzzer}
PVH_FUZZ_AFL_BUILD=${PVH_FUZZ_AFL_BUILD:-$PVH_ROOT/build-fuzz-afl}
PVH_FUZZ_STD_BUILD=${PVH_FUZZ_STD_BUILD:-$PVH_ROOT/build-fuzz-standalone}
PVH_FUZZ_WORK=${PVH_FUZZ_WORK:-$PVH_ROOT/build-fuzz-work}
PVH_JOBS=${PVH_JOBS:-$(nproc)}

pvh_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

pvh_check_target() {
  local t
  for t in "${PVH_FUZZ_TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done
  pvh_die "unknown target '$1' (targets: ${PVH_FUZZ_TARGETS[*]})"
}

# cmake configure (once) + build of one engine into a directory.
#   pvh_build DIR ENGINE [extra cmake args...]
pvh_build() {
  local dir=$1 engine=$2; shift 2
  local cc=clang
  [ "$engine" = afl ] && cc=${AFL_CC_BIN:-afl-clang-fast}
  [ "$engine" = standalone ] && cc=${CC:-cc}
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    local san=ON
    [ "$engine" = afl ] && san=${PVH_AFL_SANITIZE:-OFF}
    [ "$engine" = standalone ] && san=${PVH_STD_SANITIZE:-OFF}
    CC=$cc cmake -S "$PVH_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVH_FUZZ_ENGINE="$engine" \
      -DPVH_SANITIZE="$san" -DPVH_BUILD_KVM=OFF -DPVH_BUILD_BENCH=OFF -DPVH_BUILD_TESTS=OFF -DPVH_BUILD_SHARED=OFF "$@" >/dev/null
  fi
  nice -n 10 cmake --build "$dir" -j"$PVH_JOBS" >/dev/null
}

pvh_build_libfuzzer() { pvh_build "$PVH_FUZZ_BUILD" libfuzzer "$@"; }

# libFuzzer flags from fuzz/<target>.options ([libfuzzer] section); the
# dictionary is resolved next to the options file.
pvh_options_flags() {
  local t=$1 file=$PVH_ROOT/fuzz/$1.options in=0 line k v
  [ -f "$file" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      \[libfuzzer\]*) in=1; continue ;;
      \[*) in=0; continue ;;
    esac
    [ $in = 1 ] || continue
    line=${line%%#*}
    [[ "$line" == *=* ]] || continue
    k=$(echo "${line%%=*}" | tr -d ' ')
    v=$(echo "${line#*=}" | tr -d ' ')
    [ "$k" = dict ] && v=$PVH_ROOT/fuzz/$v
    printf -- '-%s=%s\n' "$k" "$v"
  done < "$file"
}
