#!/bin/sh
# SPDX-License-Identifier: MIT
# pvhcheck conform on a real KVM (the host's, or the lab's). Modes:
#   selftest   the self-test guest passes a bounded number of seeds in the
#              VMM realm and in the ABI realm, and a replayed seed gives the
#              same run in JSON;
#   planted    the planted fragile guest (a 128-entry memmap buffer, a
#              sorted-map assumption) fails, and the shrinker names the
#              cause: "memmap has more than 128 entries", "memmap-order".
# Skips (77) when this host has no usable KVM (conform exits 3).
set -u
bin=$1 mode=$2 guest=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
run() { # expected-rc out-file args...
  want=$1 out=$2
  shift 2
  "$bin" conform "$@" > "$out" 2> "$tmp/err"
  rc=$?
  cat "$out" "$tmp/err"
  if [ $rc -eq 3 ]; then echo "SKIP: no usable KVM here: $(cat "$tmp/err")"; exit 77; fi
  [ $rc -eq "$want" ] || fail "pvhcheck conform $* exited $rc, want $want"
}

case "$mode" in
  selftest)
    run 0 "$tmp/vmm" --self-test --runs 6
    grep -q "^conform: 6 passed, 0 failed, 0 errors" "$tmp/vmm" || fail "not every VMM-realm run passed"
    [ "$(grep -c '8 of 8 check groups done' "$tmp/vmm")" -eq 6 ] || fail "a run did not finish every check group"
    run 0 "$tmp/abi" --self-test --abi --runs 6 --seed 1000
    grep -q "^conform: 6 passed" "$tmp/abi" || fail "not every ABI-realm run passed"
    run 0 "$tmp/one.json" --self-test --abi --seed 1003 --json
    # No python3 in the lab: plain greps on the one-line JSON.
    j=$tmp/one.json
    for want in '"command":"conform"' '"ok":true' '"status":"passed"' '"verdict":"pass"' '"entry_proved":true' \
                '"failed":0' '"first_seed":1003'; do
      grep -q "$want" "$j" || fail "JSON lacks $want"
    done
    [ "$(grep -o '"seed":' "$j" | wc -l)" -eq 1 ] || fail "JSON: not exactly one run"
    [ "$(grep -o '"[a-z-]*":"[^"]*"' "$j" | grep -c -E '^"(gpr|esp|eflags|selectors|gdtr|idtr|ram-junk|start-info-at|modlist-at|memmap-at|cmdline-at|initramfs-at|memmap-entries|memmap-order|memmap-holes|memmap-islands|rsdp)":')" -eq 17 ] ||
      fail "JSON: not every variation listed"
    # The same seed in the 6-run text report varied the same ESP.
    esp=$(sed -n 's/.*"esp":"esp \(0x[0-9a-f]*\)".*/\1/p' "$j")
    [ -n "$esp" ] && grep -q "esp  *esp $esp\$" "$tmp/abi" || fail "seed 1003 replayed with another ESP ($esp)"
    ;;
  planted)
    run 1 "$tmp/many" "$guest" --abi --vary memmap-entries --seed 1
    grep -q "fails when: memmap-entries: memmap split into 129 entries -- memmap has more than 128 entries (129 fails, 128 passes)" \
      "$tmp/many" || fail "the shrinker did not find the 128-entry limit"
    run 1 "$tmp/order" "$guest" --vary gpr,esp,eflags,memmap-order --seed 10
    grep -q "fails when: memmap-order: memmap order: reversed (" "$tmp/order" || fail "the shrinker did not single out memmap-order"
    grep -q "check failed in memmap: memmap: sorted" "$tmp/order" || fail "the first failed check is not the planted one"
    ;;
  *) fail "unknown mode $mode" ;;
esac
echo "PASS ($mode)"
