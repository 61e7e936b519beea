# Shared by the real-kernel test scripts (sourced, POSIX sh): what they need
# from the host, and how they read a stage table (pvhlinux_stages_json).
VMLINUX="${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux"
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# need kernel | busybox | jq | qemu: skips (77) with the reason when missing.
need() {
  for n in "$@"; do
    case $n in
      kernel) [ -s "$VMLINUX" ] || skip "no Debian kernel at $VMLINUX (run tools/fetch-debian-kernel.sh)" ;;
      busybox) [ -x /bin/busybox ] || skip "/bin/busybox missing (apt-get install busybox-static)" ;;
      jq) command -v jq >/dev/null || skip "jq not installed (tools/setup.sh)" ;;
      qemu) command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (tools/setup.sh)" ;;
    esac
  done
}

# show_stages JSON: the table, one stage a line; fails when there is none.
show_stages() {
  jq -r '.stages[] | "\(.name)\t\(.state)\t\(.guest_s)\t\(.host_s)\t\(.detail)"' "$1" || fail "no stage JSON in $1"
}
stage_detail() { jq -r --arg s "$2" '.stages[] | select(.name == $s) | .detail' "$1"; }

# expect_reached JSON STAGE...: every one reached.
expect_reached() {
  f=$1
  shift
  for s in "$@"; do
    st=$(jq -r --arg s "$s" '.stages[] | select(.name == $s) | .state' "$f")
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
