#!/usr/bin/env bash
# Regenerates fixtures/feel/expected.ndjson: the results that feelin (the FEEL
# interpreter of Camunda's web tooling) gives for every case in
# fixtures/feel/cases.ndjson. pkg/feel's oracle test compares wfctl's FEEL
# with these results; it reads the committed file and does not need node.
#
# Usage: scripts/feel-oracle.sh        (needs node >= 18 and npm)
#
# feelin is installed, pinned, into a temporary folder that is removed on
# exit; nothing is installed into the repository.
set -euo pipefail

FEELIN_VERSION=8.2.0
# now() and today() read this instant; the Go test injects the same clock.
CLOCK_MS=$(( 1715769000 * 1000 )) # 2024-05-15T10:30:00Z

repo=$(cd "$(dirname "$0")/.." && pwd)
cases="$repo/fixtures/feel/cases.ndjson"
expected="$repo/fixtures/feel/expected.ndjson"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "feelin@$FEELIN_VERSION" >/dev/null

cat >oracle.mjs <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';

// pin the clock before feelin (and its Temporal polyfill) loads
const clock = Number(process.env.CLOCK_MS);
Date.now = () => clock;

const { evaluate, unaryTest } = await import('feelin');

// encode turns a feelin value into the JSON shape the Go test decodes:
// plain JSON for null, booleans, numbers, strings, lists and contexts, and
// one-key objects for the rest.
function encode(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { '@number': String(v) };
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(encode);
  const kind = v.constructor && v.constructor.name;
  switch (kind) {
    case 'FeelDate': return { '@date': v.toString() };
    case 'FeelTime': return { '@time': v.toString() };
    case 'FeelDateTime': return { '@dateTime': v.toString() };
    case 'FeelDuration': return { '@duration': v.toString() };
    case 'FeelRange': return { '@range': `${v['start included'] ? '[' : '('}${JSON.stringify(encode(v.start))}..${JSON.stringify(encode(v.end))}${v['end included'] ? ']' : ')'}` };
    case 'FeelFunction': return { '@function': (v.parameterNames || []).join(',') };
  }
  if (typeof v === 'function') return { '@function': '' };
  const out = {};
  for (const [k, e] of Object.entries(v)) out[k] = encode(e);
  return out;
}

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l.trim());
const out = [];
for (const line of lines) {
  const c = JSON.parse(line);
  const vars = c.vars || {};
  let result;
  try {
    const r = c.unary
      ? unaryTest(c.expression, { ...vars, '?': c.input ?? null })
      : evaluate(c.expression, vars);
    result = { name: c.name, feelin: encode(r.value), warnings: r.warnings.map(w => w.type) };
  } catch (err) {
    result = { name: c.name, feelin: null, error: String(err.message || err).split('\n')[0] };
  }
  out.push(JSON.stringify(result));
}
writeFileSync(process.argv[3], out.join('\n') + '\n');
console.error(`feelin ${process.env.FEELIN_VERSION}: ${out.length} cases evaluated`);
EOF

TZ=UTC CLOCK_MS=$CLOCK_MS FEELIN_VERSION=$FEELIN_VERSION node oracle.mjs "$cases" "$expected"
