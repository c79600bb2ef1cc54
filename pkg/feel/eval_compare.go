package feel

func (n *compareExpr) eval(e *evaluator, s *scope) Value {
	return e.compare(n.pos, n.op, n.l.eval(e, s), n.r.eval(e, s))
}

// compare applies a comparison operator; incomparable operands give null
// and a warning.
func (e *evaluator) compare(pos int, op string, l, r Value) Value {
	if op == "=" || op == "!=" {
		eq, ok := equalValues(l, r)
		if !ok {
			e.warn(pos, NotComparable, "Can't compare '%s' with '%s'", l, r)
			return Value{}
		}
		return boolValue(eq == (op == "="))
	}
	// fast path for the common "amount > 100" against JSON numbers
	if l.kind == KindNumber && r.kind == KindNumber {
		return boolValue(orderHolds(op, numCmp(l, r)))
	}
	c, ok := compareValues(l, r)
	if !ok {
		e.warn(pos, NotComparable, "Can't compare '%s' with '%s'", l, r)
		return Value{}
	}
	return boolValue(orderHolds(op, c))
}

func orderHolds(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// eval treats "x between a and b" as "x >= a and x <= b".
func (n *betweenExpr) eval(e *evaluator, s *scope) Value {
	x := n.x.eval(e, s)
	lo := e.compare(n.pos, ">=", x, n.lo.eval(e, s))
	hi := e.compare(n.pos, "<=", x, n.hi.eval(e, s))
	return and3(lo, hi)
}

// and3 is three-valued conjunction of two results.
func and3(a, b Value) Value {
	ab, aok := a.AsBool()
	bb, bok := b.AsBool()
	switch {
	case (aok && !ab) || (bok && !bb):
		return Bool(false)
	case aok && bok:
		return Bool(true)
	}
	return Value{}
}

func (n *inExpr) eval(e *evaluator, s *scope) Value {
	x := n.x.eval(e, s)
	return anyOf(e, s.bind("?", x), n.tests, x)
}

// anyOf is true when a test holds, else null when a test could not decide,
// else false.
func anyOf(e *evaluator, s *scope, tests []test, input Value) Value {
	unknown := false
	for _, t := range tests {
		b, ok := t.check(e, s, input).AsBool()
		switch {
		case ok && b:
			return Bool(true)
		case !ok:
			unknown = true
		}
	}
	if unknown {
		return Value{}
	}
	return Bool(false)
}

func (t *compareTest) check(e *evaluator, s *scope, input Value) Value {
	return e.compare(t.pos, t.op, input, t.rhs.eval(e, s))
}

func (t *anyTest) check(*evaluator, *scope, Value) Value { return Bool(true) }

func (t *notTest) check(e *evaluator, s *scope, input Value) Value {
	if b, ok := anyOf(e, s, t.tests, input).AsBool(); ok {
		return Bool(!b)
	}
	return Value{}
}

// check follows feel-scala's unary-test expressions: the test holds when
// the expression is true, a list holding the input, a range including the
// input, or a value equal to the input.
func (t *exprTest) check(e *evaluator, s *scope, input Value) Value {
	x := t.x.eval(e, s)
	switch x.kind {
	case KindBoolean:
		if x.x.(bool) || input.kind != KindBoolean {
			return x
		}
	case KindList:
		for _, item := range x.list() {
			if same(item, input) {
				return Bool(true)
			}
		}
		return Bool(false)
	case KindRange:
		return x.x.(*Range).includes(input)
	}
	eq, ok := equalValues(input, x)
	if !ok {
		e.warn(t.pos, NotComparable, "Can't compare '%s' with '%s'", input, x)
		return Value{}
	}
	return Bool(eq)
}

func (n *instanceOfExpr) eval(e *evaluator, s *scope) Value {
	return Bool(isInstance(n.x.eval(e, s), n.typ))
}

func isInstance(v Value, t typeSpec) bool {
	switch t.name {
	case "Any":
		return v.kind != KindNull
	case "Null":
		return v.kind == KindNull
	case "duration":
		return v.kind == KindDaysTimeDuration || v.kind == KindYearsMonthsDuration
	case "list":
		return v.kind == KindList && (t.elem == nil || allInstances(v.list(), *t.elem))
	case "range":
		r, ok := v.x.(*Range)
		return ok && (t.elem == nil || isInstance(r.start, *t.elem) || isInstance(r.end, *t.elem))
	}
	return v.kind != KindNull && v.kind.String() == t.name
}

func allInstances(items []Value, t typeSpec) bool {
	for _, item := range items {
		if !isInstance(item, t) {
			return false
		}
	}
	return true
}
