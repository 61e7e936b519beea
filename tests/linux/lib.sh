# Shared by the real-kernel test scripts (sourced, POSIX sh): what they need
# from the host, and how they read a stage table (pvhlinux_stages_json).
# PVH_LINUX_ARCH=i386 (ctest's *_i386 tests): the 686-pae kernel and the i386
# busybox that linux/fetch-i386.sh caches, instead of the amd64 cloud kernel.
PVH_LINUX_ARCH="${PVH_LINUX_ARCH:-amd64}"
if [ "$PVH_LINUX_ARCH" = i386 ]; then
  VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/i386/vmlinux"
  BUSYBOX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/i386/busybox"
  FETCH_HINT="bash linux/fetch-i386.sh"
else
  VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
  BUSYBOX=/bin/busybox
  FETCH_HINT="tools/fetch-debian-kernel.sh"
fi
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# need kernel | busybox | jq | qemu: skips (77) with the reason when missing.
need() {
  for n in "$@"; do
    case $n in
      kernel) [ -s "$VMLINUX" ] || skip "no Debian $PVH_LINUX_ARCH kernel at $VMLINUX (run $FETCH_HINT)" ;;
      busybox) [ -x "$BUSYBOX" ] || skip "$BUSYBOX missing ($PVH_LINUX_ARCH; run $FETCH_HINT, or apt-get install busybox-static)" ;;
      jq) command -v jq >/dev/null || skip "jq not installed (tools/setup.sh)" ;;
      qemu) command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (tools/setup.sh)" ;;
    esac
  done
}

# The stage table: pvhcheck boot --linux --json has it under "linux" (after
# the common members of docs/schema/pvhcheck.schema.json); the handoff and
# QEMU tools print it alone.
STAGES_JQ='(.linux // .).stages[]'
# show_stages JSON: the table, one stage a line; fails when there is none.
show_stages() {
  jq -r "$STAGES_JQ"'  | "\(.name)\t\(.state)\t\(.guest_s)\t\(.host_s)\t\(.detail)"' "$1" || fail "no stage JSON in $1"
}
stage_detail() { jq -r --arg s "$2" "$STAGES_JQ"' | select(.name == $s) | .detail' "$1"; }

# expect_reached JSON STAGE...: every one reached.
expect_reached() {
  f=$1
  shift
  for s in "$@"; do
    st=$(jq -r --arg s "$s" "$STAGES_JQ"' | select(.name == $s) | .state' "$f")
    [ "$st" = reached ] || fail "stage $s is '$st'"
  done
}

# expect_verified JSON: the kernel echoed our command line, e820 map, RAMDISK
# placement and RSDP, each equal to what the loader placed.
expect_verified() {
  case "$(stage_detail "$1" cmdline)" in "equals ours"*) ;; *) fail "command line not verified: $(stage_detail "$1" cmdline)" ;; esac
  case "$(stage_detail "$1" e820)" in *"equal the map we passed") ;; *) fail "e820 not verified: $(stage_detail "$1" e820)" ;; esac
  case "$(stage_detail "$1" ramdisk)" in *"= placed 0x"*) ;; *) fail "RAMDISK not verified: $(stage_detail "$1" ramdisk)" ;; esac
  case "$(stage_detail "$1" acpi)" in *"as passed") ;; *) fail "RSDP not verified: $(stage_detail "$1" acpi)" ;; esac
}
