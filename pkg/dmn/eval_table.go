package dmn

import (
	"github.com/wfctl/wfctl/pkg/feel"
)

// match is a rule that matched, with its output entries' values (as many
// as the rule has output entries, at most one per output column).
type match struct {
	rule   *Rule
	values []feel.Value
}

// test results cached per column and distinct input entry.
const (
	untested uint8 = iota
	held
	failed
)

// table evaluates a decision table as dmn-scala does: input expressions
// first, then each rule's input entries as unary tests against them (true
// matches; false and null do not), then the output entries of the matched
// rules, combined by the hit policy.
func (ev *evaluation) table(d *Decision, ctx feel.Context, rec *EvaluatedDecision) (feel.Value, *failure) {
	t := d.Table
	inputs := make([]feel.Value, len(t.Inputs))
	for i, in := range t.Inputs {
		inputs[i], _ = in.Expr.Eval(ctx, ev.cfg.feel...)
		rec.Inputs = append(rec.Inputs, EvaluatedInput{ID: in.ID, Name: in.Label, Value: inputs[i]})
	}
	matched := ev.matchRules(t, inputs, ctx)
	if len(matched) == 0 {
		return ev.defaults(t, ctx), nil
	}
	for i := range matched {
		m := &matched[i]
		m.values = make([]feel.Value, len(m.rule.Outputs))
		mr := MatchedRule{ID: m.rule.ID, Index: m.rule.Index, Outputs: make([]EvaluatedOutput, len(m.rule.Outputs))}
		for j, x := range m.rule.Outputs {
			m.values[j], _ = x.Eval(ctx, ev.cfg.feel...)
			o := t.Outputs[j]
			mr.Outputs[j] = EvaluatedOutput{ID: o.ID, Name: o.Name, Value: m.values[j]}
		}
		rec.MatchedRules = append(rec.MatchedRules, mr)
	}
	out, msg := applyHitPolicy(t, matched, ev.cfg.feel)
	if msg != "" {
		return feel.Value{}, ev.failf(d, "%s", msg)
	}
	return out, nil
}

// matchRules returns the rules whose input entries all hold; FIRST stops
// at the first. Each distinct entry of a column is tested once.
func (ev *evaluation) matchRules(t *DecisionTable, inputs []feel.Value, ctx feel.Context) []match {
	var buf [64]uint8
	offsets := make([]int, len(t.Inputs)+1)
	for i, in := range t.Inputs {
		offsets[i+1] = offsets[i] + len(in.tests)
	}
	cache := buf[:0]
	if n := offsets[len(t.Inputs)]; n <= len(buf) {
		cache = buf[:n]
	} else {
		cache = make([]uint8, n)
	}
	var matched []match
	for _, r := range t.Rules {
		if ev.holds(t, r, inputs, ctx, cache, offsets) {
			matched = append(matched, match{rule: r})
			if t.HitPolicy == First {
				break
			}
		}
	}
	return matched
}

func (ev *evaluation) holds(t *DecisionTable, r *Rule, inputs []feel.Value, ctx feel.Context, cache []uint8, offsets []int) bool {
	for col, idx := range r.tests {
		if idx < 0 {
			continue
		}
		slot := &cache[offsets[col]+idx]
		if *slot == untested {
			v, _ := t.Inputs[col].tests[idx].Eval(inputs[col], ctx, ev.cfg.feel...)
			*slot = failed
			if b, ok := v.AsBool(); ok && b {
				*slot = held
			}
		}
		if *slot != held {
			return false
		}
	}
	return true
}

// defaults is the result when no rule matched: the outputs' default
// entries (a value for one, a context for several), else null.
func (ev *evaluation) defaults(t *DecisionTable, ctx feel.Context) feel.Value {
	var names []string
	var vals []feel.Value
	for _, o := range t.Outputs {
		if o.Default != nil {
			v, _ := o.Default.Eval(ctx, ev.cfg.feel...)
			names, vals = append(names, o.Name), append(vals, v)
		}
	}
	switch len(vals) {
	case 0:
		return feel.Value{}
	case 1:
		return vals[0]
	}
	return contextOf(names, vals)
}

func contextOf(names []string, vals []feel.Value) feel.Value {
	e := &feel.Entries{}
	for i, n := range names {
		e.Put(n, vals[i])
	}
	return feel.ContextValue(e)
}
