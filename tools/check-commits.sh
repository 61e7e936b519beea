#!/usr/bin/env bash
# The commit-message rule CONTRIBUTING.md states: a subject of at most 72
# characters and a body that says why. Checks every commit in a range and
# names each one that breaks it.
#
#   tools/check-commits.sh              commits after BASE (below) up to HEAD
#   tools/check-commits.sh REV..REV     any git range (e.g. origin/main..HEAD)
#
# BASE is the last commit before the rule was adopted; the history before it
# is what it is. A range is used instead of "what origin/main lacks" because CI
# runs on a fresh clone with no remote. In a shallow clone that lacks BASE the
# commits the clone holds are checked. Merge commits are left out: git writes
# their subjects. PVH_COMMIT_BASE overrides BASE. Exit 0 all good, 1 a subject
# is too long or a body is missing, 2 usage or not a git checkout.
set -euo pipefail
BASE=${PVH_COMMIT_BASE:-c91118f4f81e13d78052748f2e4933f1ae699572}
MAX=72

die() { echo "check-commits: $*" >&2; exit 2; }
[ $# -le 1 ] || die "usage: tools/check-commits.sh [REV..REV]"
git rev-parse --git-dir >/dev/null 2>&1 || die "not a git checkout"

if [ $# -eq 1 ]; then
  range=("$1")
elif git cat-file -e "$BASE^{commit}" 2>/dev/null; then
  range=("$BASE..HEAD")
elif [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  echo "check-commits: $BASE is not in this shallow clone; checking the commits it holds" >&2
  range=(HEAD)
else
  die "base commit $BASE is not in this repository (set PVH_COMMIT_BASE)"
fi

commits=$(git rev-list "${range[@]}") || die "cannot list the commits of ${range[*]}"
bad=0 n=0
while IFS= read -r sha; do
  [ -n "$sha" ] || continue
  # Parents from the commit object itself: a shallow clone hides them from rev-list.
  parents=$(git cat-file -p "$sha" | sed -n '/^$/q; /^parent /p' | wc -l)
  [ "$parents" -le 1 ] || continue
  n=$((n + 1))
  subject=$(git log -1 --format=%s "$sha")
  len=${#subject}
  if [ "$len" -gt "$MAX" ]; then
    echo "check-commits: ${sha:0:12}: subject is $len characters (at most $MAX): $subject"
    bad=$((bad + 1))
  fi
  if [ -z "$(git log -1 --format=%b "$sha" | tr -d '[:space:]')" ]; then
    echo "check-commits: ${sha:0:12}: no body (say why in the body): $subject"
    bad=$((bad + 1))
  fi
done <<<"$commits"

if [ "$bad" -gt 0 ]; then
  echo "check-commits: $bad problem(s) in the $n commits of ${range[*]} (subjects at most $MAX characters, each with a body)"
  exit 1
fi
echo "check-commits: $n commits in ${range[*]}: every subject at most $MAX characters, each with a body"
