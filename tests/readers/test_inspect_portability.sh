#!/usr/bin/env bash
# pvhcheck inspect's portability table on two reader cases:
#  - the issue's shape (8-aligned PT_NOTE, 4-padded notes, build-id first):
#    QEMU finds no PVH note while Xen 4.17 and linux-loader find the entry, so
#    the text names each, --json carries a "portability" array, and
#    --portable makes the disagreement exit 1;
#  - the same notes with p_align 4: every reader agrees, --portable exits 0.
#   test_inspect_portability.sh PVHCHECK READERS_GEN
set -u
pvhcheck=${1:?usage: PVHCHECK READERS_GEN}
gen=${2:?usage: PVHCHECK READERS_GEN}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$gen" "$tmp" >/dev/null || { echo "FAIL: readers_gen failed"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }

k8="$tmp/buildid-first-align8.elf"
out=$("$pvhcheck" inspect "$k8" 2>&1)
echo "$out"
want="QEMU: no PVH note found; Xen 4.17: entry 0x101010; Xen proposal: no PVH note found; linux-loader: entry 0x101010"
printf '%s' "$out" | grep -qF "$want" || fail "the portability line is not: $want"
printf '%s' "$out" | grep -q "readers DISAGREE" || fail "the disagreement is not named"

"$pvhcheck" inspect --portable "$k8" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "--portable on disagreeing readers exits $rc, not 1"
grep -q "error: not-portable: the VMM readers disagree: QEMU: no PVH note found" "$tmp/err" ||
  fail "--portable does not say which readers disagree: $(cat "$tmp/err")"

json=$("$pvhcheck" inspect --json "$k8" 2>/dev/null)
if command -v jq >/dev/null 2>&1; then
  [ "$(printf '%s' "$json" | jq -r '.portability[] | select(.reader == "QEMU") | .verdict')" = no-entry ] ||
    fail "JSON: QEMU's verdict is not no-entry"
  [ "$(printf '%s' "$json" | jq -r '.portability[] | select(.reader == "Xen 4.17") | .entry')" = 0x101010 ] ||
    fail "JSON: Xen 4.17's entry is not 0x101010"
  [ "$(printf '%s' "$json" | jq -r '.portable')" = false ] || fail "JSON: portable is not false"
else
  printf '%s' "$json" | grep -q '"portability"' || fail "JSON has no portability array"
fi

k4="$tmp/buildid-first-align4.elf"
"$pvhcheck" inspect --portable "$k4" >"$tmp/out4" 2>&1 || fail "--portable on agreeing readers failed: $(cat "$tmp/out4")"
grep -q "all agree" "$tmp/out4" || fail "the p_align 4 case does not say all agree"
echo "PASS: inspect names each reader's verdict and --portable fails on the disagreement"
