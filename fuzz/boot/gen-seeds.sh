#!/usr/bin/env bash
# Regenerates corpus/fuzz_boot/<sha1> and corpus/fuzz_boot.seeds from
# gen_seeds.c (built in BUILD, default build/default). Deterministic.
#   fuzz/boot/gen-seeds.sh [BUILD]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/default}
cmake --build "$build" --target fb_gen_seeds -j2 >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/fuzz/boot/fb_gen_seeds" "$tmp"
mkdir -p "$root/corpus/fuzz_boot"
: > "$root/corpus/fuzz_boot.seeds"
for f in $(cd "$tmp" && ls | LC_ALL=C sort); do
  h=$(sha1sum < "$tmp/$f" | cut -d' ' -f1)
  cp "$tmp/$f" "$root/corpus/fuzz_boot/$h"
  echo "$h $f" >> "$root/corpus/fuzz_boot.seeds"
done
