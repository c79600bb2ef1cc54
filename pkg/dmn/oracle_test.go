package dmn

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The oracle corpus: fixtures/dmn/cases.ndjson lists evaluations (a
// decision of a file in fixtures/dmn/models, with variables);
// fixtures/dmn/expected.ndjson holds what an independent engine from npm
// answered (dmn-eval-js, completed from the DMN specification where it
// lacks a hit policy; see scripts/dmn-oracle.sh, which regenerates it).
// fixtures/dmn/differences.ndjson lists every case where that engine and
// Camunda's documented behaviour part, with what Camunda (and so wfctl)
// gives and why.

type oracleCase struct {
	Name     string         `json:"name"`
	File     string         `json:"file"`
	Decision string         `json:"decision"`
	Vars     map[string]any `json:"vars"`
}

type oracleAnswer struct {
	Name   string          `json:"name"`
	Oracle json.RawMessage `json:"oracle"`
	Error  string          `json:"error"`
}

type oracleDifference struct {
	Name string `json:"name"`
	// Camunda is wfctl's answer: a JSON value, or {"error": "..."} for a
	// failed evaluation.
	Camunda json.RawMessage `json:"camunda"`
	Why     string          `json:"why"`
}

const fixtures = "../../fixtures/dmn/"

func readLines[T any](t *testing.T, path string) []T {
	t.Helper()
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, path)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, v)
	}
	return out
}

// answer evaluates a case and renders the outcome as the oracle does: the
// output as JSON, or {"error": ...} for a failed evaluation.
func answer(t *testing.T, models map[string]*Definitions, c oracleCase) string {
	d, ok := models[c.File]
	if !ok {
		var err error
		d, err = Parse(c.File, readFile(t, fixtures+"models/"+c.File))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		models[c.File] = d
	}
	res, err := d.Evaluate(c.Decision, c.Vars)
	var ee *EvalError
	switch {
	case errors.As(err, &ee):
		return `{"error":true}`
	case err != nil:
		t.Fatalf("%s: %v", c.Name, err)
	}
	return canonical(t, []byte(jsonOf(t, res.Output)))
}

// canonical re-encodes JSON so that 1, 1.0 and 1e0 compare equal.
func canonical(t *testing.T, data []byte) string {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if m, ok := v.(map[string]any); ok {
		if _, isErr := m["error"]; isErr && len(m) == 1 {
			return `{"error":true}`
		}
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func TestOracle(t *testing.T) {
	cases := readLines[oracleCase](t, fixtures+"cases.ndjson")
	answers := map[string]oracleAnswer{}
	for _, a := range readLines[oracleAnswer](t, fixtures+"expected.ndjson") {
		answers[a.Name] = a
	}
	differences := map[string]oracleDifference{}
	for _, d := range readLines[oracleDifference](t, fixtures+"differences.ndjson") {
		if d.Why == "" {
			t.Errorf("difference %s: say why", d.Name)
		}
		differences[d.Name] = d
	}
	models := map[string]*Definitions{}
	agree := 0
	for _, c := range cases {
		a, ok := answers[c.Name]
		if !ok {
			t.Errorf("%s: no oracle answer: run scripts/dmn-oracle.sh", c.Name)
			continue
		}
		want := `{"error":true}`
		if a.Error == "" {
			want = canonical(t, a.Oracle)
		}
		got := answer(t, models, c)
		diff, listed := differences[c.Name]
		switch {
		case got == want && listed:
			t.Errorf("%s: listed as a difference but wfctl and the oracle agree on %s", c.Name, got)
		case got == want:
			agree++
		case !listed:
			t.Errorf("%s: wfctl gives %s, the oracle %s (%s); explain it in differences.ndjson or fix it", c.Name, got, want, a.Error)
		case got != canonical(t, diff.Camunda):
			t.Errorf("%s: wfctl gives %s, but differences.ndjson says Camunda gives %s", c.Name, got, diff.Camunda)
		}
		delete(differences, c.Name)
	}
	for name := range differences {
		t.Errorf("differences.ndjson lists %s, which is not a case", name)
	}
	pct := 100 * float64(agree) / float64(len(cases))
	t.Logf("%d of %d evaluations agree with the oracle (%.2f%%)", agree, len(cases), pct)
	if len(cases) < 150 || pct < 99 {
		t.Errorf("agreement %.2f%% over %d cases: want at least 99%% over at least 150", pct, len(cases))
	}
}
