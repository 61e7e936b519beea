#!/bin/sh
# Every PVH image Debian ships, fetched by package name (own apt config),
# inspected and boot-checked in the KVM lab and on the host's KVM.
# See docs/kernel-matrix.md.
#   tools/kernel-matrix.sh [--ci] [--only IDS] [--list] [--no-host] [--update-docs]
command -v python3 >/dev/null || { echo "kernel-matrix: error: python3 not found (tools/setup.sh)" >&2; exit 3; }
exec python3 "$(dirname "$0")/matrix/kernel_matrix.py" "$@"
