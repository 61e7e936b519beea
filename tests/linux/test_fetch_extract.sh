#!/bin/sh
# tools/fetch-debian-kernel.sh's bzImage unpacking, without apt or network:
# synthetic bzImages (setup header with setup_sects, "HdrS", payload_offset,
# payload_length; payload compressed the way Linux does it, with the 4-byte
# uncompressed size appended) around a small PVH ELF, for each compression,
# and malformed ones that must be refused with the reason.
#   test_fetch_extract.sh FETCH_SCRIPT PVH_ELF NON_PVH_ELF WORKDIR
set -u
FETCH=$1 ELF=$2 PLAIN=$3 WORK=$4
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

# mkbz OUT PAYLOAD [setup_sects] [magic] [len_delta]: a bzImage around PAYLOAD.
mkbz() {
  python3 - "$@" <<'PY'
import struct, sys
out, payload = sys.argv[1], open(sys.argv[2], 'rb').read()
sects = int(sys.argv[3]) if len(sys.argv) > 3 else 3
magic = sys.argv[4].encode() if len(sys.argv) > 4 else b'HdrS'
delta = int(sys.argv[5]) if len(sys.argv) > 5 else 0
setup = bytearray((sects + 1) * 512)
setup[0x1f1] = sects
setup[0x202:0x206] = magic
struct.pack_into('<H', setup, 0x206, 0x020f)  # boot protocol 2.15: payload_offset/length valid
pm = bytearray(0x300)                 # stand-in for the decompressor code
struct.pack_into('<I', setup, 0x248, len(pm))
struct.pack_into('<I', setup, 0x24c, len(payload) + delta)
open(out, 'wb').write(bytes(setup) + bytes(pm) + payload + b'\0' * 64)  # trailing data
PY
}
size_le() { python3 -c "import os,struct,sys; sys.stdout.buffer.write(struct.pack('<I', os.path.getsize('$1')))"; }

n=0
for m in gzip xz zstd lz4; do
  case $m in
    gzip) command -v gzip >/dev/null || continue; gzip -9c "$ELF" >"$WORK/p.$m" ;;
    xz) command -v xz >/dev/null || continue; { xz -c --check=crc32 "$ELF"; size_le "$ELF"; } >"$WORK/p.$m" ;;
    zstd) command -v zstd >/dev/null || continue; { zstd -qc "$ELF"; size_le "$ELF"; } >"$WORK/p.$m" ;;
    lz4) command -v lz4 >/dev/null || continue; { lz4 -l -c1 -q "$ELF" -; size_le "$ELF"; } >"$WORK/p.$m" ;;
  esac
  mkbz "$WORK/bz.$m" "$WORK/p.$m"
  "$FETCH" --extract "$WORK/bz.$m" "$WORK/out.$m" 2>"$WORK/log.$m" || { cat "$WORK/log.$m"; fail "$m: not extracted"; }
  cmp -s "$WORK/out.$m/vmlinux" "$ELF" || fail "$m: extracted bytes differ from the ELF"
  grep -q "payload is $m" "$WORK/log.$m" || fail "$m: compression not recognised as $m"
  grep -q "PVH entry (XEN_ELFNOTE_PHYS32_ENTRY): 0x" "$WORK/log.$m" || fail "$m: entry not reported"
  echo "ok: $m: $(grep 'PVH entry' "$WORK/log.$m" | sed 's/.*: //')"
  n=$((n + 1))
done
[ $n -ge 2 ] || fail "fewer than two compressors available"

refuse() { # refuse NAME BZIMAGE EXPECTED-MESSAGE
  if "$FETCH" --extract "$2" "$WORK/out.$1" 2>"$WORK/log.$1"; then fail "$1: accepted"; fi
  grep -q "$3" "$WORK/log.$1" || { cat "$WORK/log.$1"; fail "$1: wrong reason"; }
  echo "ok: refused $1: $(tail -n1 "$WORK/log.$1" | sed 's/.*error: //')"
}
mkbz "$WORK/bz.nomagic" "$WORK/p.gzip" 3 Hdrs
refuse nomagic "$WORK/bz.nomagic" "bzimage-no-hdrs"
mkbz "$WORK/bz.long" "$WORK/p.gzip" 3 HdrS 100000
refuse long "$WORK/bz.long" "payload-out-of-file"
gzip -9c "$PLAIN" >"$WORK/p.plain"
mkbz "$WORK/bz.nonote" "$WORK/p.plain"
refuse nonote "$WORK/bz.nonote" "no Xen PHYS32_ENTRY note"
mkbz "$WORK/bz.short" "$WORK/p.gzip" 3 HdrS -8
refuse short "$WORK/bz.short" "declared-size-over-limit\|payload-truncated\|payload-corrupt\|than-declared"
printf 'not compressed at all, just text padding padding' >"$WORK/p.raw"
mkbz "$WORK/bz.raw" "$WORK/p.raw"
refuse raw "$WORK/bz.raw" "payload-unknown-compression"
echo "PASS: $n compressions extracted byte-exact; 5 malformed bzImages refused with the reason"
