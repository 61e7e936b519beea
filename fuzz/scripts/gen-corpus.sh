#!/usr/bin/env bash
# Regenerates the checked-in seed corpora: corpus/<target>/<sha1> for every
# seed the generators in fuzz/gen/ (gen_<target>.c) write, and corpus/<target>.seeds listing
# "<sha1> <descriptive name>". Seeds that libFuzzer campaigns added are not
# touched here (they live in the campaign work directory until minimised in).
# Deterministic: running it twice leaves `git status` clean.
#
#   fuzz/scripts/gen-corpus.sh            # rewrite corpus/fuzz_*/ seeds
#   fuzz/scripts/gen-corpus.sh --check    # fail if the checked-in seeds differ
source "$(dirname "$0")/common.sh"
check=0
[ "${1:-}" = --check ] && check=1
build=${PVH_FUZZ_GEN_BUILD:-$PVH_ROOT/build-fuzz-gen}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$PVH_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVH_BUILD_KVM=OFF -DPVH_BUILD_BENCH=OFF \
    -DPVH_BUILD_TESTS=ON >/dev/null
fi
nice -n 10 cmake --build "$build" --target pvh_gen_corpus -j"$PVH_JOBS" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/fuzz/pvh_gen_corpus" "$tmp/out"
status=0
for t in "${PVH_FUZZ_TARGETS[@]}"; do
  [ -d "$tmp/out/$t" ] || continue
  mkdir -p "$tmp/final/$t"
  : > "$tmp/final/$t.seeds"
  for f in $(cd "$tmp/out/$t" && ls | LC_ALL=C sort); do
    h=$(sha1sum < "$tmp/out/$t/$f" | cut -d' ' -f1)
    cp "$tmp/out/$t/$f" "$tmp/final/$t/$h"
    echo "$h $f" >> "$tmp/final/$t.seeds"
  done
  LC_ALL=C sort -k2 -o "$tmp/final/$t.seeds" "$tmp/final/$t.seeds"
  if [ $check = 1 ]; then
    if ! diff -r "$tmp/final/$t" "$PVH_ROOT/corpus/$t" >/dev/null ||
       ! diff "$tmp/final/$t.seeds" "$PVH_ROOT/corpus/$t.seeds" >/dev/null; then
      echo "gen-corpus: corpus/$t differs from what the generator makes" >&2
      status=1
    fi
  else
    rm -rf "$PVH_ROOT/corpus/$t"
    cp -r "$tmp/final/$t" "$PVH_ROOT/corpus/$t"
    cp "$tmp/final/$t.seeds" "$PVH_ROOT/corpus/$t.seeds"
    echo "gen-corpus: corpus/$t: $(ls "$PVH_ROOT/corpus/$t" | wc -l) seeds"
  fi
done
exit $status
