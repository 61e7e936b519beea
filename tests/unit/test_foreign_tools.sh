#!/bin/sh
# Tiny PVH kernels built at test time by other tools — GNU as + ld (ELF64 and
# ELF32) and, when installed, clang + ld.lld — each with a Xen PHYS32_ENTRY
# note. pvhcheck inspect must load every one and report the entry that
# `readelf -n` and `nm` report. A toolchain that is missing is reported; the
# test skips (77) only if no toolchain at all is available.
# usage: test_foreign_tools.sh PVHCHECK
set -u
PVHCHECK=$1
HERE=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
built=0

have() { command -v "$1" >/dev/null 2>&1; }

# write_asm FILE DESC(4|8) SECTION_FLAGS [32]
# An 8-byte desc is a .quad (64-bit relocation) for ELF64 and the address plus
# a zero high word for ELF32, which has no 64-bit absolute relocation. A .text with 0x40 bytes before the entry symbol (so the entry is not the
# segment start), a GNU-style note before the Xen one, and the PVH note.
write_asm() {
  if [ "$2" = 8 ] && [ "${4:-64}" = 32 ]; then desc=".long pvh_start, 0"
  elif [ "$2" = 8 ]; then desc=".quad pvh_start"
  else desc=".long pvh_start"; fi
  cat >"$1" <<ASM
	.section .note.pvhtest, "$3", @note
	.balign 4
	.long 4, 4, 0x100
	.asciz "GNU"
	.long 0x12345678
	.long 4, $2, 18
	.asciz "Xen"
	.balign 4
	$desc
	.balign 4

	.text
	.globl pvh_start
	.skip 0x40, 0x90
pvh_start:
	hlt
	jmp pvh_start
ASM
}

# check NAME FILE WANT_CLASS WANT_SOURCE
check() {
  name=$1 file=$2
  built=$((built + 1))
  want=$(sh "$HERE/readelf_pvh_entry.sh" "$file" | sort -u)
  sym=$(nm "$file" 2>/dev/null | awk '$3 == "pvh_start" { print "0x" $1 }')
  json=$("$PVHCHECK" inspect --json "$file" 2>&1)
  rc=$?
  got=$(echo "$json" | sed -n 's/.*"entry":"\(0x[0-9a-f]*\)".*/\1/p')
  cls=$(echo "$json" | sed -n 's/.*"elf_class":\([0-9]*\).*/\1/p')
  src=$(echo "$json" | sed -n 's/.*"note_source":"\([A-Z_]*\)".*/\1/p')
  if [ $rc -ne 0 ] || [ -z "$want" ] || [ -z "$got" ] || [ -z "$sym" ] ||
     [ $((got)) -ne $((want)) ] || [ $((got)) -ne $((sym)) ] || [ "$cls" != "$3" ] || [ "$src" != "$4" ]; then
    echo "FAIL $name: exit $rc, readelf '$want', nm '$sym', pvhcheck '$got' ELF$cls $src (want ELF$3 $4)"
    echo "  $json"
    failures=$((failures + 1))
  else
    echo "ok   $name: entry $got (readelf $want, nm $sym), ELF$cls, $src"
  fi
}

# build_gnu NAME ASFLAG LDEMU DESC FLAGS [LDFLAGS...]
build_gnu() {
  name=$1 asflag=$2 emu=$3 desc=$4 flags=$5
  shift 5
  bits=64
  [ "$asflag" = --32 ] && bits=32
  write_asm "$tmp/$name.s" "$desc" "$flags" $bits
  if as "$asflag" -o "$tmp/$name.o" "$tmp/$name.s" && ld -m "$emu" -e pvh_start -z noexecstack "$@" -o "$tmp/$name" "$tmp/$name.o"; then
    return 0
  fi
  echo "FAIL $name: GNU as/ld could not build it"
  failures=$((failures + 1))
  return 1
}

if have as && have ld && have readelf && have nm; then
  build_gnu gnu-elf64-desc8 --64 elf_x86_64 8 a && check gnu-elf64-desc8 "$tmp/gnu-elf64-desc8" 64 PT_NOTE
  build_gnu gnu-elf64-desc4 --64 elf_x86_64 4 a && check gnu-elf64-desc4 "$tmp/gnu-elf64-desc4" 64 PT_NOTE
  build_gnu gnu-elf32-desc4 --32 elf_i386 4 a && check gnu-elf32-desc4 "$tmp/gnu-elf32-desc4" 32 PT_NOTE
  build_gnu gnu-elf32-desc8 --32 elf_i386 8 a && check gnu-elf32-desc8 "$tmp/gnu-elf32-desc8" 32 PT_NOTE
  # A linker-generated build-id note in front, and a kernel linked at 16 MiB.
  build_gnu gnu-elf64-buildid --64 elf_x86_64 8 a --build-id=sha1 -Ttext-segment=0x1000000 &&
    check gnu-elf64-buildid "$tmp/gnu-elf64-buildid" 64 PT_NOTE
  # A non-allocated note section is in no PT_NOTE: only the SHT_NOTE fallback finds it.
  build_gnu gnu-elf64-shtonly --64 elf_x86_64 8 "" && check gnu-elf64-shtonly "$tmp/gnu-elf64-shtonly" 64 SHT_NOTE
  build_gnu gnu-elf32-shtonly --32 elf_i386 4 "" && check gnu-elf32-shtonly "$tmp/gnu-elf32-shtonly" 32 SHT_NOTE
else
  echo "GNU binutils (as, ld, readelf, nm) not installed: GNU-built kernels not checked"
fi

if have clang && have ld.lld && have readelf && have nm; then
  for v in "x86_64-linux-gnu elf_x86_64 64 8" "i386-linux-gnu elf_i386 32 4"; do
    set -- $v
    name=llvm-elf$3
    write_asm "$tmp/$name.s" "$4" a "$3"
    if clang --target="$1" -c -o "$tmp/$name.o" "$tmp/$name.s" &&
       ld.lld -m "$2" -e pvh_start -o "$tmp/$name" "$tmp/$name.o"; then
      check "$name" "$tmp/$name" "$3" PT_NOTE
    else
      echo "FAIL $name: clang/ld.lld could not build it"
      failures=$((failures + 1))
    fi
  done
else
  echo "clang + ld.lld not installed: LLVM-built kernels not checked"
fi

if [ $built -eq 0 ] && [ $failures -eq 0 ]; then
  echo "SKIPPED: no assembler/linker toolchain available"
  exit 77
fi
echo "$built kernels checked, $failures failures"
[ $failures -eq 0 ]
