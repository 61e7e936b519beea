#!/usr/bin/env bash
# tools/check-layers.sh: the real tree passes, and each kind of upward or
# sideways dependency planted in a copy of the layers makes it fail, naming
# the file and the layers. A dependency from above (fuzz/) stays allowed.
#   test_check_layers.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
check=$src/tools/check-layers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$check" "$src" >"$tmp/real.out" 2>&1 || { cat "$tmp/real.out" >&2; fail "the real tree does not pass"; }
echo "ok: real tree: $(tail -1 "$tmp/real.out")"

fresh() { # a copy of the layers (and a fuzz/ above them) to plant in
  rm -rf "$tmp/tree"
  mkdir -p "$tmp/tree"
  cp -r "$src"/loader "$src"/util "$src"/kvm "$src"/linux "$src"/cli "$tmp/tree/"
  mkdir -p "$tmp/tree/fuzz"
}

# expect_fail NAME PATTERN: the check must exit 1 and say PATTERN.
expect_fail() {
  local rc=0
  "$check" "$tmp/tree" >"$tmp/out" 2>&1 || rc=$?
  [ $rc -eq 1 ] || { cat "$tmp/out" >&2; fail "$1: exit $rc, want 1"; }
  grep -q -- "$2" "$tmp/out" || { cat "$tmp/out" >&2; fail "$1: no line matching '$2'"; }
  echo "ok: $1 is refused:"
  sed 's/^/    /' "$tmp/out"
}

fresh
"$check" "$tmp/tree" >/dev/null 2>&1 || fail "an unchanged copy of the layers does not pass"
sed -i '0,/^#include "pvh\//s//#include "pvhkvm\/pvhkvm.h"\n&/' "$tmp/tree/loader/elf.c"
expect_fail "libpvh including pvhkvm" 'loader/elf.c:[0-9]* includes "pvhkvm/pvhkvm.h" (kvm): loader may use only'

fresh
printf '#include "cli.h"\n' >>"$tmp/tree/linux/acpi.c"
expect_fail "pvhlinux including a private cli header" 'linux/acpi.c:[0-9]* includes "cli.h" (cli): linux may use only'

fresh
printf '#include "pvhlinux/stages.h"\n' >>"$tmp/tree/kvm/devices/serial.c"
expect_fail "pvhkvm including pvhlinux" 'kvm/devices/serial.c:[0-9]* includes "pvhlinux/stages.h" (linux)'

fresh
printf '#include "../../cli/cli.h"\n' >>"$tmp/tree/kvm/core/vm.c"
expect_fail "a relative path up into cli" 'kvm/core/vm.c:[0-9]* includes "../../cli/cli.h" (cli)'

fresh
printf 'target_link_libraries(pvhkvm PRIVATE pvhutil)\n' >>"$tmp/tree/kvm/CMakeLists.txt"
expect_fail "pvhkvm linking pvhutil (sideways)" 'kvm/CMakeLists.txt links pvhutil (util): kvm may use only'

fresh
printf 'target_link_libraries(pvhlinux\n  PRIVATE pvhcheck_cmds)\n' >>"$tmp/tree/linux/CMakeLists.txt"
expect_fail "pvhlinux linking the cli (across lines)" 'linux/CMakeLists.txt links pvhcheck_cmds (cli)'

fresh
printf '#include "cli.h"\n#include "pvhlinux/stages.h"\n' >"$tmp/tree/fuzz/fuzz_above.c"
"$check" "$tmp/tree" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "fuzz/ using every layer was refused"; }
echo "ok: fuzz/ may use any layer"

