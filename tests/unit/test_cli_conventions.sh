#!/bin/sh
# SPDX-License-Identifier: MIT
# The conventions of a Debian command-line tool: `pvhcheck help CMD` is the
# command's help, typos of commands and options get a "did you mean", an
# invalid enum value lists the valid ones, --version gives pvhcheck's and
# libpvh's versions and the git describe, which falls back to "unknown"
# outside a git checkout.
# usage: test_cli_conventions.sh PVHCHECK SOURCE_DIR VERSION
set -u
bin=$1 src=$2 version=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

for c in $("$bin" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
  "$bin" help "$c" >"$tmp/a" || fail "pvhcheck help $c: exit $?"
  "$bin" "$c" --help >"$tmp/b" || fail "pvhcheck $c --help: exit $?"
  cmp -s "$tmp/a" "$tmp/b" || fail "pvhcheck help $c differs from pvhcheck $c --help"
  grep -q "^usage: pvhcheck $c" "$tmp/a" || fail "pvhcheck help $c: not the command's help"
  echo "ok   pvhcheck help $c"
done
"$bin" help nosuch >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "pvhcheck help nosuch: not a usage error"

"$bin" insepct k >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "unknown command 'insepct'; did you mean 'inspect'?" "$tmp/err" ||
  fail "command typo: $(cat "$tmp/err")"
"$bin" inspect --rsdq 0 k >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "unknown option '--rsdq'; did you mean '--rsdp'?" "$tmp/err" ||
  fail "option typo: $(cat "$tmp/err")"
"$bin" --versoin >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "unknown option '--versoin'; did you mean '--version'?" "$tmp/err" ||
  fail "top-level option typo: $(cat "$tmp/err")"
"$bin" --json inspect k >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "unknown option '--json'; a command's options follow the command" "$tmp/err" ||
  fail "a command's option before the command: $(cat "$tmp/err")"
"$bin" inspect --zzzzzz k >/dev/null 2>"$tmp/err"
grep -q "did you mean" "$tmp/err" && fail "a far-off option got a suggestion: $(cat "$tmp/err")"
echo "ok   did you mean (commands, options, pvhcheck's own options; none when nothing is close)"

if "$bin" --help | grep -q '^  boot '; then
  "$bin" boot --until bogus >/dev/null 2>"$tmp/err"
  grep -q "one of: entry, banner, cmdline, e820, ramdisk, acpi, console, init, marker, poweroff, end" "$tmp/err" ||
    fail "--until bogus does not list the stages: $(cat "$tmp/err")"
  "$bin" boot --proof hw-brakpoint >/dev/null 2>"$tmp/err"
  grep -q "did you mean 'hw-breakpoint'? (one of: auto, hw-breakpoint, single-step)" "$tmp/err" ||
    fail "--proof typo: $(cat "$tmp/err")"
  echo "ok   enum values listed"
fi

"$bin" --version >"$tmp/v" || fail "--version: exit $?"
head -1 "$tmp/v" | grep -qE "^pvhcheck $version \(([0-9a-f]{7,}|v?[0-9][A-Za-z0-9._+-]*|unknown)(-dirty)?\)$" ||
  fail "--version first line: $(head -1 "$tmp/v")"
grep -qx "libpvh $version (compiled against $version)" "$tmp/v" || fail "--version lacks libpvh: $(cat "$tmp/v")"
echo "ok   --version: $(tr '\n' ' ' <"$tmp/v")"
mkdir "$tmp/tarball"
got=$(cmake -DSOURCE_DIR="$tmp/tarball" -P "$src/cli/git_describe.cmake" 2>&1)
[ "$got" = unknown ] || fail "git describe outside a checkout gave '$got', not 'unknown'"
echo "ok   git describe falls back to 'unknown' outside a git checkout"
echo "PASS"
