package dmn

import (
	"fmt"
	"strings"
	"time"

	"github.com/wfctl/wfctl/pkg/feel"
)

// Option configures an evaluation.
type Option func(*evalConfig)

type evalConfig struct {
	feel []feel.Option
}

// WithClock sets the clock FEEL's now() and today() read. Without one they
// give null (with a warning), so that evaluation stays deterministic; the
// engine passes its own clock.
func WithClock(now func() time.Time) Option {
	return func(c *evalConfig) { c.feel = append(c.feel, feel.WithClock(now)) }
}

// Evaluate evaluates the decision with the given id against vars (JSON-like
// Go values: what encoding/json decodes, see feel.FromGo), after the
// decisions it requires, whose results it sees under their result names.
// A decision required twice is evaluated once. Errors are *EvalError, or
// wrap ErrNoDecision.
func (d *Definitions) Evaluate(decisionID string, vars map[string]any, opts ...Option) (*Result, error) {
	return d.EvaluateContext(decisionID, feel.Map(vars), opts...)
}

// EvaluateContext is Evaluate with the variables as a feel.Context, for
// callers that hold them in that form.
func (d *Definitions) EvaluateContext(decisionID string, vars feel.Context, opts ...Option) (*Result, error) {
	dec := d.byID[decisionID]
	if dec == nil {
		return nil, fmt.Errorf("%w: %q is not a decision of %s (it has %s)", ErrNoDecision, decisionID, d.Path, strings.Join(d.ids(), ", "))
	}
	ev := &evaluation{vars: vars, results: map[*Decision]feel.Value{}}
	for _, o := range opts {
		o(&ev.cfg)
	}
	out, fail := ev.decision(dec)
	if fail != nil {
		return nil, &EvalError{DecisionID: decisionID, FailedDecisionID: fail.decision, Msg: fail.msg, Decisions: ev.audit}
	}
	return &Result{DecisionID: dec.ID, DecisionName: dec.Name, Output: out, Decisions: ev.audit}, nil
}

func (d *Definitions) ids() []string {
	ids := make([]string, len(d.decisions))
	for i, dec := range d.decisions {
		ids[i] = dec.ID
	}
	return ids
}

// evaluation is the state of one Evaluate call.
type evaluation struct {
	cfg     evalConfig
	vars    feel.Context
	results map[*Decision]feel.Value
	audit   []EvaluatedDecision
}

// failure is why a decision could not be evaluated.
type failure struct {
	decision, msg string
}

func (ev *evaluation) failf(d *Decision, format string, args ...any) *failure {
	return &failure{decision: d.ID, msg: fmt.Sprintf(format, args...)}
}

// decision evaluates d after its requirements. Parse has refused cycles,
// so the recursion ends; results are memoised, so a diamond-shaped graph
// costs one evaluation per decision (dmn-scala evaluates a decision once
// per path to it, with the same result).
func (ev *evaluation) decision(d *Decision) (feel.Value, *failure) {
	if v, ok := ev.results[d]; ok {
		return v, nil
	}
	ctx := ev.vars
	if len(d.Required) > 0 {
		o := &overlay{base: ev.vars}
		for _, r := range d.Required {
			v, fail := ev.decision(r)
			if fail != nil {
				return feel.Value{}, fail
			}
			o.put(r.ResultName, v)
		}
		ctx = o
	}
	rec := EvaluatedDecision{DecisionID: d.ID, DecisionName: d.Name, DecisionType: d.Type(), Inputs: []EvaluatedInput{}, MatchedRules: []MatchedRule{}}
	var out feel.Value
	var fail *failure
	if d.Table != nil {
		out, fail = ev.table(d, ctx, &rec)
	} else {
		out, _ = d.Literal.Expr.Eval(ctx, ev.cfg.feel...)
	}
	if fail == nil {
		fail = checkType(d, out)
	}
	if fail != nil {
		out = feel.Value{}
	}
	rec.Output = out
	ev.audit = append(ev.audit, rec)
	ev.results[d] = out
	return out, fail
}

// checkType follows dmn-scala's TypeChecker: a result must match the
// decision variable's typeRef for the types it knows; null always passes.
func checkType(d *Decision, v feel.Value) *failure {
	want := strings.ReplaceAll(d.ResultType, "feel:", "")
	kinds, known := typeRefKinds[want]
	if !known || v.IsNull() {
		return nil
	}
	for _, k := range kinds {
		if v.Kind() == k {
			return nil
		}
	}
	return &failure{decision: d.ID, msg: fmt.Sprintf("expected '%s' but found '%s'", want, v)}
}

var typeRefKinds = map[string][]feel.Kind{
	"string":            {feel.KindString},
	"number":            {feel.KindNumber},
	"boolean":           {feel.KindBoolean},
	"time":              {feel.KindTime},
	"date":              {feel.KindDate},
	"dateTime":          {feel.KindDateTime},
	"dayTimeDuration":   {feel.KindDaysTimeDuration},
	"yearMonthDuration": {feel.KindYearsMonthsDuration},
}

// overlay puts required decisions' results in front of the variables.
type overlay struct {
	names []string
	vals  []feel.Value
	base  feel.Context
}

func (o *overlay) put(name string, v feel.Value) {
	o.names = append(o.names, name)
	o.vals = append(o.vals, v)
}

// Get implements feel.Context; a later result of the same name wins.
func (o *overlay) Get(key string) (feel.Value, bool) {
	for i := len(o.names) - 1; i >= 0; i-- {
		if o.names[i] == key {
			return o.vals[i], true
		}
	}
	if o.base == nil {
		return feel.Value{}, false
	}
	return o.base.Get(key)
}

// Keys implements feel.Context: the results' names, then the variables'.
func (o *overlay) Keys() []string {
	seen := map[string]bool{}
	var keys []string
	for _, k := range o.names {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if o.base != nil {
		for _, k := range o.base.Keys() {
			if !seen[k] {
				keys = append(keys, k)
			}
		}
	}
	return keys
}
