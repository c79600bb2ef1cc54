#!/usr/bin/env bash
# Measures `wfctl trace` end to end against a local broker holding the
# demo history (200,000 orders, about 944,000 records), side by side in
# one run with a bare franz-go consumer reading the same topic to its end
# (the physical limit trace is measured against), on two layouts:
#
#   single  one topic, orders, 6 partitions
#   split   the same history as three services write it: orders (3
#           partitions), payments (4), shipping (2)
#
#   scripts/bench-trace.sh              (ORDERS=200000 RUNS=5 by default)
#   SCALE=1 scripts/bench-trace.sh      also 10x the orders: time ratio and peak RSS
#
# The brokers run in their own processes (wfctl demo serve); trace runs as
# the real binary, so its wall time and peak RSS are the whole process's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
orders=${ORDERS:-200000}
runs=${RUNS:-5}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cd "$root"
go build -o "$tmp/wfctl" ./cmd/wfctl
go test -c -o "$tmp/kafka.test" ./pkg/kafka

# serve NAME ORDERS [FLAGS...]: a broker holding a history; sets addr.
serve() {
  local name=$1 n=$2; shift 2
  "$tmp/wfctl" demo serve --listen 127.0.0.1:0 --orders "$n" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 3000); do
    grep -q '^ready ' "$tmp/$name.out" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$tmp/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  addr=$(awk '/^ready /{print $2}' "$tmp/$name.out")
  echo "broker $name on $addr: $(grep generated "$tmp/$name.err"), $(grep produced "$tmp/$name.err")"
}

# bare ADDR TOPIC: the bare consumer's records/s (best of the runs).
bare() {
  WFCTL_BENCH_BROKERS=$1 WFCTL_BENCH_TOPIC=$2 "$tmp/kafka.test" -test.run '^$' \
    -test.bench BareConsumer -test.benchtime "${runs}x" | awk '/records\/s/{for(i=1;i<=NF;i++) if($(i+1)=="records/s") print $i}'
}

# trace NAME ADDR TOPICS...: runs trace $runs times; prints each run and
# sets best, median, rss (KB), wall (best seconds).
trace() {
  local name=$1 a=$2; shift 2
  local args=() t rates=() walls=()
  for t in "$@"; do args+=(--topic "$t"); done
  best=0; rss=0
  for i in $(seq "$runs"); do
    /usr/bin/time -f '%M %e' -o "$tmp/time" "$tmp/wfctl" trace -b "$a" "${args[@]}" \
      --model fixtures/orders/order-fulfillment.bpmn --as-of last -o json >"$tmp/$name.json"
    read -r kb w <"$tmp/time"
    records=$(grep -m1 '"records"' "$tmp/$name.json" | tr -dc '0-9')
    rate=$(awk -v n="$records" -v s="$w" 'BEGIN{printf "%d", n/s}')
    echo "  $name run $i: $records records in ${w}s wall = $rate records/s, peak RSS $((kb / 1024)) MB"
    rates+=("$rate"); walls+=("$w")
    (( rate > best )) && best=$rate
    (( kb > rss )) && rss=$kb
  done
  median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}')
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
}

serve single "$orders"
single=$addr
serve split "$orders" --split
split=$addr

bare_rate=$(bare "$single" orders)
trace single "$single" orders
s_best=$best s_median=$median s_rss=$rss s_wall=$wall
trace split "$split" orders payments shipping
p_best=$best p_median=$median p_rss=$rss
cmp <(grep -v '"replay_seconds"\|"records_per_second"\|"topic"\|"partition"\|"offset"\|"instance_key"' "$tmp/single.json" | sort) \
    <(grep -v '"replay_seconds"\|"records_per_second"\|"topic"\|"partition"\|"offset"\|"instance_key"' "$tmp/split.json" | sort) >/dev/null \
  && echo "the two layouts give the same report (but for where records were)" \
  || echo "WARNING: the two layouts give different reports"

echo
echo "bare franz-go consumer (best of $runs): ${bare_rate%.*} records/s"
echo "wfctl trace, one topic   (whole process wall time, best of $runs): $s_best records/s (median $s_median), peak RSS $((s_rss / 1024)) MB"
echo "wfctl trace, three topics (best of $runs): $p_best records/s (median $p_median), peak RSS $((p_rss / 1024)) MB"
awk -v t="$s_best" -v b="$bare_rate" 'BEGIN{printf "trace / bare consumer: %.2f\n", t/b}'
awk -v s="$s_best" -v p="$p_best" 'BEGIN{printf "three topics / one topic: %.2f\n", p/s}'

if [[ -n "${SCALE:-}" ]]; then
  kill "${pids[@]}" 2>/dev/null || true
  echo
  serve scale $((orders * 10))
  runs=1
  trace scale "$addr" orders
  awk -v big="$wall" -v small="$s_wall" -v r="$rss" 'BEGIN{printf "10x the orders: %.1fs vs %.1fs = %.1fx the time, peak RSS %d MB\n", big, small, big/small, r/1024}'
fi
