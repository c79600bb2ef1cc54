package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tableCases are the ok and findings cells of the command table, each
// brought about for real, in the order they run: the last moves the
// engine's clock to its end, for good.
func tableCases() []tableCase {
	key := func(k int64) string { return strconv.FormatInt(k, 10) }
	return []tableCase{
		// Files: nothing to talk to.
		{command: "validate", column: colOK, args: func(t *testing.T, _ *scene) []string { return []string{path(t, paymentModel)} }},
		{command: "validate", column: colOK, args: fixed("--list-rules")},
		{command: "validate", column: colFindings, says: "wfctl/task-definition", args: func(t *testing.T, _ *scene) []string { return []string{path(t, invalidModel)} }},
		{command: "feel", column: colOK, args: fixed("1 + x", "--vars", `{"x": 1}`)},
		{command: "feel", column: colOK, args: func(t *testing.T, s *scene) []string {
			return []string{"--batch", s.file(t, "cases.ndjson", `{"expression": "1 + x", "vars": {"x": 1}}`+"\n"+`{"expression": "1 +"}`+"\n")}
		}},
		{command: "feel", column: colFindings, says: "expected an expression", args: fixed("1 +")},
		{command: "decision evaluate", column: colOK, offline: true, args: func(t *testing.T, _ *scene) []string {
			return []string{path(t, discountModel), "--decision", "tier", "--variables", `{"customer": {"orders": 3}}`}
		}},
		{command: "decision evaluate", column: colFindings, offline: true, says: "UNIQUE hit policy", args: func(t *testing.T, _ *scene) []string {
			return []string{path(t, discountModel), "--decision", "tier", "--variables", `{"customer": {"orders": 10}}`}
		}},
		{command: "render", column: colOK, args: func(t *testing.T, s *scene) []string {
			return []string{path(t, orderModel), "-o", s.dir + "/order.svg"}
		}},
		{command: "render", column: colFindings, says: "no diagram", args: func(t *testing.T, s *scene) []string {
			return []string{path(t, tableModel), "-o", s.dir + "/table.svg"}
		}},
		{command: "version", column: colOK, args: fixed()},
		{command: "completion", column: colOK, args: fixed("bash")},
		{command: "demo", column: colOK, args: fixed("--orders", "1000")}, // some stall: lines for -o ndjson
		{command: "demo serve", column: colOK, args: fixed("--listen", "127.0.0.1:0", "--orders", "20"),
			ready: func(out, _ string) bool { return strings.HasPrefix(out, "ready ") }},
		{command: "dev", column: colOK, args: fixed("--port", "0", "--in-memory"),
			ready: func(out, _ string) bool { return strings.Contains(out, "ready") }},

		// Profiles, in the scene's config folder.
		{command: "profile create", column: colOK, args: func(_ *testing.T, s *scene) []string { return []string{"table", "-b", s.addr, "--force"} }},
		{command: "profile use", column: colOK, args: func(t *testing.T, s *scene) []string { s.profile(t, "table"); return []string{"table"} }},
		{command: "profile list", column: colOK, args: fixed()},
		{command: "profile delete", column: colOK, args: func(t *testing.T, s *scene) []string { s.profile(t, "gone"); return []string{"gone"} }},

		// The engine.
		{command: "deploy", column: colOK, args: func(t *testing.T, _ *scene) []string {
			return []string{"--no-lint", path(t, tableModel), path(t, discountModel)} // the model has no diagram
		}},
		{command: "deploy", column: colFindings, says: "wfctl/task-definition", args: func(t *testing.T, _ *scene) []string { return []string{path(t, invalidModel)} }},
		{command: "decision evaluate", column: colOK, args: func(t *testing.T, s *scene) []string {
			s.deploy(t)
			return []string{"discount", "--variables", `{"customer": {"orders": 12}, "amount": 150}`}
		}},
		{command: "decision evaluate", column: colFindings, says: "UNIQUE hit policy", args: func(t *testing.T, s *scene) []string {
			s.deploy(t)
			return []string{"tier", "--variables", `{"customer": {"orders": 10}}`}
		}},
		{command: "instance create", column: colOK, args: func(t *testing.T, s *scene) []string { s.deploy(t); return []string{"work"} }},
		{command: "instance create", column: colFindings, says: "none start event", args: func(t *testing.T, s *scene) []string {
			s.deploy(t)
			return []string{"by-message"} // it has no none start event
		}},
		{command: "instance list", column: colOK, args: fixed("--limit", "5")},
		{command: "instance show", column: colOK, args: func(t *testing.T, s *scene) []string { return []string{key(s.instance(t, "work"))} }},
		{command: "instance cancel", column: colOK, args: func(t *testing.T, s *scene) []string { return []string{key(s.instance(t, "work"))} }},
		{command: "instance cancel", column: colFindings, says: "created by a parent process instance", args: func(t *testing.T, s *scene) []string {
			return []string{key(s.child(t))} // its parent is cancelled, not it
		}},
		{command: "job activate", column: colOK, args: func(t *testing.T, s *scene) []string {
			s.instance(t, "work")
			return []string{"table-work", "--max", "1"}
		}},
		{command: "job complete", column: colOK, args: func(t *testing.T, s *scene) []string { return []string{key(s.job(t).Key)} }},
		{command: "job complete", column: colFindings, says: "in state 'FAILED'", args: func(t *testing.T, s *scene) []string { return []string{key(s.stuckJob(t).job)} }},
		{command: "job fail", column: colOK, args: func(t *testing.T, s *scene) []string { return []string{key(s.job(t).Key), "--retries", "1"} }},
		{command: "job fail", column: colFindings, says: "in state 'FAILED'", args: func(t *testing.T, s *scene) []string {
			return []string{key(s.stuckJob(t).job), "--retries", "0"}
		}},
		{command: "job throw-error", column: colOK, args: func(t *testing.T, s *scene) []string {
			return []string{key(s.job(t).Key), "--error-code", "E"} // nothing catches it: an incident, and exit 0
		}},
		{command: "job throw-error", column: colFindings, says: "in state 'FAILED'", args: func(t *testing.T, s *scene) []string {
			return []string{key(s.stuckJob(t).job), "--error-code", "E"}
		}},
		{command: "job update-retries", column: colOK, args: func(t *testing.T, s *scene) []string {
			return []string{key(s.job(t).Key), "--retries", "2"}
		}},
		{command: "job worker", column: colOK, args: func(t *testing.T, s *scene) []string {
			s.instance(t, "work")
			return []string{"table-work", "--handler", "true"}
		}, ready: func(_, errOut string) bool { return strings.Contains(errOut, "completed job") }},
		{command: "incident resolve", column: colOK, args: func(t *testing.T, s *scene) []string { return []string{key(s.resolvableIncident(t))} }},
		{command: "incident resolve", column: colFindings, says: "has no retries left", args: func(t *testing.T, s *scene) []string {
			return []string{key(s.stuckJob(t).incident)} // its job has no retries
		}},
		{command: "variables set", column: colOK, args: func(t *testing.T, s *scene) []string {
			return []string{key(s.instance(t, "work")), "--variables", `{"a": 1}`}
		}},
		{command: "variables set", column: colFindings, says: "--max-document-size", args: func(t *testing.T, s *scene) []string {
			return []string{key(s.instance(t, "work")), "--variables", "@" + s.bigVariables(t)} // over --max-document-size
		}},
		{command: "message publish", column: colOK, args: func(t *testing.T, s *scene) []string {
			s.deploy(t)
			return []string{"Go", "--correlation-key", "k"} // starts by-message
		}},
		{command: "message publish", column: colFindings, says: "already published", args: func(t *testing.T, s *scene) []string {
			s.publishedOnce(t)
			return []string{"M", "--correlation-key", "k", "--ttl", "1h", "--message-id", "table-dup"}
		}},
		{command: "signal broadcast", column: colOK, args: fixed("S")},
		{command: "status", column: colOK, args: fixed()},
		{command: "records", column: colOK, args: fixed("-n", "20")},
		{command: "demo generate", column: colOK, args: fixed("--orders", "20", "--topic", "table-demo")},
		{command: "trace", column: colOK, args: func(t *testing.T, s *scene) []string {
			s.orderHistory(t)
			return []string{"--topic", traceTopic, "--model", path(t, orderModel), "--as-of", "last"}
		}},
		{command: "trace", column: colFindings, says: "o-old", args: func(t *testing.T, s *scene) []string {
			s.orderHistory(t)
			return []string{"--topic", traceTopic, "--model", path(t, orderModel), "--as-of", "last", "--fail-on", "stalled"}
		}},
		traceFollowCase(),
		{command: "clock show", column: colOK, args: fixed()},
		{command: "clock add", column: colOK, args: fixed("1m")},
		{command: "clock pin", column: colOK, args: func(t *testing.T, s *scene) []string { return []string{s.clockAhead(t)} }},
		{command: "clock pin", column: colFindings, says: "before the engine's clock", args: fixed("1971-01-01T00:00:00Z")}, // before the engine's clock
		{command: "clock reset", column: colOK, args: fixed()},
		// Last: the clock stays at the end of time.
		{command: "clock add", column: colFindings, says: "past the engine's last time", args: func(t *testing.T, s *scene) []string { s.pinAtTheEnd(t); return []string{"2d"} }},
	}
}

// stalledLive is o-1's stall as trace --follow reports it live, as text
// or as a JSON line.
var stalledLive = regexp.MustCompile(`(?m)^(stalled +o-1 |\{.*"event":"stalled".*"correlation_key":"o-1")`)

// traceFollowCase follows the order history: the report as of an hour
// after o-1 was placed (o-old has stalled), then, with the wall clock
// moved a day on, o-1's stall, live.
func traceFollowCase() tableCase {
	var clock *fakeClock
	return tableCase{command: "trace", column: colOK,
		args: func(t *testing.T, s *scene) []string {
			s.orderHistory(t)
			clock = s.traceClock
			clock.Set(traceStart.Add(time.Hour))
			return []string{"--topic", traceTopic, "--model", path(t, orderModel), "--follow"}
		},
		now: func() time.Time { return clock.Now() },
		ready: func(out, _ string) bool {
			if strings.Contains(out, "o-old") { // the report: caught up
				clock.Set(traceStart.Add(25 * time.Hour))
			}
			return stalledLive.MatchString(out)
		},
	}
}
