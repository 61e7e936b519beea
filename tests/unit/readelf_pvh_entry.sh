#!/bin/sh
# Prints the XEN_ELFNOTE_PHYS32_ENTRY value(s) of an ELF file as readelf -n
# reports them, one hex number per note (0x...), nothing if there is none.
# readelf prints the Xen owner, the desc size and "(0x00000012)", then the
# desc bytes (on the same line with -W, on the next one without); the value
# is those bytes little endian. Kept separate so every script test parses
# readelf the same way.
set -eu
LC_ALL=C readelf -n "$1" 2>/dev/null | awk '
  function emit(line,   n, b, i, hex) {
    sub(/.*description data:[ \t]*/, "", line)
    n = split(line, b, /[ \t]+/)
    hex = ""
    for (i = n; i >= 1; i--) if (b[i] != "") hex = hex b[i]
    sub(/^0+/, "", hex)
    if (hex == "") hex = "0"
    print "0x" hex
  }
  /^[ \t]*Xen[ \t]/ && /\(0x00000012\)/ {
    if ($0 ~ /description data:/) emit($0); else want = 1
    next
  }
  want && /description data:/ { emit($0); want = 0; next }
  { want = 0 }'
