#!/usr/bin/env python3
"""Builds a bzImage around a payload the way the kernel build does: the
payload compressed by the real command-line tool with the kernel's own
options (scripts/Makefile.lib, scripts/xz_wrap.sh) and the uncompressed size
appended as a little-endian u32 (for gzip the stream's own ISIZE is that
trailer, as in Linux), behind a setup header with "HdrS",
setup_sects, the protocol version, payload_offset and payload_length. The
setup and protected-mode parts are filler (nothing here is meant to run).

  mkbzimage.py [options] METHOD INPUT OUTPUT       METHOD: gzip xz lzma bzip2 lzo lz4 zstd
  mkbzimage.py --raw-payload FILE ...              take an already-compressed payload (size appended)

Options make malformed images for tests: --declared N (trailer value),
--truncate N (drop N bytes from the compressed stream's end, trailer kept;
for gzip, before its ISIZE),
--magic BYTES (HdrS replacement), --protocol 0x20f, --setup-sects N (the byte
written; 0 means 4), --payload-offset N (filler before the payload),
--length-delta N (added to payload_length). Output is byte-for-byte
reproducible for a given input and tool version."""

import argparse
import struct
import subprocess
import sys
import zlib

# The kernel's compressor invocations (Linux scripts/Makefile.lib; xz via xz_wrap.sh on x86).
COMMANDS = {
    "gzip": ["gzip", "-n", "-f", "-9"],
    "xz": ["xz", "--check=crc32", "--x86", "--lzma2=,dict=32MiB"],
    "lzma": ["xz", "--format=lzma", "-9"],
    "bzip2": ["bzip2", "-9"],
    "lzo": ["lzop", "-9"],
    "lz4": ["lz4", "-l", "-9", "-q", "-", "-"],
    "zstd": ["zstd", "-q", "-22", "--ultra"],
}


def lzop_without_mode_and_time(stream):
    """lzop stores stdin's mode and mtime (the time of day for a pipe) in its
    header: zero both and recompute the header checksum, so a payload is the
    same on every run. The layout is lzop's (version >= 0x0940)."""
    b = bytearray(stream)
    flags = struct.unpack_from(">I", b, 9 + 8)[0]
    at = 9 + 8 + 4 + (4 if flags & 0x800 else 0)  # magic, versions/method/level, flags, [filter]
    b[at:at + 12] = bytes(12)  # mode, mtime low, mtime high
    name_len = b[at + 12]
    end = at + 13 + name_len
    check = zlib.crc32(bytes(b[9:end])) if flags & 0x1000 else zlib.adler32(bytes(b[9:end]))
    struct.pack_into(">I", b, end, check)
    return bytes(b)


def compress(method, data, fast=False):
    cmd = list(COMMANDS[method])
    if fast:  # seeds and tests: the same format, less CPU, and a 1 MiB dictionary for xz/lzma
        cmd = [c for c in cmd if c not in ("-9", "-22", "--ultra")]
        cmd = [c.replace("dict=32MiB", "dict=1MiB") for c in cmd]
        if method == "bzip2":
            cmd.append("-1")  # 100 KB blocks: the decoder needs 400 KB, not 3.6 MB
        if method == "lzma":
            cmd.append("--lzma1=preset=6,dict=1MiB")
    out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout
    return lzop_without_mode_and_time(out) if method == "lzo" else out


def build(payload, setup_sects=3, protocol=0x020F, magic=b"HdrS", payload_offset=0x40, length_delta=0):
    sects = setup_sects if setup_sects else 4
    setup = bytearray((sects + 1) * 512)
    setup[0x1F1] = setup_sects & 0xFF
    setup[0x1FE:0x200] = b"\x55\xaa"
    setup[0x202:0x206] = magic[:4].ljust(4, b"\0")
    struct.pack_into("<H", setup, 0x206, protocol)
    struct.pack_into("<I", setup, 0x248, payload_offset)
    struct.pack_into("<I", setup, 0x24C, (len(payload) + length_delta) & 0xFFFFFFFF)
    # Stand-in for the decompressor code; an offset past any sane file (a
    # malformed image) keeps a small filler, so the payload is not where it says.
    pm = b"\xf4" * (payload_offset if payload_offset <= (1 << 20) else 0x40)
    return bytes(setup) + pm + payload + b"\0" * 16


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("method", choices=sorted(COMMANDS))
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--fast", action="store_true", help="the same format with low compression levels")
    p.add_argument("--raw-payload", help="a compressed stream to use instead of compressing INPUT")
    p.add_argument("--declared", type=lambda s: int(s, 0))
    p.add_argument("--truncate", type=int, default=0)
    p.add_argument("--magic", default="HdrS")
    p.add_argument("--protocol", type=lambda s: int(s, 0), default=0x020F)
    p.add_argument("--setup-sects", type=int, default=3)
    p.add_argument("--payload-offset", type=lambda s: int(s, 0), default=0x40)
    p.add_argument("--length-delta", type=int, default=0)
    a = p.parse_args(argv)
    data = open(a.input, "rb").read()
    stream = open(a.raw_payload, "rb").read() if a.raw_payload else compress(a.method, data, a.fast)
    declared = len(data) if a.declared is None else a.declared
    if a.method == "gzip" and not a.raw_payload:
        # Linux appends no size to gzip: the stream's own ISIZE is the trailer.
        stream, trailer = stream[:-4], stream[-4:]
        if a.declared is not None:
            trailer = struct.pack("<I", declared & 0xFFFFFFFF)
    else:
        trailer = struct.pack("<I", declared & 0xFFFFFFFF)
    if a.truncate:
        stream = stream[:-a.truncate]
    payload = stream + trailer
    out = build(payload, a.setup_sects, a.protocol, a.magic.encode("latin-1"), a.payload_offset, a.length_delta)
    open(a.output, "wb").write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
