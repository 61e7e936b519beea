#!/usr/bin/env bash
# Checks the "QEMU" reader model against QEMU itself: every reader case
# (readers_gen) is booted with the installed qemu-system-x86_64 -M microvm
# -kernel, and QEMU must start at the entry the model predicts (the marker
# stub there exits through isa-debug-exit with (k << 1) | 1), or refuse with
# "without PVH ELF Note" when the model finds no entry. A case the model calls
# undefined is booted and reported, not judged. Prints the per-case table;
# exits 1 on any disagreement, 77 when QEMU is not installed.
#   test_qemu_readers.sh READERS_GEN
set -u
SKIP=77
gen=${1:?usage: test_qemu_readers.sh READERS_GEN}
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null 2>&1 || { echo "SKIPPED: $qemu not installed"; exit $SKIP; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$gen" "$tmp" >"$tmp/cases.tsv" || { echo "FAIL: readers_gen failed"; exit 1; }

# Column of the QEMU model in the header line.
col=$(head -1 "$tmp/cases.tsv" | tr '\t' '\n' | grep -n -x QEMU | cut -d: -f1)
[ -n "$col" ] || { echo "FAIL: no QEMU column in readers_gen output"; exit 1; }

marker_base=$((0x101000))
bad=0
printf '%-28s %-18s %-22s %s\n' case "model QEMU" "real QEMU" "QEMU says"
while IFS=$'\t' read -r name file rest; do
  [ "$name" = case ] && continue
  model=$(printf '%s\t%s\t%s\n' "$name" "$file" "$rest" | cut -f"$col")
  out=$(timeout 30 "$qemu" -M microvm -accel tcg -m 64M -nographic -nodefaults -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$file" 2>&1 </dev/null)
  rc=$?
  said=$(printf '%s' "$out" | tr -c '[:print:]\n' '?' | grep -v '^$' | tail -1 | cut -c1-70)
  if [ $rc -eq $(((0x7f << 1) | 1)) ]; then
    real="sled(below 0x101000)"
  elif [ $rc -eq 124 ]; then
    real="hung"
  elif [ $rc -ge 128 ]; then
    real="crashed(signal $((rc - 128)))"
  elif printf '%s' "$out" | grep -q 'without PVH ELF Note'; then
    real="no-entry"
  elif [ $((rc & 1)) -eq 1 ] && [ $(((rc - 1) / 2)) -ge 1 ] && [ $(((rc - 1) / 2)) -le 15 ]; then
    real=$(printf 'entry:0x%x' $((marker_base + 0x10 * ((rc - 1) / 2))))
  else
    real="exit $rc"
  fi
  case $model in
    entry:*)
      # Only an entry on a marker stub can be seen; any other is reported.
      e=$((${model#entry:}))
      if [ $e -ge $((marker_base + 0x10)) ] && [ $e -le $((marker_base + 0xf0)) ] && [ $((e % 16)) -eq 0 ]; then
        [ "$real" = "$model" ] && ok=1 || ok=0
      else
        ok=1
      fi ;;
    no-entry | refuses) case $real in entry:* | sled*) ok=0 ;; *) ok=1 ;; esac ;;
    *) ok=1 ;; # undefined / unknown: reported, not judged
  esac
  mark=""
  [ $ok -eq 1 ] || { mark="   <-- DISAGREE"; bad=1; }
  printf '%-28s %-18s %-22s %s%s\n' "$name" "$model" "$real" "$said" "$mark"
done <"$tmp/cases.tsv"
[ $bad -eq 0 ] && echo "PASS: QEMU agrees with its model on every case" || echo "FAIL: QEMU disagrees with its model"
exit $bad
