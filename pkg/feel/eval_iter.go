package feel

func (n *forExpr) eval(e *evaluator, s *scope) Value {
	out := []Value{}
	ok := e.iterate(s, n.iters, func(inner *scope) bool {
		// "partial" holds the results so far; out[:len] never changes later
		out = append(out, n.body.eval(e, inner.bind("partial", listValue(out[:len(out):len(out)]))))
		return true
	})
	if !ok {
		return Value{}
	}
	return listValue(out)
}

// eval implements some/every with three-valued logic: a non-boolean
// condition result makes the answer null unless another item decides it.
func (n *quantifiedExpr) eval(e *evaluator, s *scope) Value {
	decisive := !n.every // some: any true decides; every: any false decides
	decided, unknown := false, false
	ok := e.iterate(s, n.iters, func(inner *scope) bool {
		b, isBool := n.cond.eval(e, inner).AsBool()
		switch {
		case !isBool:
			unknown = true
		case b == decisive:
			decided = true
			return false
		}
		return true
	})
	switch {
	case !ok:
		return Value{}
	case decided:
		return boolValue(decisive)
	case unknown:
		return Value{}
	}
	return boolValue(!decisive)
}

// iterate calls f with a scope for each combination of the iterators'
// items (the cartesian product, later iterators varying fastest). Later
// iterators see the variables of earlier ones. f returns false to stop.
// iterate returns false when an iterator is not a list.
func (e *evaluator) iterate(s *scope, iters []iterator, f func(*scope) bool) bool {
	stop := false
	return e.product(s, iters, f, &stop)
}

func (e *evaluator) product(s *scope, iters []iterator, f func(*scope) bool, stop *bool) bool {
	if len(iters) == 0 {
		*stop = !f(s)
		return true
	}
	if !e.step(iters[0].in.offset()) {
		return false
	}
	it := iters[0]
	items, ok := e.iterationItems(s, it)
	if !ok {
		return false
	}
	for _, item := range items {
		if !e.step(it.in.offset()) {
			return false
		}
		if !e.product(s.bind(it.name, item), iters[1:], f, stop) {
			return false
		}
		if *stop {
			return true
		}
	}
	return true
}

func (e *evaluator) iterationItems(s *scope, it iterator) ([]Value, bool) {
	v := it.in.eval(e, s)
	if it.upto != nil {
		end := it.upto.eval(e, s)
		if v.kind != KindNumber || end.kind != KindNumber {
			e.warn(it.in.offset(), InvalidType, "Expected number but found '%s..%s'", v, end)
			return nil, false
		}
		return e.numberSequence(it.in.offset(), v, end)
	}
	if r, ok := v.x.(*Range); ok {
		if l, ok := e.rangeItems(it.in.offset(), r); ok && !l.IsNull() {
			return l.list(), true
		}
	}
	if v.kind != KindList {
		e.warn(it.in.offset(), InvalidType, "Expected list but found '%s'", v)
		return nil, false
	}
	return v.list(), true
}

// numberSequence counts from from to to in steps of one, up or down.
func (e *evaluator) numberSequence(pos int, from, to Value) ([]Value, bool) {
	span, _ := numSub(to, from)
	n, ok := numInt(span)
	if !ok || n > maxListSize || n < -maxListSize {
		e.warn(pos, EvaluationLimitExceeded, "The range %s..%s has more than %d items", from, to, maxListSize)
		return nil, false
	}
	step := Int(1)
	if n < 0 {
		step, n = Int(-1), -n
	}
	items := make([]Value, 0, n+1)
	for v, i := from, 0; i <= n; i++ {
		items = append(items, v)
		v, _ = numAdd(v, step)
	}
	return items, true
}

func (n *filterExpr) eval(e *evaluator, s *scope) Value {
	target := n.target.eval(e, s)
	if target.kind != KindList {
		e.warn(n.pos, InvalidType, "Expected list but found '%s'", target)
		return Value{}
	}
	items := target.list()
	if lit, ok := n.cond.(*literal); ok && lit.val.kind == KindNumber {
		return e.index(items, lit.val)
	}
	if len(items) == 0 {
		return listValue([]Value{})
	}
	// as feel-scala: the first item's result decides between an index and
	// a boolean filter
	first := n.cond.eval(e, itemScope(s, items[0]))
	if first.kind == KindNumber {
		return e.index(items, first)
	}
	out := []Value{}
	for i, item := range items {
		r := first
		if i > 0 {
			r = n.cond.eval(e, itemScope(s, item))
		}
		if b, ok := r.AsBool(); ok && b {
			out = append(out, item)
		}
	}
	return listValue(out)
}

// itemScope exposes a list item to a filter: as "item", and by its entries
// when it is a context.
func itemScope(s *scope, item Value) *scope {
	inner := s.bind("item", item)
	if c, ok := item.AsContext(); ok {
		inner = inner.with(c)
	}
	return inner
}

// index returns items[i] with FEEL's 1-based indexes, counting from the end
// for negative ones; out of range is null.
func (e *evaluator) index(items []Value, i Value) Value {
	n, ok := numInt(i)
	switch {
	case !ok || n == 0:
		return Value{}
	case n > 0 && n <= len(items):
		return items[n-1]
	case n < 0 && -n <= len(items):
		return items[len(items)+n]
	}
	return Value{}
}
