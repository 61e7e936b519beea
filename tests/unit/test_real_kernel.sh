#!/bin/sh
# Real Debian kernel: pvhcheck inspect (pvh_load against a recording bus) must
# load it and report the same PVH entry as `readelf -n`. Skips (77) with the
# reason when no kernel was fetched (tools/fetch-debian-kernel.sh).
# usage: test_real_kernel.sh PVHCHECK
set -u
PVHCHECK=$1
HERE=$(cd "$(dirname "$0")" && pwd)
V=${PVH_VMLINUX:-${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux}

if [ ! -f "$V" ]; then
  echo "SKIPPED: no kernel at $V (run tools/fetch-debian-kernel.sh or set PVH_VMLINUX)"
  exit 77
fi
if ! command -v readelf >/dev/null 2>&1; then
  echo "SKIPPED: readelf (binutils) is not installed"
  exit 77
fi

fail() { echo "FAIL: $*"; exit 1; }

want=$(sh "$HERE/readelf_pvh_entry.sh" "$V" | sort -u)
[ -n "$want" ] || fail "readelf -n finds no Xen PHYS32_ENTRY note in $V"
[ "$(echo "$want" | wc -l)" -eq 1 ] || fail "readelf reports several different entries: $want"

json=$("$PVHCHECK" inspect --json "$V")
rc=$?
[ $rc -eq 0 ] || fail "pvhcheck inspect exited $rc on $V: $json"
echo "$json" | grep -q '"ok":true' || fail "not ok: $json"
got=$(echo "$json" | sed -n 's/.*"entry":"\(0x[0-9a-f]*\)".*/\1/p')
rip=$(echo "$json" | sed -n 's/.*"rip":"\(0x[0-9a-f]*\)".*/\1/p')
[ -n "$got" ] || fail "no entry in pvhcheck output: $json"
[ $((got)) -eq $((want)) ] || fail "pvhcheck entry $got != readelf $want"
[ $((rip)) -eq $((want)) ] || fail "entry state RIP $rip != readelf $want"
echo "$json" | grep -q '"elf_class":64' || fail "expected an ELF64 vmlinux"

# The same kernel with a command line and an initramfs still loads; the
# initramfs lands above the kernel.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 3000000 /dev/zero | tr '\0' 'x' >"$tmp/initrd"
json=$("$PVHCHECK" inspect --json --mem 1G --cmdline "console=ttyS0 earlyprintk=serial" --initramfs "$tmp/initrd" "$V") ||
  fail "load with cmdline + initramfs failed: $json"
kend=$(echo "$json" | sed -n 's/.*"kernel_end":"\(0x[0-9a-f]*\)".*/\1/p')
ipa=$(echo "$json" | sed -n 's/.*"initramfs":{"paddr":"\(0x[0-9a-f]*\)".*/\1/p')
[ -n "$ipa" ] && [ $((ipa)) -ge $((kend)) ] || fail "initramfs at '$ipa' not above kernel end $kend"
[ $((ipa % 4096)) -eq 0 ] || fail "initramfs at $ipa not page aligned"

echo "OK: $V entry $want (pvhcheck $got), initramfs at $ipa above kernel end $kend"
