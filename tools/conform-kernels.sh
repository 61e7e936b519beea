#!/usr/bin/env bash
# pvhcheck conform on Debian's Linux kernels in the KVM lab: which open
# choices of the PVH contract each kernel survives (docs/conform.md).
#   tools/conform-kernels.sh --ci              # bounded (CI): 6.1 cloud, seeds 1-2, VMM realm, no shrinking
#   tools/conform-kernels.sh [--runs N] [--abi] [--seed S] [--vary LIST]
#                                              # full, by hand: 6.1 and 6.12 cloud, N runs each (default 8)
#   tools/conform-kernels.sh --known           # the named Linux failures (docs/conform.md): still failing?
# Kernels: the 6.1 cloud vmlinux tools/fetch-debian-kernel.sh keeps in the cache,
# and the 6.12 cloud image the kernel matrix fetches (tools/kernel-matrix.sh
# --only linux-6.12-cloud --no-boot; run here when it is missing). Prints each
# run, then one summary line per kernel; exits 1 if a run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}
BUILD=build/default
ci=0 runs=8 extra=() known=0
# The named cases: Linux bugs only the ABI realm reaches (docs/conform.md,
# Findings). Each must still fail on both kernels; one that passes means the
# kernel was fixed and the docs need updating.
KNOWN=("memmap-above-1g --abi --seed 2 --mem 1280M --timeout 8 --no-shrink --vary memmap-at"
       "memmap-over-127 --abi --seed 1 --timeout 8 --no-shrink --vary memmap-entries")
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) ci=1 runs=2 extra+=(--no-shrink) ;; # a failure is replayed and shrunk by hand
    --runs) runs=$2; shift ;;
    --abi) extra+=(--abi) ;;
    --seed) extra+=(--seed "$2"); shift ;;
    --vary) extra+=(--vary "$2"); shift ;;
    --build-dir) BUILD=$2; shift ;;
    --known) known=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "conform-kernels: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done

k61=$CACHE/vmlinux
[ -e "$k61" ] || bash tools/fetch-debian-kernel.sh
kernels=("6.1=$(readlink -f "$k61")")
if [ $ci = 0 ]; then
  k612=$(ls -d "$CACHE"/matrix/images/linux-6.12-cloud/*/image 2>/dev/null | tail -1 || true)
  if [ -z "$k612" ]; then
    bash tools/kernel-matrix.sh --only linux-6.12-cloud --no-boot --no-host --no-lab >&2
    k612=$(ls -d "$CACHE"/matrix/images/linux-6.12-cloud/*/image | tail -1)
  fi
  kernels+=("6.12=$k612")
fi

if [ $known = 1 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  files=() cmd=""
  for kv in "${kernels[@]}"; do
    name=vmlinux-${kv%%=*}
    ln -s "${kv#*=}" "$work/$name"
    files+=(--file "$work/$name")
    for k in "${KNOWN[@]}"; do
      cmd+="pvhcheck conform --linux /lab/files/$name ${k#* } >/dev/null; echo \"=== known ${k%% *} $name rc \$?\"; "
    done
  done
  bash tools/kvm-lab.sh --build-dir "$BUILD" --timeout 3600 "${files[@]}" -- sh -c "$cmd" | tee "$work/lab.log"
  bad=0
  while read -r _ _ case name _ rc; do
    if [ "$rc" = 1 ]; then echo "  $case on $name: still fails (the Linux bug is there)"
    else echo "  $case on $name: exit $rc, not the known failure: update docs/conform.md"; bad=1; fi
  done < <(grep '^=== known ' "$work/lab.log")
  exit $bad
fi

# One lab session for every kernel: each is copied in under its own name.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=() cmd=""
for kv in "${kernels[@]}"; do
  name=vmlinux-${kv%%=*}
  ln -s "${kv#*=}" "$work/$name"
  files+=(--file "$work/$name")
  cmd+="echo '=== conform $name'; pvhcheck conform --linux /lab/files/$name --runs $runs ${extra[*]:-}; echo \"=== rc \$?\"; "
done
out=$work/lab.log
set +e
bash tools/kvm-lab.sh --build-dir "$BUILD" --timeout $((600 + runs * 600 * ${#kernels[@]})) "${files[@]}" -- sh -c "$cmd" | tee "$out"
lab_rc=${PIPESTATUS[0]}
set -e
echo "conform-kernels: realm ${extra[*]:-vmm}, $runs run(s) per kernel"
failed=0
for kv in "${kernels[@]}"; do
  name=vmlinux-${kv%%=*}
  line=$(sed -n "/^=== conform $name\$/,/^=== rc /p" "$out" | grep '^conform: [0-9]* passed' || true)
  echo "  linux-${kv%%=*}: ${line:-no result (lab exit $lab_rc)}"
  case "$line" in "conform: $runs passed, 0 failed, 0 errors"*) ;; *) failed=1 ;; esac
done
exit $failed
