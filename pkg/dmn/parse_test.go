package dmn

import (
	"errors"
	"strings"
	"testing"
)

// TestParseReportsEveryProblem checks that one broken file yields all its
// problems, in document order, each with the position a reader would
// look at.
func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse("testdata/broken.dmn", readFile(t, "testdata/broken.dmn"))
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a *ParseError", err)
	}
	want := []string{
		`dmn-hit-policy testdata/broken.dmn:5:5: unknown hit policy "SOMETIMES"`,
		`dmn-hit-policy testdata/broken.dmn:5:5: unknown aggregation "AVG"`,
		`dmn-feel testdata/broken.dmn:6:48: FEEL expression "x +"`,
		`dmn-feel testdata/broken.dmn:9:32: FEEL unary tests "> > 1": expected an expression but found '>'`,
		`dmn-feel testdata/broken.dmn:10:28: FEEL expression ""`,
		`dmn-drg testdata/broken.dmn:14:3: decisions require each other in a cycle: a → b → a`,
		`dmn-drg testdata/broken.dmn:16:29: decision "b" requires decision "missing"`,
	}
	if len(pe.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(pe.Problems), len(want), err)
	}
	for i, p := range pe.Problems {
		got := p.Rule + " " + pe.Path + ":" + p.String()
		if !strings.HasPrefix(got, want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got, want[i])
		}
	}
}

func TestParseRefusals(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "  \n", "1:1: file is empty"},
		{"not xml", "<definitions", "malformed XML"},
		{"not dmn", `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>`, "not a DMN document"},
		{"no logic", `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="a"/></definitions>`, `decision "a" has no decision logic`},
		{"unsupported logic", `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="a"><context/></decision></definitions>`, "is a <context>"},
		{"duplicate id", `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="a"><literalExpression><text>1</text></literalExpression></decision><decision id="a"><literalExpression><text>2</text></literalExpression></decision></definitions>`, `duplicate decision id "a"`},
		{"missing text", `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="a"><literalExpression id="le"/></decision></definitions>`, `has no <text>`},
		{"other language", `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="a"><literalExpression expressionLanguage="juel"><text>1</text></literalExpression></decision></definitions>`, `expression language "juel"`},
		{"unnamed outputs", table{inputs: []string{"x"}, outputs: []string{"", "b"}, rules: [][]string{{"-", "1", "2"}}}.xml(), `output "out1" has no name`},
		{"aggregation of several outputs", table{hitPolicy: "COLLECT", aggregation: "SUM", inputs: []string{"x"}, outputs: []string{"a", "b"}, rules: [][]string{{"-", "1", "2"}}}.xml(), "needs a single output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.dmn", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "f.dmn:") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	_, err := Parse("big.dmn", []byte(strings.Repeat(" ", 100)), WithMaxSize(10))
	if err == nil || !strings.Contains(err.Error(), "more than the limit of 10 bytes") {
		t.Errorf("size: %v", err)
	}
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	_, err = Parse("deep.dmn", []byte(deep))
	if err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("depth: %v", err)
	}
	rules := make([][]string, MaxRules+1)
	for i := range rules {
		rules[i] = []string{"-", "1"}
	}
	_, err = Parse("rules.dmn", []byte(table{inputs: []string{"x"}, outputs: []string{"y"}, rules: rules}.xml()))
	if err == nil || !strings.Contains(err.Error(), "more than the limit of 20000") {
		t.Errorf("rules: %v", err)
	}
}

func TestWarningsDoNotStopEvaluation(t *testing.T) {
	src := `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="g" namespace="t">
  <decision id="d"><decisionTable hitPolicy="FIRST" aggregation="SUM">
    <input><inputExpression><text>x</text></inputExpression></input>
    <input><inputExpression><text>y</text></inputExpression></input>
    <output name="o"/>
    <rule><inputEntry><text>1</text></inputEntry><outputEntry><text>"one"</text></outputEntry></rule>
  </decisionTable></decision>
</definitions>`
	d := mustParseFile(t, "w.dmn", src) // one input entry for two inputs
	var rules []string
	for _, w := range d.Warnings {
		rules = append(rules, w.Rule)
	}
	if got := strings.Join(rules, ","); got != "dmn-hit-policy,dmn-table-shape" {
		t.Fatalf("warnings %v", d.Warnings)
	}
	// The rule's one cell is tested against the first input, as
	// dmn-scala's zip does.
	res, err := d.Evaluate("d", map[string]any{"x": 1})
	if err != nil || jsonOf(t, res.Output) != `"one"` {
		t.Fatalf("output %v, %v", res, err)
	}
}

func TestDecisionsListing(t *testing.T) {
	d := mustParseFile(t, "dish.dmn", string(readFile(t, "testdata/dish.dmn")))
	got := jsonOf(t, d.Decisions())
	want := `[{"decisionId":"season","decisionName":"Season","decisionType":"LITERAL_EXPRESSION","decisionRequirementsId":"dinnerDecisions","decisionRequirementsName":"Dinner Decisions","pos":{"line":3,"column":3}},` +
		`{"decisionId":"dish","decisionName":"Dish","decisionType":"DECISION_TABLE","decisionRequirementsId":"dinnerDecisions","decisionRequirementsName":"Dinner Decisions","requiredDecisions":["season"],"pos":{"line":9,"column":3}}]`
	if got != want {
		t.Errorf("Decisions():\n got %s\nwant %s", got, want)
	}
}

func TestOlderNamespaces(t *testing.T) {
	for _, ns := range []string{"http://www.omg.org/spec/DMN/20151101/dmn.xsd", "http://www.omg.org/spec/DMN/20180521/MODEL/"} {
		src := `<definitions xmlns="` + ns + `" id="x"><decision id="a"><literalExpression><text>1 + 1</text></literalExpression></decision></definitions>`
		d := mustParseFile(t, "old.dmn", src)
		res, err := d.Evaluate("a", nil)
		if err != nil || jsonOf(t, res.Output) != "2" {
			t.Errorf("%s: %v %v", ns, res, err)
		}
	}
}
