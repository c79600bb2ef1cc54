package dmn

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/pkg/feel"
)

// applyHitPolicy combines the matched rules' outputs (at least one) as
// dmn-scala does. A non-empty message is an evaluation failure.
func applyHitPolicy(t *DecisionTable, matched []match, opts []feel.Option) (feel.Value, string) {
	switch t.HitPolicy {
	case First:
		return single(t, matched[0]), ""
	case Unique:
		if len(matched) > 1 {
			return feel.Value{}, fmt.Sprintf("multiple values aren't allowed for UNIQUE hit policy: rules %s matched", ruleList(matched))
		}
		return single(t, matched[0]), ""
	case Any:
		for _, m := range matched[1:] {
			if !sameOutputs(matched[0], m, opts) {
				return feel.Value{}, fmt.Sprintf("different values aren't allowed for ANY hit policy: rules %s matched, with outputs %s", ruleList(matched), outputList(t, matched))
			}
		}
		return single(t, matched[0]), ""
	case Priority:
		return single(t, byPriority(t, matched)[0]), ""
	case OutputOrder:
		return multiple(t, byPriority(t, matched)), ""
	case RuleOrder:
		return multiple(t, matched), ""
	}
	return collect(t, matched, opts)
}

// single is one rule's outputs: the value of a single output, else a
// context keyed by output names.
func single(t *DecisionTable, m match) feel.Value {
	if len(m.values) == 1 {
		return m.values[0]
	}
	names := make([]string, len(m.values))
	for i := range m.values {
		names[i] = t.Outputs[i].Name
	}
	return contextOf(names, m.values)
}

// multiple is a list of the rules' outputs: values when the table has one
// output, contexts when it has several (dmn-scala decides by the first).
func multiple(t *DecisionTable, matched []match) feel.Value {
	items := make([]feel.Value, len(matched))
	for i, m := range matched {
		items[i] = single(t, m)
		if len(matched[0].values) == 1 && len(m.values) > 0 {
			items[i] = m.values[0]
		}
	}
	return feel.List(items...)
}

// collect applies COLLECT and its aggregation; aggregations take numbers
// only, and an empty list cannot happen (no match gives the defaults).
func collect(t *DecisionTable, matched []match, opts []feel.Option) (feel.Value, string) {
	if t.Aggregation == NoAggregation {
		return multiple(t, matched), ""
	}
	if t.Aggregation == Count {
		return feel.Int(int64(len(matched))), ""
	}
	if len(matched[0].values) != 1 {
		return feel.Value{}, fmt.Sprintf("multiple values aren't allowed for COLLECT with aggregation %s: found %s", t.Aggregation, outputList(t, matched))
	}
	nums := make([]feel.Value, len(matched))
	for i, m := range matched {
		if len(m.values) != 1 || m.values[0].Kind() != feel.KindNumber {
			return feel.Value{}, fmt.Sprintf("expected number but found '%s' (rule %d) for COLLECT %s", valueOf(m), m.rule.Index, t.Aggregation)
		}
		nums[i] = m.values[0]
	}
	return aggregate(t.Aggregation, nums), ""
}

func valueOf(m match) feel.Value {
	if len(m.values) == 0 {
		return feel.Value{}
	}
	return m.values[0]
}

// byPriority orders the matches as dmn-scala does for PRIORITY and OUTPUT
// ORDER: each output value's position in its column's outputValues,
// written as a decimal string, concatenated over the columns ("_" for a
// value not listed, or not a string or number), compared as strings, with
// ties kept in rule order. (With ten or more listed values the string
// comparison puts position 10 before 2, as Camunda does.)
func byPriority(t *DecisionTable, matched []match) []match {
	keys := make([]string, len(matched))
	for i, m := range matched {
		var b strings.Builder
		for j, o := range t.Outputs {
			b.WriteString(priorityOf(o, m, j))
		}
		keys[i] = b.String()
	}
	idx := make([]int, len(matched))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	out := make([]match, len(matched))
	for i, k := range idx {
		out[i] = matched[k]
	}
	return out
}

func priorityOf(o *Output, m match, col int) string {
	if col >= len(m.values) {
		return "_"
	}
	v := m.values[col]
	var text string
	switch v.Kind() {
	case feel.KindString:
		text, _ = v.AsString()
	case feel.KindNumber:
		text = v.String()
	default:
		return "_"
	}
	if p, ok := o.priority[text]; ok {
		return strconv.Itoa(p)
	}
	return "_"
}

// sameOutputs compares two matches' outputs with FEEL equality (1 and 1.0
// are the same, as in dmn-scala's BigDecimal comparison).
func sameOutputs(a, b match, opts []feel.Option) bool {
	if len(a.values) != len(b.values) {
		return false
	}
	for i := range a.values {
		v, _ := equality.Eval(&pair{a.values[i], b.values[i]}, opts...)
		if eq, ok := v.AsBool(); !ok || !eq {
			return false
		}
	}
	return true
}

func ruleList(matched []match) string {
	ids := make([]string, len(matched))
	for i, m := range matched {
		ids[i] = strconv.Itoa(m.rule.Index)
		if m.rule.ID != "" {
			ids[i] += " (" + m.rule.ID + ")"
		}
	}
	return strings.Join(ids, ", ")
}

func outputList(t *DecisionTable, matched []match) string {
	vals := make([]string, len(matched))
	for i, m := range matched {
		vals[i] = single(t, m).String()
	}
	return "[" + strings.Join(vals, ", ") + "]"
}
