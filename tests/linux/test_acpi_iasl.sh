#!/bin/sh
# The ACPI tables pvhlinux builds, read by an independent parser: ACPICA's
# iasl disassembles each (it verifies lengths and checksums and warns on
# malformed fields), and the disassembled DSDT must compile back.
#   test_acpi_iasl.sh TEST_ACPI WORKDIR       (exit 77 when iasl is not installed)
set -u
TEST_ACPI=$1 WORK=$2
command -v iasl >/dev/null || { echo "SKIP: iasl not installed (apt-get install acpica-tools)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
"$TEST_ACPI" --dump . || fail "dump failed"
for t in xsdt facp apic dsdt; do
  iasl -d "$t.dat" >"$t.log" 2>&1 || { cat "$t.log"; fail "iasl -d $t.dat failed"; }
  [ -s "$t.dsl" ] || fail "iasl wrote no $t.dsl"
  if grep -qiE "error|warning|invalid|incorrect" "$t.log" "$t.dsl"; then
    grep -iE "error|warning|invalid|incorrect" "$t.log" "$t.dsl"
    fail "iasl complained about $t"
  fi
done
want() { grep -qE "$2" "$1.dsl" || fail "$1: no line matching '$2'"; }
want facp 'Hardware Reduced \(V5\) : 1'
want facp 'CMOS RTC Not Present \(V5\) : 1'
want facp 'Address : 0000000000000600'
want facp 'Address : 0000000000000601'
want apic 'Subtable Type : 01 \[I/O APIC\]'
want apic 'Address : FEC00000'
want apic 'Subtable Type : 04 \[Local APIC NMI\]'
want dsdt 'Name \(_S5, Package \(0x04\)'
want dsdt 'EisaId \("PNP0501"\)'
want dsdt 'IRQNoFlags \(\)'
want xsdt 'ACPI Table Address   0 : 00000000000E'
iasl -p recompiled dsdt.dsl >recompile.log 2>&1 || { cat recompile.log; fail "the DSDT does not recompile"; }
echo "PASS: iasl reads XSDT, FADT, MADT, DSDT without complaint; the DSDT recompiles"
