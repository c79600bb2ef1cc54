package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wfctl/wfctl/pkg/feel"
)

// scopeVars is the FEEL context of an element instance: its variables and
// its flow scopes', innermost first, under an overlay of results computed
// just before (earlier mappings). The engine reuses one.
type scopeVars struct {
	e       *Engine
	ei      *elementInstance
	overlay map[string]any
}

// Get implements feel.Context.
func (s *scopeVars) Get(name string) (feel.Value, bool) {
	if s.overlay != nil {
		if v, ok := s.overlay[name]; ok {
			return toFEEL(v), true
		}
	}
	for sc := s.ei; sc != nil; sc = sc.parent {
		if i := sc.local(name); i >= 0 {
			return toFEEL(sc.vars[i].value), true
		}
	}
	return feel.Value{}, false
}

// Keys implements feel.Context.
func (s *scopeVars) Keys() []string {
	var keys []string
	for k := range s.overlay {
		keys = append(keys, k)
	}
	for sc := s.ei; sc != nil; sc = sc.parent {
		for _, v := range sc.vars {
			keys = append(keys, v.name)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func toFEEL(x any) feel.Value {
	v, err := feel.FromGo(x)
	if err != nil {
		return feel.Value{}
	}
	return v
}

// eval evaluates x in ei's scope.
func (e *Engine) eval(ei *elementInstance, x *feel.Expr, overlay map[string]any) (feel.Value, []feel.Warning) {
	e.vars.ei, e.vars.overlay = ei, overlay
	v, w := x.Eval(&e.vars, e.feelOpts...)
	e.vars.ei, e.vars.overlay = nil, nil
	return v, w
}

// evalWith evaluates a mapping source; any result, null included, is a
// value, as in Zeebe.
func (e *Engine) evalWith(ei *elementInstance, x *feel.Expr, overlay map[string]any) (any, bool) {
	v, _ := e.eval(ei, x, overlay)
	return feel.ToGo(v), true
}

// evalString evaluates an expression that must give a string (a job type,
// a message name); anything else raises an EXTRACT_VALUE_ERROR incident.
func (e *Engine) evalString(ei *elementInstance, x *feel.Expr, what string) (string, bool) {
	v, w := e.eval(ei, x, nil)
	if s, ok := v.AsString(); ok {
		return s, true
	}
	e.createIncident(ei, ErrorExtractValue, expectedMessage(x, "STRING", v, w), 0)
	return "", false
}

// evalCorrelationKey evaluates a correlation key: a string, or a number
// turned into its text, as Zeebe accepts.
func (e *Engine) evalCorrelationKey(ei *elementInstance, x *feel.Expr) (string, bool) {
	v, w := e.eval(ei, x, nil)
	switch v.Kind() {
	case feel.KindString:
		s, _ := v.AsString()
		return s, true
	case feel.KindNumber:
		return v.String(), true
	}
	msg := fmt.Sprintf("Failed to extract the correlation key for '%s': The value must be either a string or a number, but was '%s'.%s",
		x.Source(), feelTypeName(v), warningText(w))
	e.createIncident(ei, ErrorExtractValue, msg, 0)
	return "", false
}

// evalCondition evaluates a sequence flow's condition; a result that is
// not a boolean raises a CONDITION_ERROR incident (ok false).
func (e *Engine) evalCondition(ei *elementInstance, f *flow) (ok, taken bool) {
	if f.cond == nil {
		e.createIncident(ei, ErrorCondition, fmt.Sprintf("Expected result of the expression '%v' to be 'BOOLEAN', but was 'STRING'.", f.condValue), 0)
		return false, false
	}
	v, w := e.eval(ei, f.cond, nil)
	b, isBool := v.AsBool()
	if !isBool {
		e.createIncident(ei, ErrorCondition, expectedMessage(f.cond, "BOOLEAN", v, w), 0)
		return false, false
	}
	return true, b
}

func expectedMessage(x *feel.Expr, want string, v feel.Value, w []feel.Warning) string {
	return fmt.Sprintf("Expected result of the expression '%s' to be '%s', but was '%s'.%s", x.Source(), want, feelTypeName(v), warningText(w))
}

// feelTypeName names a result's type as Zeebe's messages do.
func feelTypeName(v feel.Value) string {
	switch v.Kind() {
	case feel.KindContext:
		return "OBJECT"
	case feel.KindList:
		return "ARRAY"
	case feel.KindDateTime:
		return "DATE_TIME"
	case feel.KindDaysTimeDuration:
		return "DURATION"
	case feel.KindYearsMonthsDuration:
		return "PERIOD"
	}
	return strings.ToUpper(strings.ReplaceAll(v.Kind().String(), " ", "_"))
}

func warningText(w []feel.Warning) string {
	if len(w) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" The evaluation reported the following warnings:")
	for _, x := range w {
		fmt.Fprintf(&b, "\n[%s] %s", x.Kind, x.Message)
	}
	return b.String()
}
