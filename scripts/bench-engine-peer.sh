#!/usr/bin/env bash
# Runs the engine benchmarks' two models in wfctl's engine (pkg/engine)
# and in bpmn-engine (npm, a popular JavaScript BPMN engine), side by
# side on one core, and prints the ratio.
#
#   scripts/bench-engine-peer.sh
#
# Environment: ORDER_N (instances of the order model run by bpmn-engine,
# default 2000), WAIT_N (instances of the receive-task model waiting at
# once in bpmn-engine, default 2000; wfctl's benchmark uses 1,000,000),
# BENCHTIME (go test -benchtime for the order benchmark, default 3s).
#
# bpmn-engine is installed pinned with npm into a temporary folder (never
# into the repository). It cannot read FEEL or run job workers, so the
# script gives it the same models with the gateway condition written in
# JavaScript and runs its service tasks with its built-in dummy service
# (a service that completes at once), the closest equivalent of a job
# completed in process. Both parse the model once and start every
# instance from the parsed form. Node runs one thread; Go runs with
# -cpu 1 (GOMAXPROCS=1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
order_n=${ORDER_N:-2000}
wait_n=${WAIT_N:-2000}
benchtime=${BENCHTIME:-3s}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "running wfctl's engine benchmarks (go test -bench, -cpu 1)" >&2
(cd "$root" && go test ./pkg/engine -run '^$' -bench 'BenchmarkOrderProcess/records$|BenchmarkMessageCorrelation' \
  -cpu 1 -benchtime "$benchtime" -count 1) | tee "$tmp/go.txt" >&2
wf_order=$(awk '/BenchmarkOrderProcess\/records/ {for (i=1;i<=NF;i++) if ($i=="instances/s") print $(i-1)}' "$tmp/go.txt")
wf_corr=$(awk '/BenchmarkMessageCorrelation/ {for (i=1;i<=NF;i++) if ($i=="correlations/s") print $(i-1)}' "$tmp/go.txt")
wf_mem=$(awk '/BenchmarkMessageCorrelation/ {for (i=1;i<=NF;i++) if ($i=="bytes/instance") print $(i-1)}' "$tmp/go.txt")

echo "installing bpmn-engine@25.0.1 with npm into $tmp/npm" >&2
mkdir -p "$tmp/npm"
(cd "$tmp/npm" && npm install --silent --no-audit --no-fund bpmn-engine@25.0.1 >/dev/null)

sed 's#<bpmn:conditionExpression>=amount &gt; 100</bpmn:conditionExpression>#<bpmn:conditionExpression language="js">environment.variables.amount \&gt; 100</bpmn:conditionExpression>#' \
  "$root/fixtures/engine/order.bpmn" > "$tmp/npm/order.bpmn"
cp "$root/fixtures/engine/receive.bpmn" "$tmp/npm/receive.bpmn"
grep -q 'language="js"' "$tmp/npm/order.bpmn" || { echo "could not rewrite the order model's condition" >&2; exit 1; }

cat > "$tmp/npm/peer.mjs" <<'EOF'
import { Engine } from 'bpmn-engine';
import fs from 'node:fs';

// Conditions written in JavaScript, compiled once per expression.
class Scripts {
  constructor() { this.fns = new Map(); }
  register() {}
  getScript(language, activity) {
    if (language !== 'js') return undefined;
    const body = activity.behaviour.conditionExpression.body;
    let fn = this.fns.get(body);
    if (!fn) { fn = new Function('environment', `return (${body});`); this.fns.set(body, fn); }
    return { execute(scope, callback) { callback(null, fn(scope.environment)); } };
  }
}

// Parse once; every instance starts from the serialized context.
async function parsed(file) {
  const source = fs.readFileSync(file, 'utf8');
  return new Engine({ name: 'parse' })._serializeSource(source);
}

async function run(sourceContext, variables, scripts) {
  const engine = new Engine({ name: 'i', sourceContext, scripts, settings: { enableDummyService: true } });
  const ended = new Promise((resolve, reject) => { engine.once('end', resolve); engine.once('error', reject); });
  const execution = await engine.execute({ variables });
  return { engine, execution, ended };
}

const [orderN, waitN] = process.argv.slice(2).map(Number);
const scripts = new Scripts();

const order = await parsed('order.bpmn');
let start = process.hrtime.bigint();
for (let i = 0; i < orderN; i++) {
  const { ended } = await run(order, { amount: 150 }, scripts);
  await ended;
}
let secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`order_instances_per_s ${(orderN / secs).toFixed(0)}`);

const receive = await parsed('receive.bpmn');
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const waiting = new Map();
for (let i = 0; i < waitN; i++) {
  const key = `order-${String(i).padStart(7, '0')}`;
  waiting.set(key, await run(receive, { orderId: key }, scripts));
}
global.gc?.();
const perInstance = (process.memoryUsage().heapUsed - heapBefore) / waitN;
start = process.hrtime.bigint();
for (const [key, w] of waiting) {
  w.execution.signal({ id: 'Msg_paid' });
  await w.ended;
  waiting.delete(key);
}
secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`correlations_per_s ${(waitN / secs).toFixed(0)}`);
console.log(`bytes_per_waiting_instance ${perInstance.toFixed(0)}`);
EOF

echo "running bpmn-engine ($order_n order instances, $wait_n waiting instances)" >&2
(cd "$tmp/npm" && node --expose-gc --max-old-space-size=8192 peer.mjs "$order_n" "$wait_n") | tee "$tmp/node.txt" >&2
js_order=$(awk '/order_instances_per_s/ {print $2}' "$tmp/node.txt")
js_corr=$(awk '/correlations_per_s/ {print $2}' "$tmp/node.txt")
js_mem=$(awk '/bytes_per_waiting_instance/ {print $2}' "$tmp/node.txt")

printf '\n%-34s %14s %14s %8s\n' "" "wfctl engine" "bpmn-engine" "ratio"
awk -v a="$wf_order" -v b="$js_order" 'BEGIN {printf "%-34s %14.0f %14.0f %7.0fx\n", "order process (instances/s)", a, b, a/b}'
awk -v a="$wf_corr" -v b="$js_corr" 'BEGIN {printf "%-34s %14.0f %14.0f %7.0fx\n", "message correlation (per s)", a, b, a/b}'
awk -v a="$wf_mem" -v b="$js_mem" 'BEGIN {printf "%-34s %14.0f %14.0f %7.0fx\n", "memory per waiting instance (B)", a, b, b/a}'
