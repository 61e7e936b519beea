#!/bin/sh
# `pvhcheck boot --linux --json` on the Debian cloud kernel under KVM: the
# kernel's own echo of our command line, e820 map, RAMDISK and RSDP must equal
# what the loader placed. It asks only what this host can do, and says so:
#   - kvm-pvm (/sys/module/kvm_pvm): its instruction emulator cannot run
#     xrstor (nor lock cmpxchg16b, hidden here with --cpuid-mask cx16, nor the
#     kernel's int3 self-test), so no VMM reaches init there. Checked: every
#     stage through `console`, with cmdline/e820/ramdisk/acpi verified; the
#     reason the run stops there is printed.
#   - any other KVM: every stage through `poweroff` (ACPI S5 via our FADT).
# Without a usable KVM pvhcheck exits 77 (--env-exit-code 77) with the reason.
#   kvm_linux_boot.sh PVHCHECK
set -u
PVHCHECK=$1
. "$(dirname "$0")/lib.sh"
need kernel busybox jq
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ -d /sys/module/kvm_pvm ]; then
  PVM=1 UNTIL=console STAGES="entry banner cmdline e820 ramdisk acpi console"
  set -- --cpuid-mask cx16
  echo "kvm-pvm host: checking through 'console' only (its emulator cannot run xrstor, so init is out of reach)"
else
  PVM=0 UNTIL=poweroff STAGES="entry banner cmdline e820 ramdisk acpi console init marker poweroff end"
  set --
fi
start=$(date +%s)
"$PVHCHECK" boot --linux "$VMLINUX" --busybox "$BUSYBOX" --cmdline "console=ttyS0 panic=-1 pvhcheck.test=kvm" --until "$UNTIL" "$@" \
  --timeout 280 --json --env-exit-code 77 >"$out"
rc=$?
echo "pvhcheck exit $rc after $(( $(date +%s) - start )) s"
if [ $rc -eq 77 ]; then
  jq -e '.status == "environment"' "$out" >/dev/null || fail "exit 77 without an environment error object"
  skip "pvhcheck boot --linux could not use KVM here: $(jq -r .error.message "$out")"
fi
show_stages "$out"
expect_reached "$out" $STAGES
expect_verified "$out"
if [ $PVM -eq 1 ]; then
  echo "PASS (kvm-pvm): stages through console reached, cmdline/e820/ramdisk/acpi verified;" \
       "the run stops there: $(stage_detail "$out" end)"
  exit 0
fi
[ $rc -eq 0 ] && jq -e '.ok == true' "$out" >/dev/null || { cat "$out"; fail "exit $rc, verdict not ok"; }
echo "PASS: the Debian kernel reached /init and powered off under pvhkvm, every echoed value verified"
