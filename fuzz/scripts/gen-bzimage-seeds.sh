#!/usr/bin/env bash
# Regenerates fuzz_bzimage's seeds and named regressions from a small PVH
# kernel of the fuzz_load corpus, with the real compressor CLIs
# (bzimage/mkbzimage.py, the kernel's formats; low levels and a 1 MiB
# xz/lzma dictionary so each run stays cheap):
#   corpus/fuzz_bzimage/<sha1>        one bzImage per method, and variants of
#                                     the setup header (setup_sects 0 = 4, protocol 2.08)
#   corpus/fuzz_bzimage.seeds         "<sha1> <name>"
#   corpus/regressions/fuzz_bzimage/  malformed ones, named for what they break
# Deterministic for given tool versions (gzip -n, no names or times stored).
#   fuzz/scripts/gen-bzimage-seeds.sh [--check]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MK="python3 $ROOT/bzimage/mkbzimage.py --fast"
# elf64-ok-desc8: a loadable PVH kernel of 8 KiB.
INNER=$ROOT/corpus/fuzz_load/efbf8833a5d2c019bf469807ca82a9141794d177
check=0
[ "${1:-}" = --check ] && check=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/seeds" "$tmp/reg"
for m in gzip xz lzma bzip2 lzo lz4 zstd; do
  $MK "$m" "$INNER" "$tmp/seeds/$m"
done
$MK --setup-sects 0 lz4 "$INNER" "$tmp/seeds/lz4-setup-sects-0-means-4"
$MK --protocol 0x0208 gzip "$INNER" "$tmp/seeds/gzip-protocol-2.08"
size=$(stat -c %s "$INNER")
r=$tmp/reg
for m in gzip xz lzma bzip2 lzo lz4 zstd; do
  $MK --declared $((size + 1)) "$m" "$INNER" "$r/$m-declares-one-byte-more"
  $MK --declared $((size - 1)) "$m" "$INNER" "$r/$m-declares-one-byte-less"
  $MK --truncate 9 "$m" "$INNER" "$r/$m-stream-truncated"
done
$MK --declared 0xffffffff lz4 "$INNER" "$r/declared-4g-over-limit"
$MK --declared 0 zstd "$INNER" "$r/declared-zero"
$MK --magic HdrX gzip "$INNER" "$r/no-hdrs-magic"
$MK --protocol 0x0207 gzip "$INNER" "$r/protocol-2.07-has-no-payload-fields"
$MK --length-delta 64 xz "$INNER" "$r/payload-length-past-eof"
$MK --payload-offset 0xffffffff lz4 "$INNER" "$r/payload-offset-past-eof"
$MK --setup-sects 255 lz4 "$INNER" "$r/setup-sects-255"
# An lz4 block size of 0xfffffff0 right after the magic; an lzop header cut short.
python3 -c "
import struct,sys
sys.path.insert(0,'$ROOT/bzimage')
import mkbzimage
p=b'\x02\x21\x4c\x18'+struct.pack('<I',0xfffffff0)+b'\x00'*16+struct.pack('<I',4096)
open('$r/lz4-block-size-huge','wb').write(mkbzimage.build(p))
p=b'\x89LZO\x00\r\n\x1a\n'+b'\x10\x30\x20\xa0\x09\x40\x01\x05\x03\x00\x00\x01'
open('$r/lzo-header-truncated','wb').write(mkbzimage.build(p+struct.pack('<I',4096)))
"

out=$ROOT/corpus
if [ $check = 1 ]; then
  status=0
  for f in "$tmp"/seeds/*; do
    h=$(sha1sum <"$f" | cut -d' ' -f1)
    cmp -s "$f" "$out/fuzz_bzimage/$h" || { echo "gen-bzimage-seeds: seed $(basename "$f") differs (or is missing)"; status=1; }
  done
  for f in "$tmp"/reg/*; do
    cmp -s "$f" "$out/regressions/fuzz_bzimage/$(basename "$f")" || { echo "gen-bzimage-seeds: regression $(basename "$f") differs"; status=1; }
  done
  exit $status
fi
rm -rf "$out/fuzz_bzimage" && mkdir -p "$out/fuzz_bzimage" "$out/regressions/fuzz_bzimage"
: >"$out/fuzz_bzimage.seeds"
for f in $(cd "$tmp/seeds" && ls | LC_ALL=C sort); do
  h=$(sha1sum <"$tmp/seeds/$f" | cut -d' ' -f1)
  cp "$tmp/seeds/$f" "$out/fuzz_bzimage/$h"
  echo "$h $f" >>"$out/fuzz_bzimage.seeds"
done
cp "$tmp"/reg/* "$out/regressions/fuzz_bzimage/"
echo "gen-bzimage-seeds: $(ls "$out/fuzz_bzimage" | wc -l) seeds, $(ls "$tmp/reg" | wc -l) regressions"
