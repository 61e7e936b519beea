#!/usr/bin/env bash
# tools/check-commits.sh on planted histories in a temporary repository: a
# subject of 72 characters passes, one of 73 fails and is named, so does a
# commit without a body, merges are
# left out, an explicit range is honoured, a shallow clone without the base
# checks what it holds, and outside a checkout it is a usage error.
#   tools/test_check_commits.sh [tools/check-commits.sh]
set -euo pipefail
check=$(cd "$(dirname "${1:-$0}")" && pwd)/$(basename "${1:-check-commits.sh}")
[ -f "$check" ] || { echo "FAIL: $check missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() { # expect WANT_RC DESCRIPTION COMMAND...: run, compare the exit status
  local want=$1 what=$2 rc=0
  shift 2
  "$@" >"$tmp/out" 2>&1 || rc=$?
  if [ "$rc" = "$want" ]; then echo "ok   $what"; else
    echo "FAIL $what: exit $rc, want $want"; sed 's/^/     | /' "$tmp/out"; fails=$((fails + 1)); fi
}
commit() { # commit SUBJECT [BODY]: appends the subject to ${FILE:-f}
  echo "$1" >>"$tmp/repo/${FILE:-f}"
  git -C "$tmp/repo" add "${FILE:-f}"
  git -C "$tmp/repo" -c user.name=t -c user.email=t@t.invalid commit -q -m "$1" ${2:+-m "$2"}
}
s72="area: $(printf 'x%.0s' $(seq 66))" # 72 characters
s73="${s72}y"
[ ${#s72} = 72 ] && [ ${#s73} = 73 ] || { echo "FAIL: test subjects are ${#s72}/${#s73} characters"; exit 1; }

git init -q "$tmp/repo"
commit "area: before the rule, and far longer than seventy-two characters, which is fine here"
base=$(git -C "$tmp/repo" rev-parse HEAD)
commit "$s72" "why"
export PVH_COMMIT_BASE=$base
expect 0 "72-character subject passes, history before the base is not checked" \
  bash -c "cd '$tmp/repo' && bash '$check'"

git -C "$tmp/repo" checkout -q -b side
commit "$s73" "a subject one character too long"
bad=$(git -C "$tmp/repo" rev-parse --short=12 HEAD)
expect 1 "73-character subject fails" bash -c "cd '$tmp/repo' && bash '$check'"
grep -q "$bad: subject is 73 characters" "$tmp/out" || { echo "FAIL: the long commit is not named"; fails=$((fails + 1)); }
expect 0 "an explicit range before the long commit passes" bash -c "cd '$tmp/repo' && bash '$check' $base..HEAD~1"

git -C "$tmp/repo" checkout -q -
before_merge=$(git -C "$tmp/repo" rev-parse HEAD)
git -C "$tmp/repo" checkout -q -b short-side HEAD~1
FILE=g commit "area: a short subject on a side branch" "why"
git -C "$tmp/repo" checkout -q -
git -C "$tmp/repo" -c user.name=t -c user.email=t@t.invalid merge -q --no-ff short-side \
  -m "Merge branch 'short-side', a subject git writes, longer than seventy-two characters"
[ "$(git -C "$tmp/repo" rev-list --merges -n1 HEAD)" = "$(git -C "$tmp/repo" rev-parse HEAD)" ] ||
  { echo "FAIL: no merge commit was made"; exit 1; }
expect 0 "merge commits are left out" bash -c "cd '$tmp/repo' && bash '$check' $before_merge..HEAD"

git clone -q --depth 1 "file://$tmp/repo" "$tmp/shallow"
expect 0 "a shallow clone without the base checks the commits it holds" bash -c "cd '$tmp/shallow' && bash '$check'"
grep -q "shallow clone" "$tmp/out" || { echo "FAIL: the shallow fallback was not said"; fails=$((fails + 1)); }

git -C "$tmp/repo" checkout -q -b no-body "$base"
commit "tools: no body"
nobody=$(git -C "$tmp/repo" rev-parse --short=12 HEAD)
expect 1 "a commit without a body fails" bash -c "cd '$tmp/repo' && bash '$check' $base..HEAD"
grep -q "$nobody: no body" "$tmp/out" || { echo "FAIL: the commit without a body is not named"; fails=$((fails + 1)); }
git -C "$tmp/repo" checkout -q -

mkdir "$tmp/plain"
expect 2 "outside a git checkout is a usage error" bash -c "cd '$tmp/plain' && GIT_CEILING_DIRECTORIES='$tmp' bash '$check'"

[ "$fails" = 0 ] && echo "check-commits: all cases pass" || { echo "$fails case(s) failed"; exit 1; }
