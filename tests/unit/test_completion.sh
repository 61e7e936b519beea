#!/bin/sh
# SPDX-License-Identifier: MIT
# The bash completion, sourced into a real bash and its function called the
# way bash calls it (COMP_WORDS, COMP_CWORD): commands, options, enum values
# and files come out of the binary's own help.
# usage: test_completion.sh PVHCHECK COMPLETION_FILE
set -u
bin=$1 comp=$2
command -v bash >/dev/null || { echo "SKIP: bash not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
# complete WORDS...: what the completion offers for the last word.
complete_words() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pvhcheck; printf "%s\n" "${COMPREPLY[@]}"' \
    sh "$comp" "$bin" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {
  want=$1
  shift
  got=$(complete_words "$@")
  [ "$got" = "$want" ] || fail "pvhcheck $*<TAB>: got '$got', expected '$want'"
  echo "ok   pvhcheck $*<TAB> -> $got"
}
expect "boot" bo
expect "inspect" help in
expect "--proof" boot --pro
expect "auto hw-breakpoint single-step" boot --proof ""
expect "marker" boot --until ma
expect "--initramfs --irqchip" boot --i
expect "--json" inspect --js
expect "/etc/hostname" inspect --initramfs /etc/hostn
expect "" boot --mem 2
bash -c ". '$comp'; complete -p pvhcheck" | grep -q "_pvhcheck" || fail "sourcing does not register _pvhcheck for pvhcheck"
echo "PASS: bash completion of commands, options, enum values and files"
