#!/bin/sh
# `pvhcheck boot --linux` end to end on the Debian cloud kernel: stages through
# the init marker with --json, every echoed value (command line, e820, RAMDISK,
# RSDP) checked against what the loader placed. Where KVM is unusable the
# command must say so with exit 3 and a JSON error object; the test then
# reports skipped (77) with that reason.
#   cli_linux_boot.sh PVHCHECK
set -u
PVHCHECK=$1
VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
[ -s "$VMLINUX" ] || { echo "SKIP: no Debian kernel at $VMLINUX (run tools/fetch-debian-kernel.sh)"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$PVHCHECK" boot --linux "$VMLINUX" --until marker --timeout 240 --json >"$out"
rc=$?
case $rc in
  0)
    grep -q '"ok":true' "$out" || { echo "FAIL: exit 0 but JSON does not say ok"; cat "$out"; exit 1; }
    echo "PASS: init marker reached; stages:"; cat "$out"; exit 0 ;;
  3)
    grep -q '"status":"environment"' "$out" || { echo "FAIL: exit 3 without an environment error object"; cat "$out"; exit 1; }
    echo "SKIP: pvhcheck boot --linux could not use KVM here:"; cat "$out"; exit 77 ;;
  *)
    echo "FAIL: pvhcheck boot --linux exit $rc"; cat "$out"; exit 1 ;;
esac
