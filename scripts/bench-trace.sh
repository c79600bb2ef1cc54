#!/usr/bin/env bash
# Measures `wfctl trace` end to end against a local broker holding the
# demo history (200,000 orders, about 950,000 records, 6 partitions), and
# a bare franz-go consumer reading the same topic to its end in the same
# run: the physical limit trace is measured against.
#
#   scripts/bench-trace.sh            (ORDERS=200000 RUNS=3 by default)
#
# The broker runs in its own process (wfctl demo serve); trace runs as
# the real binary, so its peak RSS is its own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
orders=${ORDERS:-200000}
runs=${RUNS:-3}
tmp=$(mktemp -d)
cleanup() { [[ -n "${serve:-}" ]] && kill "$serve" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cd "$root"
go build -o "$tmp/wfctl" ./cmd/wfctl
go test -c -o "$tmp/kafka.test" ./pkg/kafka

"$tmp/wfctl" demo serve --listen 127.0.0.1:0 --orders "$orders" >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve=$!
for _ in $(seq 600); do
  grep -q '^ready ' "$tmp/serve.out" 2>/dev/null && break
  kill -0 "$serve" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.1
done
addr=$(awk '/^ready /{print $2}' "$tmp/serve.out")
echo "broker $addr: $(grep generated "$tmp/serve.err")"

bare=$(WFCTL_BENCH_BROKERS=$addr WFCTL_BENCH_TOPIC=orders "$tmp/kafka.test" -test.run '^$' \
  -test.bench BareConsumer -test.benchtime "${runs}x" | awk '/records\/s/{for(i=1;i<=NF;i++) if($(i+1)=="records/s") print $i}')

best=0; rss=0; records=0; rates=()
for i in $(seq "$runs"); do
  /usr/bin/time -f '%M %e' -o "$tmp/time" "$tmp/wfctl" trace -b "$addr" --topic orders \
    --model fixtures/orders/order-fulfillment.bpmn --as-of last -o json >"$tmp/report.json"
  read -r kb wall <"$tmp/time"
  records=$(grep -m1 '"records"' "$tmp/report.json" | tr -dc '0-9')
  rate=$(awk -v n="$records" -v s="$wall" 'BEGIN{printf "%d", n/s}')
  echo "trace run $i: $records records in ${wall}s wall = $rate records/s, peak RSS $((kb / 1024)) MB"
  rates+=("$rate")
  (( rate > best )) && best=$rate
  (( kb > rss )) && rss=$kb
done
echo "bare franz-go consumer: ${bare%.*} records/s"
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}')
echo "wfctl trace (best of $runs, whole process wall time): $best records/s (median $median), peak RSS $((rss / 1024)) MB"
awk -v t="$best" -v b="$bare" 'BEGIN{printf "trace / bare consumer: %.2f\n", t/b}'
