#!/usr/bin/env bash
# Checks that no production C file is over 600 lines (CONTRIBUTING.md, "Style":
# one concern per file; a file that needs a table of contents is two files).
#
# Production means every tracked .c and .h file outside tests/ (fuzz/, bench/,
# examples/ and the self-test guest included), except a generated file: one
# whose first five lines say "DO NOT EDIT", the usual mark of a generator.
# In a git work tree the files are git's (tracked, and new ones not yet added
# unless .gitignore covers them, so a check before a commit sees them); in a
# tree without git (an unpacked source archive) every .c and .h file outside
# .git/ and build*/.
#
#   tools/check-file-size.sh [ROOT]   (ROOT: the source tree, default this one)
# Exits 0 when every file is within the limit, 1 naming each file over it and
# its length, 2 on a usage error.
set -euo pipefail
max=600
root=${1:-"$(dirname "$0")/.."}
[ $# -le 1 ] || { echo "usage: tools/check-file-size.sh [ROOT]" >&2; exit 2; }
[ -d "$root" ] || { echo "check-file-size: $root is not a directory (give the source tree)" >&2; exit 2; }
cd "$root"

# git's list only when ROOT is a checkout's top: a copy of the tree inside
# another checkout's ignored build directory would otherwise list nothing.
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' |
                       grep -v '^tests/' | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done || true)
else
  mapfile -t files < <(find . \( -path ./.git -o -path './build*' -o -path ./tests \) -prune -o \
                              -type f \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "check-file-size: no C files under $root (give the source tree)" >&2; exit 2; }

# One awk over every file: its line count (a last line without a newline
# counts) and whether its head carries the generated mark.
report=$(awk -v max="$max" '
  function done_file() {
    if (file == "") return
    if (gen) { generated++; return }
    if (lines > longest) { longest = lines; longest_file = file }
    if (lines > max) printf "over %s %d\n", file, lines
  }
  FNR == 1 { done_file(); file = FILENAME; lines = 0; gen = 0 }
  { lines = FNR }
  FNR <= 5 && /DO NOT EDIT/ { gen = 1 }
  END {
    done_file()
    printf "summary %d %s %d\n", generated, longest_file, longest
  }' "${files[@]}")

over=$(grep '^over ' <<<"$report" || true)
read -r _ generated longest_file longest < <(grep '^summary ' <<<"$report")
if [ -n "$over" ]; then
  while read -r _ file lines; do
    echo "check-file-size: $file: $lines lines, over the $max-line limit for a production C file;" \
         "split it by concern (CONTRIBUTING.md, Style)" >&2
  done <<<"$over"
  exit 1
fi
echo "check-file-size: $((${#files[@]} - generated)) production C files within $max lines (longest: $longest_file, $longest);" \
     "$generated generated, tests/ not counted"
