package engine

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected records of the scenario files")

// TestScenarios runs fixtures/engine/scenarios/*.txt: each is a list of
// commands, each followed by the records it must produce in the compact
// notation (notation_test.go). Lines starting with # are comments. With
// -update the expectations are rewritten from what the engine does; every
// change must be reviewed against Zeebe's behaviour before it is kept.
//
// Each scenario also checks determinism on the way: replaying its records
// onto a new engine must rebuild the same state, and a snapshot restored
// at the end must equal the original.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("../../fixtures/engine/scenarios/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScenarioFile(t, f) })
	}
}

func runScenarioFile(t *testing.T, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newScenario(t)
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimRight(string(src), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "  "):
			continue // an expectation: regenerated below
		case line == "" || strings.HasPrefix(line, "#"):
			out.WriteString(line + "\n")
			continue
		}
		out.WriteString(line + "\n")
		for _, r := range s.run(line) {
			out.WriteString("  " + r + "\n")
		}
	}
	got := out.String()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if got != string(src) {
		t.Errorf("records differ from %s (run with -update to see the difference in git, then review):\n%s", path, diffLines(string(src), got))
	}
	s.checkReplay()
}

// diffLines shows the first differing lines.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, a, b)
		}
	}
	return ""
}

type scenario struct {
	t         *testing.T
	e         *Engine
	n         *notation
	log       []Record
	instances []int64
}

var scenarioStart = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)

func newScenario(t *testing.T) *scenario {
	e := New(WithStartTime(scenarioStart))
	return &scenario{t: t, e: e, n: &notation{e: e, start: scenarioStart.UnixMilli(), scopes: map[int64]string{}}}
}

// run executes one command line and returns its records in notation.
func (s *scenario) run(line string) []string {
	verb, args, doc := splitCommand(line)
	err := s.exec(verb, args, doc)
	var out []string
	for _, r := range s.e.LastRecords() {
		s.log = append(s.log, r.Clone())
		out = append(out, s.n.record(r))
	}
	if err != nil {
		if _, rejected := err.(*RejectionError); !rejected {
			out = append(out, "error: "+err.Error())
		}
	}
	return out
}

func splitCommand(line string) (verb string, args map[string]string, doc map[string]any) {
	if i := strings.IndexByte(line, '{'); i >= 0 {
		d := json.NewDecoder(strings.NewReader(line[i:]))
		d.UseNumber()
		if err := d.Decode(&doc); err != nil {
			panic(fmt.Sprintf("bad JSON in %q: %v", line, err))
		}
		line = line[:i]
	}
	fields := splitQuoted(line)
	args = map[string]string{}
	n := 0
	for _, f := range fields[1:] {
		if k, v, ok := strings.Cut(f, "="); ok {
			args[k] = strings.Trim(v, `"`)
		} else {
			args[strconv.Itoa(n)] = f
			n++
		}
	}
	return fields[0], args, doc
}

// splitQuoted splits at spaces outside double quotes.
func splitQuoted(line string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func (s *scenario) exec(verb string, a map[string]string, doc map[string]any) error {
	e := s.e
	switch verb {
	case "deploy":
		return s.deploy(a)
	case "create":
		v, _ := strconv.Atoi(a["version"])
		if v == 0 {
			v = -1
		}
		key, err := e.CreateInstanceVersion(a["0"], int32(v), doc)
		if err == nil {
			s.instances = append(s.instances, key)
		}
		return err
	case "publish":
		r, err := e.PublishMessage(Message{Name: a["0"], CorrelationKey: a["key"], TTL: dur(a["ttl"]), MessageID: a["id"], Variables: doc})
		if r.StartedInstance != 0 {
			s.instances = append(s.instances, r.StartedInstance)
		}
		return err
	case "activate":
		max, _ := strconv.Atoi(a["max"])
		_, err := e.ActivateJobs(JobRequest{Type: a["0"], Worker: a["worker"], MaxJobs: max, Timeout: dur(a["timeout"])})
		return err
	case "evaluate":
		_, err := e.EvaluateDecision(a["0"], doc)
		return err
	case "broadcast":
		_, err := e.BroadcastSignal(a["0"], doc)
		return err
	case "advance":
		_, err := e.AdvanceTime(dur(a["0"]))
		return err
	}
	return s.execOnState(verb, a, doc)
}

func (s *scenario) execOnState(verb string, a map[string]string, doc map[string]any) error {
	e := s.e
	switch verb {
	case "complete":
		return e.CompleteJob(s.job(a["0"]), doc)
	case "fail":
		r, _ := strconv.Atoi(a["retries"])
		return e.FailJob(s.job(a["0"]), r, dur(a["backoff"]), a["msg"])
	case "throw":
		return e.ThrowError(s.job(a["0"]), a["1"], a["msg"], doc)
	case "yield":
		return e.YieldJob(s.job(a["0"]))
	case "retries":
		r, _ := strconv.Atoi(a["1"])
		return e.UpdateJobRetries(s.job(a["0"]), r)
	case "cancel":
		return e.CancelInstance(s.instance(a["0"]))
	case "cancel-called":
		return e.CancelInstance(s.called(s.instance(a["0"])))
	case "resolve":
		return e.ResolveIncident(s.incident(a["0"]))
	case "set":
		return e.SetVariables(s.instance(a["0"]), doc, false)
	case "complete-key":
		k, _ := strconv.ParseInt(a["0"], 10, 64)
		return e.CompleteJob(k, doc)
	}
	s.t.Fatalf("unknown scenario command %q", verb)
	return nil
}

func (s *scenario) deploy(a map[string]string) error {
	var rs []Resource
	for i := 0; a[strconv.Itoa(i)] != ""; i++ {
		name := a[strconv.Itoa(i)]
		src, err := os.ReadFile(filepath.Join("../../fixtures/engine", name))
		if err != nil {
			s.t.Fatal(err)
		}
		rs = append(rs, Resource{Name: filepath.Base(name), Content: src})
	}
	_, err := s.e.Deploy(rs...)
	return err
}

func dur(s string) time.Duration {
	if s == "" {
		return 0
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			panic(err)
		}
		return time.Duration(n) * 24 * time.Hour
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// job returns the oldest job of a type (any state), or -1.
func (s *scenario) job(typ string) int64 {
	var keys []int64
	for k, j := range s.e.jobs {
		if j.typ == typ {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return -1
	}
	return slices.Min(keys)
}

// instance returns the n-th instance created (1-based), the last without n.
func (s *scenario) instance(n string) int64 {
	if len(s.instances) == 0 {
		return -1
	}
	if i, err := strconv.Atoi(n); err == nil && i >= 1 && i <= len(s.instances) {
		return s.instances[i-1]
	}
	return s.instances[len(s.instances)-1]
}

// called returns the process instance a call activity of pi started.
func (s *scenario) called(pi int64) int64 {
	for _, in := range s.e.Instances() {
		if c := s.e.roots[in.Key].x; c != nil && c.caller != nil && c.caller.root.key == pi {
			return in.Key
		}
	}
	return -1
}

// incident returns the oldest open incident (of an element, if named).
func (s *scenario) incident(elementID string) int64 {
	for _, inc := range s.e.Incidents() {
		if elementID == "" || inc.ElementID == elementID {
			return inc.Key
		}
	}
	return -1
}

// checkReplay replays the scenario's records onto a new engine and
// compares the states, then restores a snapshot and compares again.
func (s *scenario) checkReplay() {
	want := mustSnapshot(s.t, s.e)
	r := New(WithStartTime(scenarioStart))
	for _, rec := range s.log {
		if err := r.Apply(rec); err != nil {
			s.t.Fatalf("replay: %v", err)
		}
	}
	if got := mustSnapshot(s.t, r); string(got) != string(want) {
		s.t.Errorf("replayed state differs:\n%s", diffLines(string(want), string(got)))
	}
	restored, err := Restore(want)
	if err != nil {
		s.t.Fatal(err)
	}
	if got := mustSnapshot(s.t, restored); string(got) != string(want) {
		s.t.Errorf("restored state differs:\n%s", diffLines(string(want), string(got)))
	}
}

func mustSnapshot(t *testing.T, e *Engine) []byte {
	t.Helper()
	b, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
