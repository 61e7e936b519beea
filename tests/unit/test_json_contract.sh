#!/bin/sh
# SPDX-License-Identifier: MIT
# The output contract (cli/report.h, docs/schema/pvhcheck.schema.json): every
# --json output of every command, failures included, is one object valid
# against the schema (checked with python3-jsonschema, a real validator),
# and every error line on stderr reads "pvhcheck CMD: error: CODE: MESSAGE"
# with MESSAGE naming the option or file. With TEST_CLI_FAKE, the boots that
# ran against the fake KVM (tests/kvm/test_cli_fake.c) are validated too.
# With TEST_GUARD, the timeout and SIGTERM objects of cli/guard.c too.
# usage: test_json_contract.sh PVHCHECK SCHEMA VALIDATOR KERNEL [TEST_CLI_FAKE [TEST_GUARD]]
set -u
bin=$1 schema=$2 validator=$3 kernel=$4 fake=${5:-} guard=${6:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# Debian's validator is the one tools/setup.sh installs; a python3 first on
# PATH (pyenv, venv) may not see it.
py=
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "python3-jsonschema not installed (tools/setup.sh installs it)"

n=0
# run NAME EXPECTED_EXIT ARGS...: stdout to NAME.json, stderr to NAME.err
run() {
  name=$1 want=$2
  shift 2
  "$bin" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: pvhcheck $*: exit $rc, expected $want; stderr: $(cat "$tmp/$name.err")"
  n=$((n + 1))
}
# err_line NAME CMD CODE FIELD_TEXT: the stderr line has the one shape.
err_line() {
  grep -q "^pvhcheck $2: error: $3: .*$4" "$tmp/$1.err" ||
    fail "$1: stderr is not 'pvhcheck $2: error: $3: ...$4...': $(cat "$tmp/$1.err")"
}

run inspect-ok 0 inspect --json --initramfs "$kernel" --cmdline "console=ttyS0" "$kernel"
run inspect-io 3 inspect --json --initramfs /nonexistent "$kernel"
err_line inspect-io inspect io-error "--initramfs: cannot open /nonexistent: No such file"
grep -q '"field":"--initramfs"' "$tmp/inspect-io.json" || fail "inspect-io: field is not --initramfs"
run inspect-nokernel 3 inspect --json /nonexistent-kernel
err_line inspect-nokernel inspect io-error "KERNEL: cannot open /nonexistent-kernel"
run inspect-rejected 1 inspect --json /etc/hostname
err_line inspect-rejected inspect "elf-[a-z-]*" ""
run inspect-usage 2 inspect --json --jsno "$kernel"
err_line inspect-usage inspect usage "unknown option '--jsno'; did you mean '--json'?"
run boot-usage 2 boot --json --proof foo
err_line boot-usage boot usage "--proof: 'foo' is not valid; one of: auto, hw-breakpoint, single-step"
grep -q '"field":"--proof"' "$tmp/boot-usage.json" || fail "boot-usage: field is not --proof"
run boot-rejected 1 boot --json /etc/hostname
err_line boot-rejected boot "elf-[a-z-]*" "kernel /etc/hostname rejected"
run boot-initramfs 3 boot --json --initramfs /nonexistent "$kernel" --env-exit-code 3
err_line boot-initramfs boot io-error "--initramfs: cannot open /nonexistent"
run linux-rejected 1 boot --linux --json --initramfs "$kernel" /etc/hostname
err_line linux-rejected boot "elf-[a-z-]*" "rejected"
if "$bin" --help | grep -q '^  conform '; then
  run conform-usage 2 conform --json --runs 0 "$kernel"
  err_line conform-usage conform usage "--runs"
  if [ ! -e /dev/kvm ]; then
    run conform-nokvm 3 conform --json "$kernel"
  fi
fi
if "$bin" --help | grep -q '^  extract '; then
  run extract-rejected 1 extract --json --output "$tmp/never.elf" /etc/hostname
  err_line extract-rejected extract "bzimage-[a-z-]*" "/etc/hostname"
  run extract-usage 2 extract --json /etc/hostname
fi
# What a host without usable KVM says (here, or forced with a device that is not KVM).
if [ ! -e /dev/kvm ]; then
  run boot-nokvm 3 boot --json
  err_line boot-nokvm boot no-device "tools/kvm-lab.sh -R kvm_cli_boot"
  run linux-nokvm 3 boot --linux --json --until entry --initramfs "$kernel" "$kernel"
  err_line linux-nokvm boot no-device "tools/kvm-lab.sh --file $kernel -- pvhcheck boot --linux /lab/files/$(basename "$kernel")"
fi

files=$(ls "$tmp"/*.json)
if [ -n "$guard" ]; then
  mkdir "$tmp/guard"
  PVH_JSON_DUMP="$tmp/guard" "$guard" >"$tmp/guard.log" 2>&1 || fail "test_guard: $(tail -20 "$tmp/guard.log")"
  [ "$(ls "$tmp/guard" | wc -l)" -eq 2 ] || fail "test_guard dumped $(ls "$tmp/guard" | wc -l) JSON outputs, not 2"
  files="$files $(ls "$tmp"/guard/*.json)"
fi
if [ -n "$fake" ]; then
  mkdir "$tmp/fake"
  PVH_JSON_DUMP="$tmp/fake" "$fake" >"$tmp/fake.log" 2>&1 || fail "test_cli_fake: $(tail -20 "$tmp/fake.log")"
  nf=$(ls "$tmp/fake" | wc -l)
  [ "$nf" -ge 5 ] || fail "test_cli_fake dumped only $nf JSON outputs"
  files="$files $(ls "$tmp"/fake/*.json)"
fi
"$py" "$validator" "$schema" $files || fail "outputs above do not follow $schema"
echo "PASS: $n pvhcheck runs, every JSON output valid, every error line in the one format"
