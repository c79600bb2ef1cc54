package feel

import (
	"strings"
)

// Range is a FEEL range value such as [1..10] or (date("2024-01-01")..date("2025-01-01")).
// A null bound is unbounded (the ranges that "< 10" and "> 5" stand for).
type Range struct {
	start, end         Value
	startIncl, endIncl bool
}

// String returns the range in FEEL notation, such as [1..10) or (date("2024-01-01")..date("2024-12-31")].
func (r *Range) String() string {
	var b strings.Builder
	if r.startIncl {
		b.WriteByte('[')
	} else {
		b.WriteByte('(')
	}
	writeValue(&b, r.start)
	b.WriteString("..")
	writeValue(&b, r.end)
	if r.endIncl {
		b.WriteByte(']')
	} else {
		b.WriteByte(')')
	}
	return b.String()
}

func (r *Range) property(key string) (Value, bool) {
	switch key {
	case "start":
		return r.start, true
	case "end":
		return r.end, true
	case "start included":
		return Bool(r.startIncl), true
	case "end included":
		return Bool(r.endIncl), true
	}
	return Value{}, false
}

func (r *Range) equal(o *Range) bool {
	return r.startIncl == o.startIncl && r.endIncl == o.endIncl && same(r.start, o.start) && same(r.end, o.end)
}

// includes tests whether v lies in the range: true, false, or null when v
// is null or cannot be compared with the bounds.
func (r *Range) includes(v Value) Value {
	if v.kind == KindNull {
		return Value{}
	}
	if r.start.kind != KindNull {
		c, ok := compareValues(v, r.start)
		if !ok {
			return Value{}
		}
		if c < 0 || (c == 0 && !r.startIncl) {
			return Bool(false)
		}
	}
	if r.end.kind != KindNull {
		c, ok := compareValues(v, r.end)
		if !ok {
			return Value{}
		}
		if c > 0 || (c == 0 && !r.endIncl) {
			return Bool(false)
		}
	}
	return Bool(true)
}

func rangeBoundOK(v Value) bool {
	switch v.kind {
	case KindNumber, KindString, KindDate, KindTime, KindDateTime, KindDaysTimeDuration, KindYearsMonthsDuration:
		return true
	}
	return false
}

func (n *rangeExpr) eval(e *evaluator, s *scope) Value {
	if n.konst != nil {
		return Value{kind: KindRange, x: n.konst}
	}
	start, end := n.start.eval(e, s), n.end.eval(e, s)
	if !rangeBoundOK(start) || !rangeBoundOK(end) || start.kind != end.kind {
		e.warn(n.pos, InvalidType, "Invalid range definition '%s..%s'", start, end)
		return Value{}
	}
	if _, ok := compareValues(start, end); !ok {
		e.warn(n.pos, InvalidType, "Invalid range definition '%s..%s'", start, end)
		return Value{}
	}
	return Value{kind: KindRange, x: &Range{start: start, end: end, startIncl: n.startIncl, endIncl: n.endIncl}}
}

// rangeItems enumerates a range of integers for iteration, as feelin does
// for "for x in [1..3]".
func (e *evaluator) rangeItems(pos int, r *Range) (Value, bool) {
	if r.start.kind != KindNumber || !numIsInt(r.start) || !numIsInt(r.end) {
		return Value{}, false
	}
	items, ok := e.numberSequence(pos, r.start, r.end)
	if !ok {
		return Value{}, true
	}
	if !r.startIncl && len(items) > 0 {
		items = items[1:]
	}
	if !r.endIncl && len(items) > 0 {
		items = items[:len(items)-1]
	}
	return listValue(items), true
}
