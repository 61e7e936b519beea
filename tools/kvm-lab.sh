#!/bin/sh
# The KVM lab: every KVM test of pvhcheck on a real KVM (the Debian kernel's
# kvm-amd.ko on QEMU TCG's emulated SVM), on any host. See docs/kvm-lab.md.
#   tools/kvm-lab.sh [--build] [--quiet] [--timeout S] [--keep]
#   tools/kvm-lab.sh --file PATH ... -- COMMAND [ARGS]
command -v python3 >/dev/null || { echo "kvm-lab: error: python3 not found (tools/setup.sh)" >&2; exit 3; }
exec python3 "$(dirname "$0")/lab/kvm_lab.py" "$@"
