#!/usr/bin/env bash
# Draws BPMN files with `wfctl render` and with bpmn-js (the renderer of
# Camunda Modeler, from npm) in headless Chromium, and writes, for each
# file, one PNG with both pictures side by side, for people to compare:
#
#   scripts/render-compare.sh OUT_DIR FILE.bpmn...
#
# Needs node/npm (bpmn-js is installed into a cache folder once, pinned
# below) and Debian's chromium (apt-get install chromium). Nothing goes
# over the network but that npm install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
[ $# -ge 2 ] || { echo "usage: $0 OUT_DIR FILE.bpmn..." >&2; exit 2; }
out=$1; shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
bpmnjs_version=18.31.1
cache=${XDG_CACHE_HOME:-$HOME/.cache}/wfctl-render-compare/bpmn-js-$bpmnjs_version
if [ ! -f "$cache/node_modules/bpmn-js/dist/bpmn-viewer.production.min.js" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm install --no-audit --no-fund --silent "bpmn-js@$bpmnjs_version" >&2)
fi
dist=$cache/node_modules/bpmn-js/dist
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "no chromium: apt-get install chromium" >&2; exit 3; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/wfctl" ./cmd/wfctl)

for f in "$@"; do
  name=$(basename "${f%.bpmn}")
  "$tmp/wfctl" render "$f" -o "$tmp/$name.svg" 2>"$tmp/$name.err" || { cat "$tmp/$name.err" >&2; continue; }
  w=$(grep -o 'width="[0-9]*"' "$tmp/$name.svg" | head -1 | tr -dc 0-9)
  h=$(grep -o 'height="[0-9]*"' "$tmp/$name.svg" | head -1 | tr -dc 0-9)
  # Each side shows the whole diagram at most 900 x 700 pixels.
  pw=$(( w < 900 ? w : 900 )); ph=$(( h < 700 ? h : 700 ))
  xml=$(node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(process.argv[1], "utf8")))' "$f")
  cat >"$tmp/$name.html" <<EOF
<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://$dist/assets/diagram-js.css">
<link rel="stylesheet" href="file://$dist/assets/bpmn-js.css">
<style>
body{margin:10px;font:14px Arial,sans-serif;background:#fff}
.row{display:flex;gap:20px}
.pane{width:${pw}px}
.pic{width:${pw}px;height:${ph}px;border:1px solid #ccc;display:flex;align-items:center;justify-content:center;overflow:hidden}
.pic img{max-width:100%;max-height:100%}
#canvas{width:${pw}px;height:${ph}px}
</style></head><body>
<div class="row">
<div class="pane"><b>wfctl render</b> — $name.bpmn<div class="pic"><img src="file://$tmp/$name.svg"></div></div>
<div class="pane"><b>bpmn-js $bpmnjs_version</b><div class="pic"><div id="canvas"></div></div></div>
</div>
<script src="file://$dist/bpmn-viewer.production.min.js"></script>
<script>
const viewer = new BpmnJS({container: '#canvas'});
viewer.importXML($xml).then(() => viewer.get('canvas').zoom('fit-viewport'))
  .catch(e => { document.getElementById('canvas').textContent = 'bpmn-js: ' + e.message; });
</script></body></html>
EOF
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --allow-file-access-from-files --user-data-dir="$tmp/chromium" \
    --virtual-time-budget=5000 --window-size=$((2 * pw + 60)),$((ph + 60)) \
    --screenshot="$out/$name.png" "file://$tmp/$name.html" >/dev/null 2>&1
  echo "$out/$name.png"
done
