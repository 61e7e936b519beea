#!/usr/bin/env bash
# pvhcheck's messages for bzImages and for files that are neither ELF nor
# bzImage, one case each: inspect (text and --json), extract, boot and
# boot --linux (a refused bzImage is refused before KVM is asked for, so
# these run on any host).
#   test_cli_bzimage.sh PVHCHECK SOURCE_DIR WORKDIR
set -u
P=$1 SRC=$2 W=$3
MK="python3 $SRC/bzimage/mkbzimage.py --fast"
PVH_ELF=$SRC/corpus/fuzz_load/efbf8833a5d2c019bf469807ca82a9141794d177   # elf64-ok-desc8
NOTE_LESS=$SRC/corpus/fuzz_load/eaa8664d75e3f61de5a49374d624f3edb0159bf9 # elf64-bad-no-pvh-note
rm -rf "$W" && mkdir -p "$W" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# run NAME ARGS...: status in $rc, stdout in $W/NAME.out, stderr in $W/NAME.err
run() {
  local n=$1
  shift
  "$P" "$@" >"$W/$n.out" 2>"$W/$n.err"
  rc=$?
}
has() { grep -qF -- "$2" "$W/$1" || fail "$1 lacks '$2': $(head -c 400 "$W/$1")"; }
status() { [ "$rc" = "$1" ] || fail "$2: exit $rc, want $1 ($(head -c 300 "$W/$2.err"))"; }

$MK lz4 "$PVH_ELF" "$W/ok.bz" || exit 1
$MK gzip "$NOTE_LESS" "$W/nonote.bz" || exit 1
$MK --declared 1159 zstd "$PVH_ELF" "$W/short.bz" || exit 1
$MK --truncate 9 xz "$PVH_ELF" "$W/trunc.bz" || exit 1

# A bzImage: said so, and the same entry as its vmlinux.
run elf inspect "$PVH_ELF"
status 0 elf
run ok inspect "$W/ok.bz"
status 0 ok
has ok.out "bzImage (protocol 2.15), payload lz4 "
has ok.out "-> vmlinux 1160 bytes, unpacked in"
entry=$(grep '^PVH entry' "$W/elf.out")
[ -n "$entry" ] && grep -qF "$entry" "$W/ok.out" || fail "bzImage entry differs from the vmlinux's ($entry)"
run okj inspect --json "$W/ok.bz"
status 0 okj
has okj.out '"bzimage":{"protocol":"2.15","setup_sects":3,'
has okj.out '"method":"lz4","vmlinux_size":1160,'
run elfj inspect --json "$PVH_ELF"
has elfj.out '"bzimage":null'

# extract writes exactly the vmlinux.
run ex extract "$W/ok.bz" --output "$W/vmlinux"
status 0 ex
cmp -s "$W/vmlinux" "$PVH_ELF" || fail "extract: bytes differ from the vmlinux"
has ex.out "bzImage (protocol 2.15), payload lz4"
run exelf extract "$PVH_ELF" --output "$W/x"
status 1 exelf
has exelf.err "error: bzimage-no-hdrs: "
has exelf.err "an ELF file"
run exnone extract "$W/ok.bz"
status 2 exnone
has exnone.err "missing --output"

# No PVH note inside: say so, with the kernel option.
run nonote inspect "$W/nonote.bz"
status 1 nonote
has nonote.err "error: no-pvh-note: "
has nonote.err "the vmlinux inside this bzImage has no PVH entry note"
has nonote.err "CONFIG_PVH=y"

# Size and stream faults, by their names and both numbers.
run short inspect "$W/short.bz"
status 1 short
has short.err "error: payload-larger-than-declared: "
has short.err "decompresses to 1160 bytes, the trailer declares 1159"
run shortj inspect --json "$W/short.bz"
status 1 shortj
has shortj.out '"code":"payload-larger-than-declared"'
run trunc extract "$W/trunc.bz" --output "$W/y"
status 1 trunc
has trunc.err "error: payload-truncated: "
[ ! -e "$W/y" ] || fail "extract left an output for a refused bzImage"

# boot and boot --linux refuse a bad bzImage before asking for KVM (a build
# without the KVM backend has no boot command: those cases do not apply).
if "$P" boot --help >/dev/null 2>&1; then
  run boot boot "$W/short.bz"
  status 1 boot
  has boot.err "pvhcheck boot: error: payload-larger-than-declared: "
  run bootj boot --json "$W/trunc.bz"
  status 1 bootj
  has bootj.out '"status":"rejected","error":{"code":"payload-truncated"'
  run bootl boot --linux "$W/trunc.bz"
  status 1 bootl
  has bootl.err "pvhcheck boot: error: payload-truncated: "
fi

# Neither ELF nor bzImage: what it looks like.
gzip -c "$PVH_ELF" >"$W/vmlinux.gz"
printf 'not a kernel, only a note about one\n' >"$W/notes.txt"
python3 -c "
import sys
pe = bytearray(0x200); pe[0:2] = b'MZ'; pe[0x3c] = 0x80; pe[0x80:0x84] = b'PE\0\0'
open(sys.argv[1], 'wb').write(pe)
mb = bytearray(0x100); mb[0x20:0x24] = (0x1badb002).to_bytes(4, 'little')
open(sys.argv[2], 'wb').write(mb)" "$W/efi.img" "$W/xen.img"
for c in "vmlinux.gz|a gzip file" "notes.txt|it looks like text" "efi.img|a PE/EFI image" "xen.img|a Xen hypervisor"; do
  f=${c%%|*} want=${c#*|}
  run "$f" inspect "$W/$f"
  status 1 "$f"
  has "$f.err" "error: elf-bad-magic: "
  has "$f.err" "not an ELF kernel or a bzImage: it looks like"
  has "$f.err" "$want"
done
if "$P" boot --help >/dev/null 2>&1; then
  run bootgz boot "$W/vmlinux.gz"
  status 1 bootgz
  has bootgz.err "it looks like a gzip file"
fi

[ $fails -eq 0 ] && echo "ok: all bzImage CLI cases" || { echo "$fails failure(s)"; exit 1; }
