#!/bin/sh
# SPDX-License-Identifier: MIT
# The output contract where a VM really runs: the --json objects of boot
# (the self-test guest, a plain kernel, a Linux vmlinux with --linux) and of
# conform (passing and failing runs, a shrunk failure), produced in one KVM
# lab session (tools/kvm-lab.sh --file, a real kvm_amd) and validated here,
# on the host, against docs/schema/pvhcheck.schema.json with Debian's
# python3-jsonschema (the lab has no python3). The host-side half, every
# output that needs no VM, is unit.json_contract (tests/unit/).
# tools/test.sh runs this as its own stage after the KVM lab.
# usage: test_json_lab.sh BUILD_DIR [VMLINUX]
#   VMLINUX defaults to the Debian kernel tools/fetch-debian-kernel.sh keeps.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:?usage: test_json_lab.sh BUILD_DIR [VMLINUX]}
vmlinux=${2:-${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux}
guests=$build/kvm/guest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

[ -r "$vmlinux" ] || fail "no kernel at $vmlinux (tools/fetch-debian-kernel.sh fetches it)"
for g in pvhtest-elf32-split.elf pvhtest-elf64-fragile.elf; do
  [ -r "$guests/$g" ] || fail "no $guests/$g: build $build first"
done
py=
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "python3-jsonschema not installed (tools/setup.sh installs it)"

# Each case runs in the lab as: NAME EXPECTED_EXIT pvhcheck ARGS... Its
# stdout comes back as one line "@@JSON NAME rc=RC {...}".
cat >"$tmp/cases" <<'EOF'
boot-selftest 0 boot --json
boot-kernel 0 boot --json /lab/files/pvhtest-elf32-split.elf
boot-expect-fails 1 boot --json --expect no-such-line --timeout 2
boot-linux-plain 1 boot --json --timeout 3 /lab/files/vmlinux
boot-linux 0 boot --linux --json --until init /lab/files/vmlinux
conform-pass 0 conform --json --self-test --runs 2
conform-fail 1 conform --json --abi --vary memmap-entries --seed 1 /lab/files/pvhtest-elf64-fragile.elf
conform-linux 0 conform --json --linux --seed 1 /lab/files/vmlinux
EOF
{
  echo 'while read -r name want args; do'
  echo '  t0=$(cut -d" " -f1 /proc/uptime)'
  echo '  pvhcheck $args >/tmp/json.out 2>/tmp/json.err'
  echo '  rc=$?'
  echo '  echo "@@TIME $name $t0 $(cut -d" " -f1 /proc/uptime)"'
  echo '  echo "@@JSON $name want=$want rc=$rc $(tr -d "\n" </tmp/json.out)"'
  echo '  [ "$rc" = "$want" ] || sed "s/^/@@ERR $name /" /tmp/json.err'
  echo 'done </lab/files/cases'
} >"$tmp/run.sh"

bash "$src/tools/kvm-lab.sh" --build-dir "$build" --timeout 900 --file "$vmlinux" \
  --file "$guests/pvhtest-elf32-split.elf" --file "$guests/pvhtest-elf64-fragile.elf" \
  --file "$tmp/cases" --file "$tmp/run.sh" -- sh /lab/files/run.sh >"$tmp/lab.log" 2>&1
lab_rc=$?
tr -d '\r' <"$tmp/lab.log" >"$tmp/lab.txt"
[ "$lab_rc" -eq 0 ] || fail "the lab run exited $lab_rc: $(tail -30 "$tmp/lab.txt")"

mkdir "$tmp/json"
bad=0
while read -r name want _; do
  line=$(grep "^@@JSON $name want=" "$tmp/lab.txt")
  [ -n "$line" ] || { echo "FAIL: $name: no output from the lab"; bad=1; continue; }
  rc=$(printf '%s\n' "$line" | sed -n 's/^@@JSON [^ ]* want=[0-9]* rc=\([0-9]*\) .*/\1/p')
  if [ "$rc" != "$want" ]; then
    echo "FAIL: $name: exit $rc, expected $want; stderr:"
    grep "^@@ERR $name " "$tmp/lab.txt" | head -20
    bad=1
  fi
  printf '%s\n' "$line" | sed 's/^@@JSON [^ ]* want=[0-9]* rc=[0-9]* //' >"$tmp/json/$name.json"
done <"$tmp/cases"
[ $bad -eq 0 ] || fail "a lab case did not end as expected"
# Lab (guest) seconds per case: TCG times, for the reader, never judged.
sed -n 's/^@@TIME \([^ ]*\) \([0-9.]*\) \([0-9.]*\)$/\1 \2 \3/p' "$tmp/lab.txt" |
  awk '{printf "lab time %-18s %6.1f s\n", $1, $3 - $2}'
[ -z "${PVH_JSON_DUMP:-}" ] || cp "$tmp"/json/*.json "$PVH_JSON_DUMP"/

# What each object must say beyond the schema: the members a reader of that
# case relies on.
has() { grep -q "$2" "$tmp/json/$1.json" || fail "$1: JSON lacks $2: $(head -c 600 "$tmp/json/$1.json")"; }
has boot-selftest '"status":"ran","error":null,"host":{"kind":"kvm"'
has boot-selftest '"entry_proof":{"proved":true'
has boot-kernel '"kernel":"/lab/files/pvhtest-elf32-split.elf"'
has boot-expect-fails '"expect_seen":false'
has boot-linux-plain '"hint":"this looks like a Linux kernel'
has boot-linux '"mode":"linux"'
has boot-linux '"linux":{"stages":\['
has conform-pass '"passed":2,"failed":0'
has conform-fail '"shrunk":{"variations":\["memmap-entries"\]'
has conform-linux '"stages":{"entry":"reached"'
"$py" "$src/tests/unit/validate_json.py" "$src/docs/schema/pvhcheck.schema.json" "$tmp"/json/*.json ||
  fail "lab outputs above do not follow the schema"
echo "PASS: $(wc -l <"$tmp/cases") pvhcheck runs in the KVM lab, every JSON output valid against the schema"
