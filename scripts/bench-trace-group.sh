#!/usr/bin/env bash
# Measures issue 14's figures for tracking groups (`wfctl trace --follow
# --group`), each side by side in one run with its reference where one
# exists, on a single-topic co-partitioned layout (orders keyed by order
# id with franz-go's default partitioner, 6 partitions: nothing goes
# through the repartition topic):
#
#   restart  a replica that has processed RESTART_RECORDS (5M) records (fed
#            in batches of 500,000, each processed before the next, as a
#            service that keeps up sees them) is stopped (SIGINT, clean) or
#            killed (SIGKILL) and started again with the same --replica-id:
#            seconds from process start to the first /readyz 200, and to
#            /readyz 200 with all 6 tasks owned ("resumed"; after a SIGKILL
#            the first can come before the replica owns any task), with the
#            default --checkpoint-every (10s) and with 1s; the checkpoint
#            bytes read and records run again. Target: <= 2 s. References:
#            reading the whole history (the bare franz-go consumer, best of
#            RUNS; `wfctl trace` replaying it, whole process).
#   scale    catch-up throughput of a SCALE_RECORDS (2M) history with 1, 2
#            and 4 replicas (SCALE_REPLICAS), started together: start to
#            every replica ready with every offset committed, and the steady
#            rate (10% to 90% of the records processed); CPU per record per
#            replica, the broker's and the rest of the machine's; the
#            checkpoints written. References: the bare consumer and `wfctl
#            trace` on the same topic.
#   live     1 replica, a producer at LIVE_RATE (200,000) records/s for
#            LIVE_SECONDS (60): offset lag (end - group's committed) and
#            processing lag (produced - records_processed_total) each
#            second, max and final; the achieved produce rate; cores busy
#            (replica, broker, generator, machine); commits and their time;
#            the checkpoints written.
#   latency  --idle-after 1s, --stall-after AwaitPayment=LAT_THRESHOLD
#            (30s): LAT_N (1,000) orders placed live over LAT_SPREAD (20s),
#            never paid; the alerts topic read read_committed: (time the
#            alert was read) - (waiting since + threshold), p50/p99/max.
#            Target: p99 <= 2 s. Then a run where orders keep coming while
#            the stalls fall due (spread 40s, threshold 10s; LAT_BUSY=0
#            skips it).
#
#   scripts/bench-trace-group.sh                       every part (about 10 min)
#   PARTS=latency scripts/bench-trace-group.sh         one part alone
#   RESTART_RECORDS=500000 SCALE_RECORDS=300000 LIVE_SECONDS=15 scripts/bench-trace-group.sh   a quick try
#   REV=HEAD scripts/bench-trace-group.sh              a commit, not the working tree
#   PROFILE=1 PARTS=live scripts/bench-trace-group.sh  also the replica's CPU profile (pprof -top)
#   RUNS=3 (restarts per case, and best-of runs of the references); KEEP=1 keeps the logs
#
# Each part has its own broker (wfctl demo serve, kfake, its own process)
# and runs wfctl as the real binary; the load generator and the watcher
# are scripts/tracegroupbench (Go, franz-go). Everything shares this
# machine's cores: the part's table says how many there are, and the
# scale part how busy they were.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
parts=${PARTS:-restart,scale,live,latency}
restart_records=${RESTART_RECORDS:-5000000}
scale_records=${SCALE_RECORDS:-2000000}
scale_replicas=${SCALE_REPLICAS:-1 2 4}
live_rate=${LIVE_RATE:-200000}
live_seconds=${LIVE_SECONDS:-60}
live_max_rss=${LIVE_MAX_RSS_MB:-6000}
lat_n=${LAT_N:-1000}
lat_threshold=${LAT_THRESHOLD:-30s}
lat_spread=${LAT_SPREAD:-20s}
runs=${RUNS:-3}
model=fixtures/orders/order-fulfillment.bpmn
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${KEEP:-}" ]] && echo "logs kept in $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
cd "$root"
# REV=HEAD (or any revision) measures that commit, built from a clean
# copy (git archive), rather than the working tree as it is.
src=$root
if [[ -n "${REV:-}" ]]; then
  src=$tmp/src
  mkdir -p "$src"
  git archive "$REV" | tar -x -C "$src"
fi
(cd "$src" && go build -o "$tmp/wfctl" ./cmd/wfctl && go test -c -o "$tmp/kafka.test" ./pkg/kafka)
go build -o "$tmp/tgb" ./scripts/tracegroupbench
results=()
row() { results+=("$(printf '%-58s %s' "$1" "$2")"); printf '  => %-55s %s\n' "$1" "$2"; }
has() { [[ ",$parts," == *",$1,"* ]]; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
# records (5M) → orders: the generator writes 797 records per 200 orders
# (one in 200 is never paid: 1 record instead of 4).
orders_for() { echo $(( ($1 * 200 + 796) / 797 )); }

# broker NAME: a broker of its own (wfctl demo serve holding one seed
# order on topic seed); sets addr and bpid.
broker() {
  local name=$1
  "$tmp/wfctl" demo serve --listen 127.0.0.1:0 --orders 1 --topic seed >"$tmp/$name.out" 2>"$tmp/$name.err" &
  bpid=$!
  pids+=("$bpid")
  for _ in $(seq 300); do
    grep -q '^ready ' "$tmp/$name.out" 2>/dev/null && break
    kill -0 "$bpid" 2>/dev/null || { cat "$tmp/$name.err" >&2; exit 1; }
    sleep 0.05
  done
  addr=$(awk '/^ready /{print $2}' "$tmp/$name.out")
}

# replica LOG GROUP TOPIC [FLAGS...]: starts a replica in the background
# (its stderr to $tmp/LOG.err); sets rpid.
replica() {
  local log=$1 group=$2 topic=$3; shift 3
  "$tmp/wfctl" trace --follow --group "$group" --topic "$topic" -m "$model" -b "$addr" \
    --metrics-addr 127.0.0.1:0 "$@" >"$tmp/$log.out" 2>"$tmp/$log.err" &
  rpid=$!
  pids+=("$rpid")
}

# metrics LOG: the replica's /metrics URL, once it printed it.
metrics() {
  local u=""
  for _ in $(seq 1000); do
    u=$(grep -o 'http://[^ ]*/metrics' "$tmp/$1.err" 2>/dev/null | tail -1 || true)
    [[ -n "$u" ]] && break
    sleep 0.005
  done
  echo "$u"
}

# ready LOG PID: waits for the replica just started to be ready with all
# 6 tasks; prints the seconds it took.
ready() { "$tmp/tgb" ready -log "$tmp/$1.err" -start "$(date +%s%N)" -pid "$2" | awk '{print $4}'; }

# mbusy: CPU seconds the whole machine has been busy (/proc/stat).
mbusy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8+$9)/hz; exit}' /proc/stat; }

# cpu PID: user+system CPU seconds of a process.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; }

# bare TOPIC: the bare consumer's records/s (best of $runs).
bare() {
  WFCTL_BENCH_BROKERS=$addr WFCTL_BENCH_TOPIC=$1 "$tmp/kafka.test" -test.run '^$' \
    -test.bench BareConsumer -test.benchtime "${runs}x" | awk '/records\/s/{for(i=1;i<=NF;i++) if($(i+1)=="records/s") printf "%d", $i}'
}

# batch TOPIC: `wfctl trace` (no group) replaying the topic: records and
# the whole process's wall seconds, best of $runs; sets trace_rec, trace_s.
batch() {
  trace_s=999999
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$tmp/wfctl" trace -b "$addr" --topic "$1" -m "$model" --as-of last -o json >"$tmp/batch.json"
    trace_rec=$(grep -m1 '"records"' "$tmp/batch.json" | tr -dc '0-9')
    read -r w u sy <"$tmp/time"
    if awk -v a="$trace_s" -v b="$w" 'BEGIN{exit !(b<a)}'; then
      trace_s=$w
      trace_us=$(awk -v u="$u" -v s="$sy" -v n="$trace_rec" 'BEGIN{printf "%.1f", (u+s)/n*1e6}')
    fi
  done
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%d", n/s}'; }

# checkpoints LABEL GROUP: a row with the checkpoints GROUP wrote to its
# state topic: how many, MB in all, the largest in MB.
checkpoints() {
  local ck ckb ckmax
  read -r _ ck _ ckb _ ckmax _ <<<"$("$tmp/tgb" state -b "$addr" -topic "wfctl.trace.$2.state")"
  row "$1" "$ck / $((ckb >> 20)) / $(awk -v m="$ckmax" 'BEGIN{printf "%.1f", m/1048576}')"
}

if [[ -n "${REV:-}" ]]; then
  echo "wfctl at $(git rev-parse --short "$REV") (clean copy)"
else
  echo "wfctl at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- cmd pkg || echo ', with the working tree'"'"'s changes')"
fi
echo "machine: $(nproc) cores, shared by the broker, the replicas and the load generator; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- restart
if has restart; then
  part_start=$SECONDS
  echo
  echo "== restart: a replica that processed ${restart_records} records, stopped or killed, started again"
  broker restart
  rbpid=$bpid
  n_orders=$(orders_for "$restart_records")
  "$tmp/tgb" produce -b "$addr" -topic orders -orders 0 >/dev/null # the topic, 6 partitions
  # Fed in batches of 500,000 records, each processed before the next is
  # produced, as a service that keeps up sees them (one 5M catch-up holds
  # every record back until the group has committed its inputs to their
  # end: see the scale part). --checkpoint-every 1s only shortens the
  # feeding; the state the restarts read is the same.
  replica r-feed rs orders --replica-id r1 --checkpoint-every 1s
  feed_pid=$rpid
  u=$(metrics r-feed)
  t0=$(now)
  "$tmp/tgb" produce -b "$addr" -topic orders -orders "$n_orders" -batch 125000 -metrics "$u" >"$tmp/feed.txt" 2>"$tmp/feed.err"
  feed_s=$(since "$t0")
  n_rec=$(awk '{print $2}' "$tmp/feed.txt")
  "$tmp/tgb" stat -metrics "$u" >"$tmp/feed.stat"
  read -r _ done_rec feed_cpu feed_rss _ <"$tmp/feed.stat"
  echo "  fed $n_rec records in batches in ${feed_s}s; the replica processed $done_rec (CPU ${feed_cpu}s, RSS ${feed_rss} MB)"
  kill -INT "$feed_pid"; wait "$feed_pid" || true

  # restart_run LABEL HOW FLAGS...: stop the running replica (HOW: INT or
  # KILL), start it again with the same --replica-id, and time from the
  # start to the first /readyz 200 and to /readyz 200 with all 6 tasks
  # owned (resumed).
  cur_pid=""
  restart_run() {
    local label=$1 how=$2; shift 2
    local ready=() resumed=()
    for i in $(seq "$runs"); do
      if [[ -z "$cur_pid" ]]; then # a replica to stop
        replica r-pre rs orders --replica-id r1 "$@"
        cur_pid=$rpid
        "$tmp/tgb" ready -log "$tmp/r-pre.err" -start "$(date +%s%N)" -pid "$cur_pid" >/dev/null
      fi
      local ts; ts=$(now)
      kill -"$how" "$cur_pid"; wait "$cur_pid" 2>/dev/null || true
      local stop_s; stop_s=$(since "$ts")
      local t; t=$(date +%s%N)
      replica "r-$label-$i" rs orders --replica-id r1 "$@"
      cur_pid=$rpid
      local r; r=$("$tmp/tgb" ready -log "$tmp/r-$label-$i.err" -start "$t" -pid "$cur_pid")
      ready+=("$(awk '{print $2}' <<<"$r")")
      resumed+=("$(awk '{print $4}' <<<"$r")")
      reran=$(awk '{print $6}' <<<"$r")
      local restore
      restore=$(grep -o 'restored ([0-9]* bytes of checkpoint) in [0-9.]*m\?s' "$tmp/r-$label-$i.err" | awk '{b+=substr($2,2); d=$NF; n++; if (d ~ /ms$/) s+=d/1000; else s+=d+0} END {printf "%d tasks, %d KB in %.2fs", n, b/1024, s}' || true)
      echo "  $label run $i: stopped in ${stop_s}s; started again: /readyz 200 after ${ready[-1]}s, with all 6 tasks after ${resumed[-1]}s, $reran records run again (checkpoints read: $restore)"
    done
    kill -INT "$cur_pid"; wait "$cur_pid" 2>/dev/null || true
    cur_pid=""
    span() { printf '%s\n' "$@" | sort -n | awk 'NR==1{a=$1} {b=$1} END{printf (a==b)? "%s" : "%s..%s", a, b}'; }
    best="$(span "${resumed[@]}")s resumed (first /readyz 200: $(span "${ready[@]}")s)"
  }
  restart_run clean-10s INT
  row "restart after clean stop (SIGINT), defaults ($runs runs)" "$best"
  restart_run kill-10s KILL
  row "restart after SIGKILL, defaults" "$best"
  restart_run clean-1s INT --checkpoint-every 1s
  row "restart after clean stop, --checkpoint-every 1s" "$best"
  restart_run kill-1s KILL --checkpoint-every 1s
  row "restart after SIGKILL, --checkpoint-every 1s" "$best"
  bare_rate=$(bare orders)
  row "  reference: bare consumer reads the ${n_rec} records" "$(awk -v n="$n_rec" -v r="$bare_rate" 'BEGIN{printf "%.2fs (%d records/s)", n/r, r}')"
  batch orders
  row "  reference: wfctl trace replays them (whole process)" "${trace_s}s ($(rate "$trace_rec" "$trace_s") records/s, ${trace_us} us CPU/record)"
  row "  reference: the group's own first pass (fed in batches)" "${feed_s}s"
  kill "$rbpid"; wait "$rbpid" 2>/dev/null || true
  echo "  (restart took $((SECONDS - part_start))s)"
fi

# ---------------------------------------------------------------- scale
if has scale; then
  part_start=$SECONDS
  echo
  echo "== scale: catching up a history of ${scale_records} records with $scale_replicas replicas"
  broker scale
  sbpid=$bpid
  "$tmp/tgb" produce -b "$addr" -topic orders -orders "$(orders_for "$scale_records")" >"$tmp/scale.txt"
  n_rec=$(awk '{print $2}' "$tmp/scale.txt")
  echo "  history: $n_rec records on orders (6 partitions)"
  bare_rate=$(bare orders)
  batch orders
  row "scale reference: bare consumer" "$bare_rate records/s"
  row "scale reference: wfctl trace (no group, whole process)" "$(rate "$trace_rec" "$trace_s") records/s, ${trace_us} us CPU/record"
  for nr in $scale_replicas; do
    group=scale$nr
    rps=() urls=()
    b0=$(cpu "$sbpid")
    m0=$(mbusy)
    t0=$(now)
    for i in $(seq "$nr"); do
      replica "s$nr-$i" "$group" orders --replica-id "s$nr-$i"
      rps+=("$rpid")
    done
    for i in $(seq "$nr"); do urls+=("$(metrics "s$nr-$i")"); done
    ulist=$(IFS=,; echo "${urls[*]}")
    w=$("$tmp/tgb" wait -b "$addr" -topic orders -group "$group" -records "$n_rec" -metrics "$ulist" -timeout 20m)
    el=$(since "$t0")
    steady=$(awk '{print ($4 > 0) ? $4 " records/s" : "n/a (too few commits)"}' <<<"$w")
    bcpu=$(awk -v a="$b0" -v b="$(cpu "$sbpid")" 'BEGIN{printf "%.2f", b-a}')
    mcpu=$(awk -v a="$m0" -v b="$(mbusy)" 'BEGIN{printf "%.2f", b-a}')
    "$tmp/tgb" stat -metrics "$ulist" >"$tmp/s$nr.stat"
    tot_cpu=0
    detail=""
    i=0
    while read -r _ recs _ rss tasks; do
      c=$(cpu "${rps[$i]}")
      tot_cpu=$(awk -v a="$tot_cpu" -v b="$c" 'BEGIN{print a+b}')
      detail+=" r$((i + 1)): ${tasks} tasks, $recs records, ${c}s CPU = $(awk -v c="$c" -v n="$recs" 'BEGIN{printf "%.1f", (n>0)? c/n*1e6 : 0}') us/record, RSS ${rss} MB;"
      i=$((i + 1))
    done <"$tmp/s$nr.stat"
    echo " $detail"
    row "scale: $nr replica(s), catch-up start to ready" "$(rate "$n_rec" "$el") records/s (${el}s)"
    row "  steady (10% to 90% of the records processed)" "$steady"
    row "  CPU s: replicas (per record) / broker / rest of machine" "$(awk -v r="$tot_cpu" -v b="$bcpu" -v m="$mcpu" -v n="$n_rec" 'BEGIN{printf "%.1f (%.1f us) / %.1f / %.1f", r, r/n*1e6, b, m-r-b}')"
    row "  cores busy: ours / whole machine" "$(awk -v r="$tot_cpu" -v b="$bcpu" -v m="$mcpu" -v e="$el" 'BEGIN{printf "%.2f / %.2f of %d", (r+b)/e, m/e, '"$(nproc)"'}')"
    for p in "${rps[@]}"; do kill -INT "$p" 2>/dev/null || true; done
    for p in "${rps[@]}"; do wait "$p" 2>/dev/null || true; done
    checkpoints "  checkpoints written: count / MB in all / largest MB" "$group"
  done
  kill "$sbpid"; wait "$sbpid" 2>/dev/null || true
  echo "  (scale took $((SECONDS - part_start))s)"
fi

# ---------------------------------------------------------------- live
if has live; then
  part_start=$SECONDS
  echo
  echo "== live: 1 replica, ${live_rate} records/s for ${live_seconds}s (generator, broker and replica on $(nproc) cores)"
  broker live
  lbpid=$bpid
  "$tmp/tgb" produce -b "$addr" -topic live -orders 0 >/dev/null
  prof=(); [[ -n "${PROFILE:-}" ]] && prof=(--cpuprofile "$tmp/live.pprof")
  replica live gl live --replica-id l1 "${prof[@]}"
  lpid=$rpid
  echo "  replica ready after $(ready live "$lpid")s"
  "$tmp/tgb" live -b "$addr" -topic live -group gl -metrics "$(metrics live)" -rate "$live_rate" -duration "${live_seconds}s" \
    -replica-pid "$lpid" -broker-pid "$lbpid" -max-rss-mb "$live_max_rss" -max-broker-rss-mb "$live_max_rss" | tee "$tmp/live.txt" | sed 's/^/  /'
  s=$(grep '^summary' "$tmp/live.txt")
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$s"; }
  row "live: achieved produce rate" "$(get rate) records/s over $(get seconds)s ($(get produced) records)"
  row "live: offset lag (end - committed), max / final" "$(get max_offset_lag) / $(get final_offset_lag) records"
  row "live: processing lag (produced - processed), max / final" "$(get max_processed_lag) / $(get final_processed_lag) records"
  row "live: watermark lag max" "$(get max_watermark_lag_s)s"
  row "live: cores busy: replica / broker / generator" "$(get cpu_replica) / $(get cpu_broker) / $(get cpu_gen) of $(nproc)"
  row "live: transactions committed, mean commit time" "$(get commits) in $(get seconds)s, $(get commit_ms) ms each"
  st=$(get stopped); [[ "$st" != '""' ]] && row "live: run cut short" "$st"
  kill -INT "$lpid" 2>/dev/null || true; wait "$lpid" 2>/dev/null || true
  checkpoints "live: checkpoints written: count / MB in all / largest MB" gl
  if [[ -n "${PROFILE:-}" ]]; then
    echo "  CPU profile of the replica (go tool pprof -top):"
    go tool pprof -top -nodecount 25 "$tmp/wfctl" "$tmp/live.pprof" 2>/dev/null | sed 's/^/    /'
    cp "$tmp/live.pprof" "${PROFILE_DIR:-/tmp}/bench-trace-group-live.pprof"
  fi
  kill "$lbpid"; wait "$lbpid" 2>/dev/null || true
  echo "  (live took $((SECONDS - part_start))s)"
fi

# ---------------------------------------------------------------- latency
if has latency; then
  part_start=$SECONDS
  echo
  echo "== latency: --idle-after 1s, ${lat_n} orders placed live over ${lat_spread}, stalled at AwaitPayment after ${lat_threshold}"
  broker latency
  tbpid=$bpid
  # lat_run NAME THRESHOLD SPREAD LABEL
  lat_run() {
    local topic=$1 th=$2 spread=$3 label=$4
    "$tmp/tgb" produce -b "$addr" -topic "$topic" -orders 0 >/dev/null
    replica "lat-$topic" "g$topic" "$topic" --replica-id "$topic" --idle-after 1s --stall-after "AwaitPayment=$th"
    local p=$rpid
    echo "  replica ready after $(ready "lat-$topic" "$p")s"
    "$tmp/tgb" latency -b "$addr" -topic "$topic" -alerts "wfctl.trace.g$topic.alerts" -n "$lat_n" -threshold "$th" -spread "$spread" >"$tmp/$topic.txt" || true
    cat "$tmp/$topic.txt" | sed 's/^/  /'
    local s; s=$(cat "$tmp/$topic.txt")
    g() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$s"; }
    row "latency ($label): alerts" "$(g alerts) of $(g of)"
    row "  read (committed) - due: p50 / p99 / max" "$(g commit_p50) / $(g commit_p99) / $(g commit_max) s"
    row "  alert record's timestamp - due: p50 / p99 / max" "$(g write_p50) / $(g write_p99) / $(g write_max) s"
    kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  }
  lat_run lat "$lat_threshold" "$lat_spread" "quiet when due"
  if [[ "${LAT_BUSY:-1}" != 0 ]]; then
    lat_run latbusy 10s 40s "orders still coming when due"
  fi
  kill "$tbpid"; wait "$tbpid" 2>/dev/null || true
  echo "  (latency took $((SECONDS - part_start))s)"
fi

echo
echo "figure                                                     value   (whole run: $((SECONDS / 60))m$((SECONDS % 60))s)"
printf '%s\n' "${results[@]}"
