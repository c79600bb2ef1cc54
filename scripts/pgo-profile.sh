#!/usr/bin/env bash
# Regenerates cmd/wfctl/default.pgo, the CPU profile Go's profile-guided
# optimisation builds wfctl with (go build picks up default.pgo in the
# main package's folder by itself): three runs of `wfctl trace` over the
# demo history (200,000 orders) in a local broker, wfctl's main job.
# Rerun after large changes to the engine or trace; measure with
# scripts/bench-trace.sh before and after.
#
#   scripts/pgo-profile.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
tmp=$(mktemp -d)
cleanup() { [[ -n "${serve:-}" ]] && kill "$serve" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cd "$root"
go build -pgo=off -o "$tmp/wfctl" ./cmd/wfctl
"$tmp/wfctl" demo serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve=$!
for _ in $(seq 600); do
  grep -q '^ready ' "$tmp/serve.out" 2>/dev/null && break
  kill -0 "$serve" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.1
done
addr=$(awk '/^ready /{print $2}' "$tmp/serve.out")
for i in 1 2 3; do
  "$tmp/wfctl" trace -b "$addr" --topic orders --model fixtures/orders/order-fulfillment.bpmn \
    --as-of last -o json --cpuprofile "$tmp/trace-$i.prof" >/dev/null
done
go tool pprof -proto "$tmp"/trace-*.prof >cmd/wfctl/default.pgo 2>/dev/null
echo "wrote cmd/wfctl/default.pgo ($(wc -c <cmd/wfctl/default.pgo) bytes)"
