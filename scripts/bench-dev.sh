#!/usr/bin/env bash
# Measures `wfctl dev` with the real binary and the Go benchmarks:
#
#   1. start-to-ready: from starting the process to its "ready HOST:PORT"
#      line, RUNS times on a fresh data folder and RUNS times restarting
#      on the same one (median, min, max, in ms);
#   2. end-to-end throughput: BenchmarkEndToEnd, instances created through
#      wfctl.commands and completed by a franz-go job worker through the
#      broker (instances/s and CPU µs per instance, COUNT runs);
#   3. restart on a data folder holding 42,000 completed instances (about
#      1.1 million records on wfctl.records; RESTART_INSTANCES): the
#      BenchmarkRestart, side by side from the folder's snapshot and
#      folding the whole log (ms per restart, records folded).
#
#   4. on a folder with about 1.1 million records and 100 instances in
#      flight: restart to ready, `wfctl instance list` and `instance show`
#      (median of 10 runs of the real binary), beside `wfctl records`
#      reading the history once, which is what list and show cost before
#      the engine answered them (BenchmarkQueries).
#
#   5. `wfctl job worker --concurrency 8` (the real binary, handler true)
#      on 2,000 waiting jobs, beside a bare franz-go worker, the worker
#      runtime (devclient.Worker) with a no-op handler in its process, and
#      spawning the handler alone as often (the ceiling a process per job
#      sets on this machine): BenchmarkWorker, jobs/s.
#
#   scripts/bench-dev.sh          (RUNS=10 INSTANCES=100000 COUNT=5 by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
runs=${RUNS:-10}
instances=${INSTANCES:-100000}
count=${COUNT:-5}
tmp=$(mktemp -d)
cleanup() { [[ -n "${DEV_PID:-}" ]] && kill "$DEV_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cd "$root"
go build -o "$tmp/wfctl" ./cmd/wfctl

# ready_ms DATADIR: starts wfctl dev, waits for its ready line, stops it
# with Ctrl-C (SIGINT) and prints the milliseconds to ready.
ready_ms() {
  local start end line
  start=$(date +%s%N)
  coproc DEV { exec "$tmp/wfctl" dev --port 0 --data-dir "$1" 2>"$tmp/dev.err"; }
  if ! read -r -t 30 line <&"${DEV[0]}" || [[ $line != ready* ]]; then
    echo "wfctl dev did not get ready:" >&2; cat "$tmp/dev.err" >&2; exit 1
  fi
  end=$(date +%s%N)
  kill -INT "$DEV_PID"; wait "$DEV_PID" || { echo "wfctl dev failed to stop:" >&2; cat "$tmp/dev.err" >&2; exit 1; }
  DEV_PID=
  echo $(( (end - start) / 1000000 ))
}

stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %s ms (min %s, max %s, %d runs)\n", m, a[1], a[NR], NR}'; }

fresh=(); again=()
for i in $(seq "$runs"); do fresh+=("$(ready_ms "$tmp/fresh-$i")"); done
for i in $(seq "$runs"); do again+=("$(ready_ms "$tmp/again")"); done
echo "start to ready, fresh data folder:      $(printf '%s\n' "${fresh[@]}" | stats)"
echo "start to ready, restart on same folder: $(printf '%s\n' "${again[@]}" | stats)"

echo "end to end ($instances instances a run, $count runs; broker, engine, producer and worker in one process):"
go test ./pkg/dev -run '^$' -bench 'EndToEnd/data-dir' -benchtime "${instances}x" -count "$count" >"$tmp/e2e.out"
awk '/^BenchmarkEndToEnd/ {print "  " $0}' "$tmp/e2e.out"
metric() { awk -v m="$1" '/^BenchmarkEndToEnd/ {for (i = 2; i <= NF; i++) if ($i == m) print $(i-1)}' "$tmp/e2e.out" |
  sort -n | awk '{a[NR]=$1} END {printf "%s (min %s, max %s)", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2, a[1], a[NR]}'; }
echo "  median $(metric instances/s) instances/s; median $(metric cpu-µs/instance) CPU µs per instance"

restart_instances=${RESTART_INSTANCES:-42000}
echo "restart on a folder with $restart_instances completed instances, from its snapshot and folding the whole log:"
WFCTL_BENCH_INSTANCES=$restart_instances go test ./pkg/dev -run '^$' -bench 'Restart' -benchtime 3x | awk '/^BenchmarkRestart/ {print "  " $0}'

echo "queries on a folder with $restart_instances completed instances and 100 in flight (real binaries):"
WFCTL_BENCH_INSTANCES=$restart_instances go test ./pkg/dev -run '^$' -bench 'Queries' -benchtime 1x | awk '/^BenchmarkQueries/ {print "  " $0}'

echo "job worker, --concurrency 8, handler true, 2,000 jobs (jobs/s; runtime: devclient.Worker, no process per job; spawn-only: sh -c true alone, 8 at once):"
go test ./pkg/dev -run '^$' -bench 'Worker' -benchtime 1x | awk '/^BenchmarkWorker/ {print "  " $0}'
