package feel

import (
	"strings"
)

func (n *literal) eval(*evaluator, *scope) Value { return n.val }

func (n *badTemporal) eval(e *evaluator, _ *scope) Value {
	e.warn(n.pos, FunctionInvocationFailure, "Failed to parse temporal literal '@\"%s\"'", n.text)
	return Value{}
}

func (n *nameRef) eval(e *evaluator, s *scope) Value {
	if v, ok := s.lookup(n.name); ok {
		return v
	}
	e.warn(n.pos, NoVariableFound, "No variable found with name '%s'", n.name)
	return Value{}
}

func (n *pathExpr) eval(e *evaluator, s *scope) Value {
	return e.path(n.pos, n.target.eval(e, s), n.key)
}

// path reads key from a context, a property of a temporal value or range,
// or projects it over a list.
func (e *evaluator) path(pos int, v Value, key string) Value {
	switch v.kind {
	case KindContext:
		if r, ok := v.context().Get(key); ok {
			return r
		}
		e.warn(pos, NoContextEntryFound, "No context entry found with key '%s'. %s", key, availableKeys(v.context()))
		return Value{}
	case KindList:
		items := v.list()
		out := make([]Value, len(items))
		for i, item := range items {
			out[i] = e.path(pos, item, key)
		}
		return listValue(out)
	case KindNull:
		e.warn(pos, NoContextEntryFound, "No context entry found with key '%s'. The context is null", key)
		return Value{}
	}
	if r, ok := property(v, key); ok {
		return r
	}
	e.warn(pos, NoPropertyFound, "No property found with name '%s' of value '%s'", key, v)
	return Value{}
}

func availableKeys(c Context) string {
	keys := c.Keys()
	if len(keys) == 0 {
		return "The context is empty"
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = "'" + k + "'"
	}
	return "Available keys: " + strings.Join(quoted, ", ")
}

func (n *negExpr) eval(e *evaluator, s *scope) Value {
	v := n.x.eval(e, s)
	switch x := v.x.(type) {
	case dtDuration:
		return Value{kind: KindDaysTimeDuration, x: x.neg()}
	case ymDuration:
		return Value{kind: KindYearsMonthsDuration, x: ymDuration{months: -x.months}}
	}
	if v.kind != KindNumber {
		e.warn(n.pos, InvalidType, "Expected number but found '%s'", v)
		return Value{}
	}
	return numNeg(v)
}

func (n *listExpr) eval(e *evaluator, s *scope) Value {
	items := make([]Value, len(n.items))
	for i, item := range n.items {
		items[i] = item.eval(e, s)
	}
	return listValue(items)
}

// eval builds the context entry by entry; later entries see earlier ones.
func (n *contextExpr) eval(e *evaluator, s *scope) Value {
	ctx := &Entries{keys: make([]string, 0, len(n.keys)), vals: make([]Value, 0, len(n.keys))}
	inner := s.with(ctx)
	for i, key := range n.keys {
		v := n.vals[i].eval(e, inner)
		ctx.Put(key, v)
	}
	return ContextValue(ctx)
}

func (n *ifExpr) eval(e *evaluator, s *scope) Value {
	// feel-scala takes the else branch for any non-boolean condition
	if b, ok := n.cond.eval(e, s).AsBool(); ok && b {
		return n.then.eval(e, s)
	}
	return n.els.eval(e, s)
}

// eval implements FEEL's three-valued and/or: non-boolean operands count as
// null; "false and x" and "true or x" do not evaluate x.
func (n *logicExpr) eval(e *evaluator, s *scope) Value {
	decisive := !n.and // the value that decides the result alone
	l, lok := n.l.eval(e, s).AsBool()
	if lok && l == decisive {
		return boolValue(decisive)
	}
	r, rok := n.r.eval(e, s).AsBool()
	if rok && r == decisive {
		return boolValue(decisive)
	}
	if lok && rok {
		return boolValue(!decisive)
	}
	return Value{}
}

func (n *funcDef) eval(_ *evaluator, s *scope) Value {
	return Value{kind: KindFunction, x: &Function{params: n.params, body: n.body, closure: s}}
}
