#!/bin/sh
# SPDX-License-Identifier: MIT
# The output contract (cli/report.h, docs/schema/pvhcheck.schema.json): every
# --json output of every command, failures included, is one object valid
# against the schema (checked with python3-jsonschema, a real validator),
# and every error line on stderr reads "pvhcheck CMD: error: CODE: MESSAGE"
# with MESSAGE naming the option or file. With TEST_CLI_FAKE, the boots that
# ran against the fake KVM (tests/kvm/test_cli_fake.c) are validated too;
# with TEST_GUARD, the timeout and SIGTERM objects of cli/guard.c; with
# READERS_GEN, inspect --portable on readers that disagree. The outputs that
# need a real KVM (boot and conform runs) are validated by
# tests/cli/test_json_lab.sh, in the KVM lab.
# usage: test_json_contract.sh PVHCHECK SCHEMA VALIDATOR KERNEL SOURCE_DIR
#          [fake=TEST_CLI_FAKE] [guard=TEST_GUARD] [readers_gen=READERS_GEN]
#        (an empty value is the same as leaving it out)
set -u
bin=$1 schema=$2 validator=$3 kernel=$4 src=$5
shift 5
fake= guard= readers_gen=
for kv in "$@"; do
  case "$kv" in
  fake=*) fake=${kv#fake=} ;;
  guard=*) guard=${kv#guard=} ;;
  readers_gen=*) readers_gen=${kv#readers_gen=} ;;
  *) echo "FAIL: unknown argument $kv"; exit 1 ;;
  esac
done
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
run boot-nokernel 3 boot --json /nonexistent-kernel
err_line boot-nokernel boot io-error "KERNEL: cannot open /nonexistent-kernel"
run boot-mem-usage 2 boot --json --mem 512K
err_line boot-mem-usage boot usage "--mem"
run boot-mem-nofit 1 boot --json --mem 1028K
err_line boot-mem-nofit boot "[a-z-]*" "is --mem large enough"
run boot-cpuid-usage 2 boot --json --linux --cpuid-mask cx17 "$kernel"
err_line boot-cpuid-usage boot usage "--cpuid-mask: unknown CPUID feature 'cx17'"
run linux-busybox 3 boot --json --linux --busybox /nonexistent-busybox "$kernel"
err_line linux-busybox boot io-error "--busybox: /nonexistent-busybox"
if "$bin" --help | grep -q '^  conform '; then
  run conform-usage 2 conform --json --runs 0 "$kernel"
  err_line conform-usage conform usage "--runs"
  run conform-vary 2 conform --json --self-test --vary gpx
  err_line conform-vary conform usage "--vary: 'gpx' is not a variation; did you mean 'gpr'?"
  run conform-io 3 conform --json /nonexistent-kernel
  err_line conform-io conform io-error "KERNEL: cannot open /nonexistent-kernel"
  run conform-rejected 1 conform --json /etc/hostname
  err_line conform-rejected conform "elf-[a-z-]*" "kernel /etc/hostname rejected"
  run conform-busybox 3 conform --json --linux --busybox /nonexistent-busybox "$kernel"
  err_line conform-busybox conform io-error "--busybox: /nonexistent-busybox"
  if [ ! -e /dev/kvm ]; then
    run conform-nokvm 3 conform --json "$kernel"
    err_line conform-nokvm conform no-device "tools/kvm-lab.sh --file $kernel -- pvhcheck conform"
  fi
fi
# A bzImage (bzimage/mkbzimage.py wraps an ELF kernel the way the kernel's
# build does): inspect and extract succeed on it, extract's failures are
# objects too.
bz_elf=$src/corpus/fuzz_load/efbf8833a5d2c019bf469807ca82a9141794d177
python3 "$src/bzimage/mkbzimage.py" --fast lz4 "$bz_elf" "$tmp/kernel.bz" >/dev/null || fail "mkbzimage.py failed"
run inspect-bzimage 0 inspect --json "$tmp/kernel.bz"
grep -q '"bzimage":{"protocol":"2.15"' "$tmp/inspect-bzimage.json" || fail "inspect-bzimage: no bzimage object"
run inspect-elf32 0 inspect --json "$(dirname "$kernel")/pvhtest-elf32-note4.elf"
if "$bin" --help | grep -q '^  extract '; then
  run extract-ok 0 extract --json --output "$tmp/vmlinux.out" "$tmp/kernel.bz"
  cmp -s "$tmp/vmlinux.out" "$bz_elf" || fail "extract-ok: the vmlinux written is not the one wrapped"
  run extract-rejected 1 extract --json --output "$tmp/never.elf" /etc/hostname
  err_line extract-rejected extract "bzimage-[a-z-]*" "/etc/hostname"
  run extract-io 3 extract --json --output "$tmp/never.elf" /nonexistent-kernel
  err_line extract-io extract io-error "BZIMAGE: cannot open /nonexistent-kernel"
  run extract-output 3 extract --json --output /nonexistent-dir/vmlinux "$tmp/kernel.bz"
  err_line extract-output extract io-error "--output /nonexistent-dir/vmlinux"
  run extract-usage 2 extract --json /etc/hostname
fi
if [ -n "$readers_gen" ]; then
  mkdir "$tmp/readers" && "$readers_gen" "$tmp/readers" >/dev/null || fail "readers_gen failed"
  run portable-ok 0 inspect --json --portable "$tmp/readers/buildid-first-align4.elf"
  grep -q '"portable":true' "$tmp/portable-ok.json" || fail "portable-ok: not portable"
  run portable-disagree 1 inspect --json --portable "$tmp/readers/buildid-first-align8.elf"
  err_line portable-disagree inspect not-portable "the VMM readers disagree"
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
