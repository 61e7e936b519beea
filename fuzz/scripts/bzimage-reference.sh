#!/usr/bin/env bash
# fuzz_bzimage's seeds against a reference extraction: every seed in
# corpus/fuzz_bzimage/ must unpack with `pvhcheck extract` to exactly what the
# compression method's own CLI tool (gzip, xz, lzop, lz4, zstd, bzip2) makes
# of the payload found by reading the setup header independently (python).
#   bzimage-reference.sh PVHCHECK CORPUS_DIR WORKDIR
set -u
P=$1 DIR=$2 W=$3
rm -rf "$W" && mkdir -p "$W" || exit 1
n=0 fails=0
for f in "$DIR"/*; do
  # The header, the payload and its method, read here without pvhbz.
  read -r method < <(python3 - "$f" "$W/stream" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
sects = d[0x1f1] or 4
start = (sects + 1) * 512 + struct.unpack_from("<I", d, 0x248)[0]
length = struct.unpack_from("<I", d, 0x24c)[0]
p = d[start:start + length]
magics = [(b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"\x5d\x00\x00", "lzma"), (b"BZh", "bzip2"),
          (b"\x89LZO", "lzo"), (b"\x02\x21\x4c\x18", "lz4"), (b"\x28\xb5\x2f\xfd", "zstd")]
m = next(n for mg, n in magics if p.startswith(mg))
open(sys.argv[2], "wb").write(p if m == "gzip" else p[:-4])  # gzip's trailer is its own ISIZE
print(m)
PY
  )
  case $method in
    gzip) ref=(gzip -dc) ;; xz) ref=(xz -dc) ;; lzma) ref=(xz --format=lzma -dc) ;; bzip2) ref=(bzip2 -dc) ;;
    lzo) ref=(lzop -dc) ;; lz4) ref=(lz4 -dc) ;; zstd) ref=(zstd -dcq) ;;
    *) echo "FAIL: $f: no method"; fails=$((fails + 1)); continue ;;
  esac
  "${ref[@]}" <"$W/stream" >"$W/ref" 2>/dev/null || { echo "FAIL: $f: $method reference failed"; fails=$((fails + 1)); continue; }
  if ! "$P" extract --output "$W/out" "$f" >/dev/null 2>"$W/err"; then
    echo "FAIL: $f ($method): pvhcheck extract: $(cat "$W/err")"
    fails=$((fails + 1))
  elif ! cmp -s "$W/out" "$W/ref"; then
    echo "FAIL: $f ($method): differs from the $method tool's output"
    fails=$((fails + 1))
  fi
  n=$((n + 1))
done
[ $n -ge 7 ] || { echo "FAIL: only $n seeds"; exit 1; }
[ $fails -eq 0 ] && echo "ok: $n seeds equal their reference extraction" || exit 1
