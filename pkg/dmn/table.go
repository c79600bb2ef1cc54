package dmn

import (
	"strings"

	"github.com/wfctl/wfctl/pkg/feel"
)

var hitPolicies = map[string]HitPolicy{
	"": Unique, "UNIQUE": Unique, "FIRST": First, "PRIORITY": Priority, "ANY": Any,
	"COLLECT": Collect, "RULE ORDER": RuleOrder, "OUTPUT ORDER": OutputOrder,
}

var aggregations = map[string]Aggregation{"": NoAggregation, "SUM": Sum, "MIN": Min, "MAX": Max, "COUNT": Count}

func (p *parser) parseTable(n *node, decisionID string) *DecisionTable {
	t := &DecisionTable{ID: n.attr("id")}
	hp, ok := hitPolicies[n.attr("hitPolicy")]
	if !ok {
		p.problem(RuleHitPolicy, n, decisionID, "unknown hit policy %q: use UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER or OUTPUT ORDER", n.attr("hitPolicy"))
	}
	t.HitPolicy = hp
	agg, ok := aggregations[n.attr("aggregation")]
	if !ok {
		p.problem(RuleHitPolicy, n, decisionID, "unknown aggregation %q: use SUM, MIN, MAX or COUNT", n.attr("aggregation"))
	}
	t.Aggregation = agg
	if agg != NoAggregation && hp != Collect && hp != "" {
		p.warn(RuleHitPolicy, n, decisionID, "aggregation %s is ignored: it applies to hit policy COLLECT, and this table's is %s", agg, hp)
	}
	p.parseColumns(n, t, decisionID)
	rules := n.all("rule")
	if len(rules) > MaxRules {
		p.problem(RuleLimit, rules[MaxRules], decisionID, "decision table of %q has %d rules, more than the limit of %d", decisionID, len(rules), MaxRules)
		rules = rules[:MaxRules]
	}
	for i, r := range rules {
		t.Rules = append(t.Rules, p.parseRule(r, t, i+1, decisionID))
	}
	for _, in := range t.Inputs {
		in.index = nil // only parsing looks tests up by source
	}
	return t
}

func (p *parser) parseColumns(n *node, t *DecisionTable, decisionID string) {
	inputs, outputs := n.all("input"), n.all("output")
	if len(inputs) > MaxColumns || len(outputs) > MaxColumns {
		p.problem(RuleLimit, n, decisionID, "decision table of %q has %d inputs and %d outputs, more than the limit of %d columns", decisionID, len(inputs), len(outputs), MaxColumns)
		inputs, outputs = inputs[:min(len(inputs), MaxColumns)], outputs[:min(len(outputs), MaxColumns)]
	}
	for _, in := range inputs {
		col := &Input{ID: in.attr("id"), Label: in.attr("label")}
		if ie := in.child("inputExpression"); ie != nil {
			col.TypeRef = ie.attr("typeRef")
			col.Expr = p.expression(ie, elementID(in, decisionID))
		} else {
			p.problem(RuleParse, in, elementID(in, decisionID), "input %s has no <inputExpression>", idOr(in, decisionID))
		}
		t.Inputs = append(t.Inputs, col)
	}
	if len(outputs) == 0 {
		p.problem(RuleParse, n, decisionID, "decision table of %q has no output", decisionID)
	}
	for _, out := range outputs {
		t.Outputs = append(t.Outputs, p.parseOutput(out, len(outputs), decisionID))
	}
	if len(outputs) > 1 && t.Aggregation != NoAggregation && t.HitPolicy == Collect {
		p.problem(RuleHitPolicy, n, decisionID, "hit policy COLLECT with aggregation %s needs a single output; this table has %d", t.Aggregation, len(outputs))
	}
}

func (p *parser) parseOutput(n *node, outputs int, decisionID string) *Output {
	o := &Output{ID: n.attr("id"), Label: n.attr("label"), Name: n.attr("name"), TypeRef: n.attr("typeRef")}
	if o.Name == "" && outputs > 1 {
		p.problem(RuleParse, n, elementID(n, decisionID), "output %s has no name: a table with several outputs names each (the result is a context keyed by them)", idOr(n, decisionID))
	}
	if ov := n.child("outputValues"); ov != nil {
		if t := ov.child("text"); t != nil {
			o.Values = t.el.Text()
			o.priority = priorities(o.Values)
		}
	}
	if def := n.child("defaultOutputEntry"); def != nil {
		o.Default = p.expression(def, elementID(n, decisionID))
	}
	return o
}

// priorities reads outputValues the way dmn-scala does: split at commas,
// trimmed, quotes removed; a value listed twice keeps its last index.
func priorities(values string) map[string]int {
	out := map[string]int{}
	for i, v := range strings.Split(values, ",") {
		v = strings.NewReplacer(`"`, "", "'", "").Replace(strings.TrimSpace(v))
		out[v] = i
	}
	return out
}

func (p *parser) parseRule(n *node, t *DecisionTable, index int, decisionID string) *Rule {
	r := &Rule{ID: n.attr("id"), Index: index}
	element := elementID(n, decisionID)
	ins, outs := n.all("inputEntry"), n.all("outputEntry")
	if len(ins) != len(t.Inputs) || len(outs) != len(t.Outputs) {
		p.warn(RuleShape, n, element, "rule %d has %d input and %d output entries for %d inputs and %d outputs: Camunda ignores the cells without a column and the columns without a cell", index, len(ins), len(outs), len(t.Inputs), len(t.Outputs))
	}
	for i, in := range ins {
		u, _ := p.unaryTests(in, element)
		if i < len(t.Inputs) {
			r.Inputs = append(r.Inputs, u)
			r.tests = append(r.tests, t.Inputs[i].intern(u))
		}
	}
	for i, out := range outs {
		x := p.expression(out, element)
		if i < len(t.Outputs) {
			r.Outputs = append(r.Outputs, x)
		}
	}
	return r
}

// intern returns the index of u among the column's distinct tests, or -1
// when u matches anything.
func (in *Input) intern(u *feel.UnaryTests) int {
	if u == nil || strings.TrimSpace(u.Source()) == "-" {
		return -1
	}
	if i, ok := in.index[u.Source()]; ok {
		return i
	}
	if in.index == nil {
		in.index = map[string]int{}
	}
	in.index[u.Source()] = len(in.tests)
	in.tests = append(in.tests, u)
	return len(in.tests) - 1
}

func elementID(n *node, fallback string) string {
	if id := n.attr("id"); id != "" {
		return id
	}
	return fallback
}
