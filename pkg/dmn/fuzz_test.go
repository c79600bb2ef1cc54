package dmn

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzVars is the fixed variable set parsed decisions are evaluated with.
var fuzzVars = map[string]any{
	"x": 1.0, "y": "a", "b": true, "month": 3.0, "guestCount": 5.0,
	"items": []any{1.0, 2.0}, "d": "2020-01-01", "c": map[string]any{"k": 2.0},
}

// FuzzParse feeds the parser arbitrary bytes and evaluates every decision
// of what parses: neither may panic, and a refusal is a *ParseError with
// its problems.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../fixtures/dmn/models/*.dmn")
	more, _ := filepath.Glob("testdata/*.dmn")
	for _, path := range append(seeds, more...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(table{hitPolicy: "PRIORITY", inputs: []string{"x"}, outputs: []string{"o"}, outputValues: []string{`"a","b"`},
		rules: [][]string{{"> 0", `"b"`}, {"-", `"a"`}}}.xml()))
	f.Add([]byte(table{hitPolicy: "COLLECT", aggregation: "MAX", inputs: []string{"x", "y"}, outputs: []string{"o"},
		rules: [][]string{{"> 0", `"a"`, "1"}, {"-", "-", "2"}}}.xml()))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz.dmn", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a *ParseError with problems", err)
			}
			return
		}
		for _, info := range d.Decisions() {
			res, err := d.Evaluate(info.ID, fuzzVars)
			var ee *EvalError
			switch {
			case err == nil && res.DecisionID != info.ID:
				t.Fatalf("evaluated %s, asked for %s", res.DecisionID, info.ID)
			case err != nil && !errors.As(err, &ee):
				t.Fatalf("Evaluate(%s): %v", info.ID, err)
			}
		}
	})
}
