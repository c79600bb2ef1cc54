package dmn

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHitPolicies(t *testing.T) {
	score := func(hp, agg string, rules ...[]string) table {
		return table{hitPolicy: hp, aggregation: agg, inputs: []string{"x"}, outputs: []string{"y"}, rules: rules}
	}
	tests := []struct {
		name    string
		table   table
		vars    map[string]any
		want    string // JSON of the output
		matched string // indexes of matched rules
		fail    string // substring of the failure
	}{
		{"unique one match", score("UNIQUE", "", []string{"< 5", `"low"`}, []string{">= 5", `"high"`}), map[string]any{"x": 7}, `"high"`, "2", ""},
		{"unique is the default", score("", "", []string{"< 5", `"low"`}, []string{">= 5", `"high"`}), map[string]any{"x": 1}, `"low"`, "1", ""},
		{"unique two matches fail", score("UNIQUE", "", []string{"< 5", `"low"`}, []string{"< 9", `"mid"`}), map[string]any{"x": 1}, "", "1,2", "UNIQUE"},
		{"no match is null", score("UNIQUE", "", []string{"< 5", `"low"`}), map[string]any{"x": 7}, "null", "", ""},
		{"first", score("FIRST", "", []string{"< 5", `"low"`}, []string{"< 9", `"mid"`}), map[string]any{"x": 1}, `"low"`, "1", ""},
		{"any same outputs", score("ANY", "", []string{"< 5", `"a"`}, []string{"< 9", `"a"`}), map[string]any{"x": 1}, `"a"`, "1,2", ""},
		{"any equal numbers", score("ANY", "", []string{"< 5", `1`}, []string{"< 9", `1.0`}), map[string]any{"x": 1}, `1`, "1,2", ""},
		{"any differing outputs fail", score("ANY", "", []string{"< 5", `"a"`}, []string{"< 9", `"b"`}), map[string]any{"x": 1}, "", "1,2", "ANY"},
		{"rule order", score("RULE ORDER", "", []string{"< 5", `"a"`}, []string{"> 5", `"b"`}, []string{"< 9", `"c"`}), map[string]any{"x": 1}, `["a","c"]`, "1,3", ""},
		{"collect", score("COLLECT", "", []string{"-", `3`}, []string{"-", `1`}), map[string]any{"x": 1}, `[3,1]`, "1,2", ""},
		{"collect sum", score("COLLECT", "SUM", []string{"-", `0.1`}, []string{"-", `0.2`}), map[string]any{"x": 1}, `0.3`, "1,2", ""},
		{"collect min", score("COLLECT", "MIN", []string{"-", `3`}, []string{"-", `-1`}), map[string]any{"x": 1}, `-1`, "1,2", ""},
		{"collect max", score("COLLECT", "MAX", []string{"-", `3`}, []string{"-", `-1`}), map[string]any{"x": 1}, `3`, "1,2", ""},
		{"collect count", score("COLLECT", "COUNT", []string{"-", `"a"`}, []string{"-", `"b"`}), map[string]any{"x": 1}, `2`, "1,2", ""},
		{"collect count no match is null", score("COLLECT", "COUNT", []string{"> 5", `"a"`}), map[string]any{"x": 1}, `null`, "", ""},
		{"collect sum of strings fails", score("COLLECT", "SUM", []string{"-", `"a"`}), map[string]any{"x": 1}, "", "1", "expected number"},
		{"null input matches only null tests", score("FIRST", "", []string{"< 5", `"a"`}, []string{"null", `"none"`}), map[string]any{}, `"none"`, "2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParseFile(t, "t.dmn", tt.table.xml())
			res, err := d.Evaluate("d", tt.vars)
			var ee *EvalError
			if tt.fail != "" {
				if !errors.As(err, &ee) || !strings.Contains(ee.Error(), tt.fail) {
					t.Fatalf("error %v, want a failure mentioning %q", err, tt.fail)
				}
				if got := matchedIndexes(ee.Decisions[len(ee.Decisions)-1]); got != tt.matched {
					t.Errorf("matched rules %s, want %s", got, tt.matched)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonOf(t, res.Output); got != tt.want {
				t.Errorf("output %s, want %s", got, tt.want)
			}
			if got := matchedIndexes(res.Decisions[0]); got != tt.matched {
				t.Errorf("matched rules %s, want %s", got, tt.matched)
			}
		})
	}
}

func matchedIndexes(d EvaluatedDecision) string {
	var idx []string
	for _, r := range d.MatchedRules {
		idx = append(idx, strconv.Itoa(r.Index))
	}
	return strings.Join(idx, ",")
}

func TestPriorityAndOutputOrder(t *testing.T) {
	tb := table{inputs: []string{"x"}, outputs: []string{"level"}, outputValues: []string{`"high","medium","low"`},
		rules: [][]string{{"> 0", `"low"`}, {"> 10", `"high"`}, {"> 5", `"medium"`}, {"> 100", `"unknown"`}}}
	for _, tt := range []struct {
		hp   string
		x    int
		want string
	}{
		{"PRIORITY", 20, `"high"`},
		{"PRIORITY", 7, `"medium"`},
		{"PRIORITY", 200, `"high"`},
		{"OUTPUT ORDER", 20, `["high","medium","low"]`},
		{"OUTPUT ORDER", 200, `["high","medium","low","unknown"]`},
	} {
		tb.hitPolicy = tt.hp
		d := mustParseFile(t, "p.dmn", tb.xml())
		res, err := d.Evaluate("d", map[string]any{"x": tt.x})
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonOf(t, res.Output); got != tt.want {
			t.Errorf("%s x=%d: %s, want %s", tt.hp, tt.x, got, tt.want)
		}
	}
}

func TestSeveralOutputsGiveContexts(t *testing.T) {
	tb := table{hitPolicy: "RULE ORDER", inputs: []string{"x"}, outputs: []string{"a", "b"},
		rules: [][]string{{"-", "1", `"one"`}, {"> 3", "2", `"two"`}}}
	d := mustParseFile(t, "c.dmn", tb.xml())
	res, err := d.Evaluate("d", map[string]any{"x": 5})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := jsonOf(t, res.Output), `[{"a":1,"b":"one"},{"a":2,"b":"two"}]`; got != want {
		t.Errorf("output %s, want %s", got, want)
	}
	tb.hitPolicy = "FIRST"
	d = mustParseFile(t, "c.dmn", tb.xml())
	res, _ = d.Evaluate("d", map[string]any{"x": 5})
	if got, want := jsonOf(t, res.Output), `{"a":1,"b":"one"}`; got != want {
		t.Errorf("output %s, want %s", got, want)
	}
}

func TestDRGSeesRequiredResults(t *testing.T) {
	d := mustParseFile(t, "dish.dmn", string(readFile(t, "testdata/dish.dmn")))
	res, err := d.Evaluate("dish", map[string]any{"month": 1, "guestCount": 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonOf(t, res.Output); got != `"Roastbeef"` {
		t.Errorf("output %s", got)
	}
	if len(res.Decisions) != 2 || res.Decisions[0].DecisionID != "season" || res.Decisions[1].DecisionID != "dish" {
		t.Fatalf("evaluated decisions %s", jsonOf(t, res.Decisions))
	}
	first := res.Decisions[0]
	if first.DecisionType != LiteralExpressionType || jsonOf(t, first.Output) != `"Winter"` {
		t.Errorf("season: %s", jsonOf(t, first))
	}
	dish := res.Decisions[1]
	if got := jsonOf(t, dish.Inputs); got != `[{"inputId":"inSeason","inputName":"Season","inputValue":"Winter"},{"inputId":"inGuests","inputName":"How many guests","inputValue":4}]` {
		t.Errorf("inputs %s", got)
	}
	if got := jsonOf(t, dish.MatchedRules); got != `[{"ruleId":"r2","ruleIndex":2,"evaluatedOutputs":[{"outputId":"outDish","outputName":"dish","outputValue":"Roastbeef"}]}]` {
		t.Errorf("matched %s", got)
	}
	if got := d.TopDecisions(); len(got) != 1 || got[0] != "dish" {
		t.Errorf("top decisions %v", got)
	}
}

func TestDiamondEvaluatesSharedDecisionOnce(t *testing.T) {
	src := `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="g" name="G" namespace="t">
  <decision id="base"><literalExpression><text>x * 2</text></literalExpression></decision>
  <decision id="left"><informationRequirement><requiredDecision href="#base"/></informationRequirement><literalExpression><text>base + 1</text></literalExpression></decision>
  <decision id="right"><variable name="r"/><informationRequirement><requiredDecision href="#base"/></informationRequirement><literalExpression><text>base + 2</text></literalExpression></decision>
  <decision id="top"><informationRequirement><requiredDecision href="#left"/></informationRequirement><informationRequirement><requiredDecision href="#right"/></informationRequirement><literalExpression><text>left * r</text></literalExpression></decision>
</definitions>`
	d := mustParseFile(t, "g.dmn", src)
	res, err := d.Evaluate("top", map[string]any{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonOf(t, res.Output); got != "12" {
		t.Errorf("output %s, want 12", got)
	}
	var ids []string
	for _, e := range res.Decisions {
		ids = append(ids, e.DecisionID)
	}
	if got := strings.Join(ids, ","); got != "base,left,right,top" {
		t.Errorf("evaluated %s", got)
	}
}

func TestTypeRefOfResultIsChecked(t *testing.T) {
	src := `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="g" name="G" namespace="t">
  <decision id="n"><variable name="n" typeRef="number"/><literalExpression><text>"seven"</text></literalExpression></decision>
</definitions>`
	d := mustParseFile(t, "ty.dmn", src)
	_, err := d.Evaluate("n", nil)
	var ee *EvalError
	if !errors.As(err, &ee) || ee.FailedDecisionID != "n" || !strings.Contains(ee.Error(), "expected 'number' but found '\"seven\"'") {
		t.Fatalf("error %v", err)
	}
}

func TestUnknownDecision(t *testing.T) {
	d := mustParseFile(t, "dish.dmn", string(readFile(t, "testdata/dish.dmn")))
	_, err := d.Evaluate("nope", nil)
	if !errors.Is(err, ErrNoDecision) || !strings.Contains(err.Error(), "season, dish") {
		t.Fatalf("error %v", err)
	}
}

func TestClockIsInjected(t *testing.T) {
	src := `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="g" name="G" namespace="t">
  <decision id="t"><literalExpression><text>string(today())</text></literalExpression></decision>
</definitions>`
	d := mustParseFile(t, "clock.dmn", src)
	res, err := d.Evaluate("t", nil, WithClock(func() time.Time { return time.Date(2024, 5, 15, 10, 0, 0, 0, time.UTC) }))
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonOf(t, res.Output); got != `"2024-05-15"` {
		t.Errorf("with a clock: %s", got)
	}
	res, _ = d.Evaluate("t", nil)
	if got := jsonOf(t, res.Output); got != "null" {
		t.Errorf("without a clock: %s, want null", got)
	}
}

func TestDefaultOutputEntries(t *testing.T) {
	src := `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="g" name="G" namespace="t">
  <decision id="d"><decisionTable hitPolicy="COLLECT">
    <input><inputExpression><text>x</text></inputExpression></input>
    <output name="a"><defaultOutputEntry><text>"none"</text></defaultOutputEntry></output>
    <rule><inputEntry><text>1</text></inputEntry><outputEntry><text>"one"</text></outputEntry></rule>
  </decisionTable></decision>
</definitions>`
	d := mustParseFile(t, "def.dmn", src)
	for x, want := range map[int]string{1: `["one"]`, 2: `"none"`} {
		res, err := d.Evaluate("d", map[string]any{"x": x})
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonOf(t, res.Output); got != want {
			t.Errorf("x=%d: %s, want %s", x, got, want)
		}
	}
}

// TestConcurrentEvaluations shares one Definitions between goroutines, as
// an engine's partitions would (run with -race).
func TestConcurrentEvaluations(t *testing.T) {
	d := mustParseFile(t, "bench.dmn", table50("COLLECT", "SUM").xml())
	want := map[string]string{"silver": "null", "gold": "3"}
	done := make(chan error)
	for g := range 4 {
		go func() {
			tier := []string{"silver", "gold"}[g%2]
			var err error
			for range 200 {
				res, e := d.Evaluate("d", map[string]any{"tier": tier, "amount": 50.0, "express": true})
				if e != nil || jsonOf(t, res.Output) != want[tier] {
					err = errors.New(tier + ": " + jsonOf(t, res))
					break
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
