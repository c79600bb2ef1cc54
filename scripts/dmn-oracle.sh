#!/usr/bin/env bash
# Regenerates fixtures/dmn/expected.ndjson: what an independent DMN engine
# from npm answers for every evaluation in fixtures/dmn/cases.ndjson (a
# decision of a file in fixtures/dmn/models with variables). pkg/dmn's
# oracle test compares wfctl's decisions with these answers; it reads the
# committed file and does not need node.
#
# Usage: scripts/dmn-oracle.sh        (needs node >= 18 and npm)
#
# The engine is dmn-eval-js (@hbtgmbh/dmn-eval-js): it parses the DMN XML
# and evaluates decision tables (rule matching, input and output entries)
# with its own FEEL. It knows only the hit policies UNIQUE, FIRST, RULE
# ORDER and COLLECT without aggregation and no literal expressions, so this
# script adds, from the DMN 1.3 specification rather than from Camunda:
#   - PRIORITY, ANY, OUTPUT ORDER and COLLECT with an aggregation: the table
#     is evaluated as RULE ORDER by dmn-eval-js (the matched rules' outputs
#     in rule order) and the hit policy is applied to that list here:
#     PRIORITY/OUTPUT ORDER sort by the position in outputValues, ANY fails
#     unless all outputs are equal, and SUM/MIN/MAX/COUNT are FEEL's
#     sum/min/max/count of the outputs (DMN 1.3, 8.2.11);
#   - literal expressions: evaluated with feelin (the FEEL interpreter of
#     Camunda's web tooling, pinned as in scripts/feel-oracle.sh);
#   - the decision requirements graph: each required decision is evaluated
#     first and its result is a variable named after its <variable> (else
#     its id), as DMN specifies (dmn-eval-js merges a required table's
#     output columns into the variables instead).
# Both packages are installed, pinned, into a temporary folder that is
# removed on exit; nothing is installed into the repository.
set -euo pipefail

DMN_EVAL_JS_VERSION=1.5.0
FEELIN_VERSION=8.2.0

repo=$(cd "$(dirname "$0")/.." && pwd)
cases="$repo/fixtures/dmn/cases.ndjson"
models="$repo/fixtures/dmn/models"
expected="$repo/fixtures/dmn/expected.ndjson"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "@hbtgmbh/dmn-eval-js@$DMN_EVAL_JS_VERSION" "feelin@$FEELIN_VERSION" >/dev/null

cat >oracle.mjs <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { decisionTable } = require('@hbtgmbh/dmn-eval-js');
const { readDmnXml } = require('@hbtgmbh/dmn-eval-js/utils/helper/decision-table-xml.js');
require('loglevel').getLogger('dmn-eval-js').setLevel('silent');
const { evaluate } = await import('feelin');

// dmn-eval-js reads DMN 1.1; the models are DMN 1.3, whose elements used
// here are the same.
const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
const DMN11 = 'http://www.omg.org/spec/DMN/20151101/dmn.xsd';
const NATIVE = new Set(['UNIQUE', 'FIRST', 'RULE ORDER', 'COLLECT']);

function encode(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Date) return { '@dateTime': v.toISOString() };
  const kind = v.constructor && v.constructor.name;
  if (kind && kind.startsWith('Feel')) return { ['@' + kind.slice(4).toLowerCase()]: v.toString() };
  const out = {};
  for (const [k, e] of Object.entries(v)) out[k] = encode(e);
  return out;
}

function feel(expr, vars) {
  return evaluate(expr, vars).value;
}

async function load(file) {
  const xml = readFileSync(file, 'utf8').replaceAll(DMN13, DMN11);
  const defs = await new Promise((resolve, reject) =>
    readDmnXml(xml, {}, (err, d) => (err ? reject(err) : resolve(d))));
  // dmn-eval-js refuses the hit policies it does not know: hand it RULE
  // ORDER (all matches, in order) and apply the real one here.
  const native = xml
    .replace(/hitPolicy="(PRIORITY|ANY|OUTPUT ORDER)"/g, 'hitPolicy="RULE ORDER"')
    .replace(/hitPolicy="COLLECT" aggregation="[A-Z]+"/g, 'hitPolicy="RULE ORDER"');
  const tables = await decisionTable.parseDmnXml(native);
  // The requirements graph is evaluated here, by variable name.
  for (const id of Object.keys(tables)) tables[id].requiredDecisions = [];
  const byId = {};
  for (const el of defs.drgElements) if (el.$type === 'dmn:Decision') byId[el.id] = el;
  return { byId, tables };
}

function evalDecision(model, id, vars, memo) {
  if (id in memo) return memo[id];
  const d = model.byId[id];
  if (!d) throw new Error(`no decision ${id}`);
  const ctx = { ...vars };
  for (const req of d.informationRequirement || []) {
    if (!req.requiredDecision) continue;
    const rid = req.requiredDecision.href.replace('#', '');
    const r = model.byId[rid];
    ctx[(r.variable && r.variable.name) || rid] = evalDecision(model, rid, vars, memo);
  }
  const result = d.literalExpression ? feel(d.literalExpression.text, ctx) : evalTable(model, d, ctx);
  memo[id] = result;
  return result;
}

function evalTable(model, d, ctx) {
  const t = d.decisionTable;
  const hp = t.hitPolicy || 'UNIQUE';
  const names = t.output.map(o => o.name);
  const one = o => (names.length === 1 ? nullish(o[names[0]]) : Object.fromEntries(names.map(n => [n, nullish(o[n])])));
  const raw = decisionTable.evaluateDecision(d.id, model.tables, { ...ctx });
  if (hp === 'UNIQUE' || hp === 'FIRST') {
    return names.every(n => raw[n] === undefined) ? null : one(raw);
  }
  const rows = raw.map(one);
  if (hp === 'RULE ORDER' || (hp === 'COLLECT' && !t.aggregation)) return rows.length ? rows : null;
  if (hp === 'COLLECT') {
    const fn = { SUM: 'sum', MIN: 'min', MAX: 'max', COUNT: 'count' }[t.aggregation];
    return feel(`${fn}(xs)`, { xs: rows });
  }
  if (rows.length === 0) return null;
  if (hp === 'ANY') {
    const first = JSON.stringify(rows[0]);
    if (rows.some(r => JSON.stringify(r) !== first)) throw new Error('ANY: the matching rules have different outputs');
    return rows[0];
  }
  // PRIORITY and OUTPUT ORDER: by position in each output's outputValues.
  const lists = t.output.map(o => (o.outputValues ? feel(`[${o.outputValues.text}]`, {}) : []));
  const rank = r => names.map((n, i) => {
    const k = lists[i].indexOf(names.length === 1 ? r : r[n]);
    return k < 0 ? Infinity : k;
  });
  const sorted = rows.map((r, i) => ({ r, i, k: rank(r) })).sort((a, b) => {
    for (let j = 0; j < a.k.length; j++) if (a.k[j] !== b.k[j]) return a.k[j] - b.k[j];
    return a.i - b.i;
  }).map(x => x.r);
  return hp === 'PRIORITY' ? sorted[0] : sorted;
}

function nullish(v) { return v === undefined ? null : v; }

const [casesFile, modelsDir, outFile] = process.argv.slice(2);
const lines = readFileSync(casesFile, 'utf8').split('\n').filter(l => l.trim());
const models = {};
const out = [];
for (const line of lines) {
  const c = JSON.parse(line);
  let result;
  try {
    models[c.file] ||= await load(`${modelsDir}/${c.file}`);
    result = { name: c.name, oracle: encode(evalDecision(models[c.file], c.decision, c.vars || {}, {})) };
  } catch (err) {
    result = { name: c.name, oracle: null, error: String(err.message || err).split('\n')[0] };
  }
  out.push(JSON.stringify(result));
}
writeFileSync(outFile, out.join('\n') + '\n');
console.error(`dmn-eval-js ${process.env.DMN_EVAL_JS_VERSION} + feelin ${process.env.FEELIN_VERSION}: ${out.length} evaluations`);
EOF

TZ=UTC DMN_EVAL_JS_VERSION=$DMN_EVAL_JS_VERSION FEELIN_VERSION=$FEELIN_VERSION node oracle.mjs "$cases" "$models" "$expected"
