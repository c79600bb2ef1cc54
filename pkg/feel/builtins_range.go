package feel

// The DMN 1.3 range functions. Points count as ranges [p..p].
func rangeBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"before":    {fixed(rangeRelation(rangeBefore), "point1", "point2"), fixed(rangeRelation(rangeBefore), "range1", "range2")},
		"after":     {fixed(rangeRelation(func(a, b *Range) (bool, bool) { return rangeBefore(b, a) }), "point1", "point2")},
		"includes":  {fixed(rangeRelation(rangeIncludes), "range", "point"), fixed(rangeRelation(rangeIncludes), "range1", "range2")},
		"during":    {fixed(rangeRelation(func(a, b *Range) (bool, bool) { return rangeIncludes(b, a) }), "point", "range")},
		"meets":     {fixed(rangeRelation(rangeMeets), "range1", "range2")},
		"met by":    {fixed(rangeRelation(func(a, b *Range) (bool, bool) { return rangeMeets(b, a) }), "range1", "range2")},
		"overlaps":  {fixed(rangeRelation(rangeOverlaps), "range1", "range2")},
		"coincides": {fixed(rangeRelation(func(a, b *Range) (bool, bool) { return a.equal(b), true }), "point1", "point2")},
	}
}

func asRange(v Value) (*Range, bool) {
	if r, ok := v.x.(*Range); ok {
		return r, true
	}
	if !rangeBoundOK(v) {
		return nil, false
	}
	return &Range{start: v, end: v, startIncl: true, endIncl: true}, true
}

func rangeRelation(rel func(a, b *Range) (bool, bool)) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		x, ok1 := asRange(a[0])
		y, ok2 := asRange(a[1])
		if !ok1 || !ok2 {
			return c.typeError("points or ranges", listValue(a))
		}
		b, ok := rel(x, y)
		if !ok {
			return c.fail("can't compare '%s' with '%s'", a[0], a[1])
		}
		return Bool(b)
	}
}

// boundCmp compares two bounds; a null bound is unbounded (below for a
// start, above for an end).
func boundCmp(a, b Value) (int, bool) {
	if a.kind == KindNull || b.kind == KindNull {
		return 0, false
	}
	return compareValues(a, b)
}

func rangeBefore(a, b *Range) (bool, bool) {
	if a.end.kind == KindNull || b.start.kind == KindNull {
		return false, true
	}
	c, ok := boundCmp(a.end, b.start)
	return c < 0 || (c == 0 && (!a.endIncl || !b.startIncl)), ok
}

func rangeIncludes(outer, inner *Range) (bool, bool) {
	startOK, endOK := true, true
	if outer.start.kind != KindNull {
		c, ok := boundCmp(outer.start, inner.start)
		if !ok && inner.start.kind != KindNull {
			return false, false
		}
		startOK = ok && (c < 0 || (c == 0 && (outer.startIncl || !inner.startIncl)))
	}
	if outer.end.kind != KindNull {
		c, ok := boundCmp(outer.end, inner.end)
		if !ok && inner.end.kind != KindNull {
			return false, false
		}
		endOK = ok && (c > 0 || (c == 0 && (outer.endIncl || !inner.endIncl)))
	}
	return startOK && endOK, true
}

func rangeMeets(a, b *Range) (bool, bool) {
	c, ok := boundCmp(a.end, b.start)
	return ok && c == 0 && a.endIncl && b.startIncl, ok
}

func rangeOverlaps(a, b *Range) (bool, bool) {
	ab, ok1 := rangeBefore(a, b)
	ba, ok2 := rangeBefore(b, a)
	return !ab && !ba, ok1 && ok2
}
