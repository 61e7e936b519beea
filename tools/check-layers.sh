#!/usr/bin/env bash
# Checks that dependencies point down only (CONTRIBUTING.md, "Layers"):
#
#   loader (libpvh)  <-  util (pvhutil), kvm (pvhkvm), readers (pvhreaders)  <-  linux (pvhlinux)  <-  cli (pvhcheck)
#
# A file of one layer may include headers of its own layer and of the layers
# below it, never of a layer above it or beside it; a layer's CMakeLists may
# link only targets of those layers. fuzz/, bench/, tests/, examples/ and
# tools/ sit above everything and may use anything, so they are not checked.
#
# Two graphs are read, as text (nothing is built or run):
#   - every #include "..." in the layers' .c and .h files, resolved the way the
#     build does: public headers by their folder (pvh/, pvhutil/, pvhkvm/,
#     pvhlinux/), then a path next to the including file, then a private
#     header by where it lives (kvm/core/internal.h, cli/cli.h, ...);
#   - every target_link_libraries(...) in the layers' CMakeLists.txt.
#
#   tools/check-layers.sh [ROOT]   (ROOT: the source tree, default this one)
# Exits 0 when nothing points up, 1 naming each file, line and layer that
# does, 2 on a usage error.
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
[ -d "$root/loader" ] || { echo "check-layers: $root has no loader/ (give the source tree)" >&2; exit 2; }
cd "$root"

layers=(loader util kvm readers linux conform cli)
declare -A rank=([loader]=0 [util]=1 [kvm]=1 [readers]=1 [linux]=2 [conform]=3 [cli]=4)
# Public header folders and CMake targets, by the layer that owns them.
declare -A header_dir=([pvh]=loader [pvhutil]=util [pvhkvm]=kvm [pvhreaders]=readers [pvhlinux]=linux
                       [pvhconform]=conform)
declare -A target=([pvh]=loader [pvhutil]=util [pvhkvm]=kvm [pvhreaders]=readers [pvhlinux]=linux
                   [pvhconform_gen]=conform [pvhconform]=conform [pvhcheck_cmds]=cli [pvhcheck]=cli)

may_use() { # may_use FROM TO: a layer may use itself and any layer of lower rank
  [ "$1" = "$2" ] || [ "${rank[$2]}" -lt "${rank[$1]}" ]
}

layer_of() { # layer_of PATH: sets $layer to the layer a repository path is in, or ""
  layer=${1%%/*}
  [ -n "${rank[$layer]+x}" ] || layer=""
}

mapfile -t sources < <(find "${layers[@]}" -type f \( -name '*.c' -o -name '*.h' \) | sort)

# resolve FROM INC: sets $to to the layer of the header INC included from file
# FROM ("": outside the layers, such as a generated or system header; "?":
# ambiguous).
resolve() {
  local from=$1 inc=$2 top=${2%%/*} s own found=""
  to=""
  if [ "$top" != "$inc" ] && [ -n "${header_dir[$top]+x}" ]; then
    to=${header_dir[$top]}
    return
  fi
  if [ -f "${from%/*}/$inc" ]; then
    if [[ "$inc" == *..* ]]; then
      layer_of "$(realpath -m --relative-to=. "${from%/*}/$inc")"
    else
      layer_of "$from"
    fi
    to=$layer
    return
  fi
  layer_of "$from"
  own=$layer
  for s in "${sources[@]}"; do
    [[ "$s" == */"$inc" ]] || continue
    layer_of "$s"
    if [ "$layer" = "$own" ]; then # the build finds its own layer's header first
      to=$own
      return
    fi
    [ -n "$found" ] && [ "$found" != "$layer" ] && found="?" || found=$layer
  done
  to=$found
}

bad=0
checked=0
while IFS= read -r hit; do # FILE:LINE:#include "INC" for every file at once
  f=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  [[ "${rest#*:}" =~ \"([^\"]*)\" ]] || continue
  inc=${BASH_REMATCH[1]}
  checked=$((checked + 1))
  layer_of "$f"
  from=$layer
  resolve "$f" "$inc"
  [ -z "$to" ] && continue
  if [ "$to" = "?" ]; then
    echo "check-layers: $f:$line includes \"$inc\", which names headers in several layers; include it by its folder" >&2
    bad=1
  elif ! may_use "$from" "$to"; then
    echo "check-layers: $f:$line includes \"$inc\" ($to): $from may use only layers below it, not $to" >&2
    bad=1
  fi
done < <(grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "${sources[@]}" || true)

# target_link_libraries(NAME [PUBLIC|PRIVATE|INTERFACE] T...) in each layer's
# CMakeLists, joined across lines.
for l in "${layers[@]}"; do
  while IFS= read -r cm; do
    while read -r call; do
      args=${call#*(}
      args=${args%)}
      for t in $args; do
        [ -n "${target[$t]+x}" ] || continue
        to=${target[$t]}
        if ! may_use "$l" "$to"; then
          echo "check-layers: $cm links $t ($to): $l may use only layers below it, not $to" >&2
          bad=1
        fi
      done
    done < <(tr '\n' ' ' <"$cm" | grep -o 'target_link_libraries([^)]*)' || true)
  done < <(find "$l" -name CMakeLists.txt | sort)
done

if [ $bad -ne 0 ]; then
  echo "check-layers: the lines above point up or sideways (loader <- util, kvm <- linux <- conform <- cli)" >&2
  exit 1
fi
echo "check-layers: ${#sources[@]} files, $checked includes and every layer's links point down"
