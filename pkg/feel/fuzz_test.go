package feel

import (
	"errors"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to both parsers and evaluates whatever
// parses. Parsing must fail only with a *SyntaxError pointing into the
// source, and evaluation must never panic (the evaluator's safety net
// turns a panic into an INTERNAL_ERROR warning, which fails the test).
// Seeded from the oracle corpus.
func FuzzParse(f *testing.F) {
	cases := readNDJSON[oracleCase](f, "../../fixtures/feel/cases.ndjson")
	for _, c := range cases {
		f.Add(c.Expression)
	}
	vars := Map{
		"n": 1.5, "s": "text", "b": true, "nothing": nil,
		"list": []any{1.0, "a", []any{2.0}, map[string]any{"k": 3.0}},
		"ctx":  map[string]any{"a": 1.0, "b": map[string]any{"c": "d"}},
	}
	clock := WithClock(func() time.Time { return oracleClock })
	f.Fuzz(func(t *testing.T, src string) {
		x, err := Parse(src)
		if err != nil {
			checkSyntaxError(t, src, err)
		} else {
			_, warnings := x.Eval(vars, clock)
			failOnInternalError(t, src, warnings)
			_ = Names(x)
		}
		u, err := ParseUnaryTests(src)
		if err != nil {
			checkSyntaxError(t, src, err)
			return
		}
		_, warnings := u.Eval(Number(2), vars, clock)
		failOnInternalError(t, src, warnings)
	})
}

func checkSyntaxError(t *testing.T, src string, err error) {
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%q: error %v is not a *SyntaxError", src, err)
	}
	if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 || se.Msg == "" {
		t.Fatalf("%q: bad syntax error position or message: %+v", src, se)
	}
}

func failOnInternalError(t *testing.T, src string, warnings []Warning) {
	for _, w := range warnings {
		if w.Kind == InternalError {
			t.Fatalf("%q: %s", src, w.Message)
		}
	}
}
