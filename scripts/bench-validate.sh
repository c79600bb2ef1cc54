#!/usr/bin/env bash
# Measures `wfctl validate` against bpmnlint 11.15 on the same files,
# side by side in one run: median wall time of RUNS runs each.
#
#   scripts/bench-validate.sh [CORPUS_DIR]     (default ../shared/corpus)
#
# bpmnlint is installed with npm into a temporary folder (never into the
# repository). Both tools get bpmnlint:recommended; wfctl also runs its
# engine rules, so it does strictly more work.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(cd "${1:-$root/../shared/corpus}" && pwd)
runs=${RUNS:-5}
export PATH="/usr/local/go/bin:$PATH"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building wfctl" >&2
(cd "$root" && go build -o "$tmp/wfctl" ./cmd/wfctl)

echo "installing bpmnlint@11.15.0 with npm into $tmp/npm" >&2
mkdir -p "$tmp/npm"
(cd "$tmp/npm" && npm install --silent --no-audit --no-fund bpmnlint@11.15.0 >/dev/null)
bpmnlint="$tmp/npm/node_modules/.bin/bpmnlint"

# Both read the same list of files; the config sits in the working folder.
cd "$tmp"
echo '{"extends": "bpmnlint:recommended"}' > .bpmnlintrc
find "$corpus" -name '*.bpmn' -print0 | sort -z > files
nfiles=$(tr -cd '\0' < files | wc -c)

# median_ms CMD...: run CMD $runs times, print the median wall time in ms.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

wfctl_dir_ms=$(median_ms "$tmp/wfctl" validate "$corpus")
wfctl_ms=$(median_ms sh -c "xargs -0 '$tmp/wfctl' validate < files")
bpmnlint_ms=$(median_ms sh -c "xargs -0 '$bpmnlint' < files")

echo "files:                          $nfiles"
echo "wfctl validate CORPUS (folder): ${wfctl_dir_ms} ms (median of $runs)"
echo "wfctl validate FILES...:        ${wfctl_ms} ms"
echo "bpmnlint FILES...:              ${bpmnlint_ms} ms"
awk -v w="$wfctl_ms" -v b="$bpmnlint_ms" 'BEGIN { printf "wfctl is %.1f times faster than bpmnlint\n", b / (w > 0 ? w : 1) }'
