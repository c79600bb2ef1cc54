package feel

import (
	"math"
	"slices"
	"sort"
)

func sqrtFloat(f float64) float64 { return math.Sqrt(f) }

// position converts a 1-based (negative: from the end) position into a
// 0-based index in a list of n items; ok is false when it is outside.
func position(p, n int) (int, bool) {
	switch {
	case p > 0 && p <= n:
		return p - 1, true
	case p < 0 && -p <= n:
		return n + p, true
	}
	return 0, false
}

func fnSublist(c *call, a []Value) Value {
	l, ok1 := c.list(a[0])
	start, ok2 := c.int(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	from, ok := position(start, len(l))
	if !ok {
		return c.fail("start position %d is outside the list", start)
	}
	to := len(l)
	if length := arg(a, 2); length.kind != KindNull {
		n, ok := c.int(length)
		if !ok || n < 0 {
			return c.fail("length must be a non-negative number")
		}
		to = min(from+n, len(l))
	}
	return listValue(slices.Clone(l[from:to]))
}

func fnAppend(c *call, a []Value) Value {
	l, ok := c.list(a[0])
	if !ok {
		return Value{}
	}
	if len(l)+len(a[1].list()) > maxListSize {
		return c.fail("the result would have more than %d items", maxListSize)
	}
	return listValue(slices.Concat(l, a[1].list()))
}

func fnConcatenate(c *call, lists []Value) Value {
	out := []Value{}
	for _, l := range lists {
		items, ok := c.list(l)
		if !ok {
			return Value{}
		}
		if len(out)+len(items) > maxListSize {
			return c.fail("the result would have more than %d items", maxListSize)
		}
		out = append(out, items...)
	}
	return listValue(out)
}

func fnUnion(c *call, lists []Value) Value {
	v := fnConcatenate(c, lists)
	if v.kind != KindList {
		return v
	}
	return listValue(distinct(v.list()))
}

func fnInsertBefore(c *call, a []Value) Value {
	l, ok1 := c.list(a[0])
	p, ok2 := c.int(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	i, ok := position(p, len(l))
	if !ok {
		return c.fail("position %d is outside the list", p)
	}
	return listValue(slices.Insert(slices.Clone(l), i, a[2]))
}

func fnRemove(c *call, a []Value) Value {
	l, ok1 := c.list(a[0])
	p, ok2 := c.int(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	i, ok := position(p, len(l))
	if !ok {
		return c.fail("position %d is outside the list", p)
	}
	return listValue(slices.Delete(slices.Clone(l), i, i+1))
}

func fnIndexOf(c *call, a []Value) Value {
	l, ok := c.list(a[0])
	if !ok {
		return Value{}
	}
	out := []Value{}
	for i, item := range l {
		if same(item, a[1]) {
			out = append(out, Int(int64(i+1)))
		}
	}
	return listValue(out)
}

// fnSort sorts with a precedes(a, b) function, or in natural order when
// none is given. The sort is stable.
func fnSort(c *call, a []Value) Value {
	l, ok := c.list(a[0])
	if !ok {
		return Value{}
	}
	out := slices.Clone(l)
	precedes := arg(a, 1)
	if precedes.kind == KindNull {
		for _, item := range out {
			if _, ok := compareValues(item, out[0]); !ok {
				return c.fail("can't compare '%s' with '%s'", item, out[0])
			}
		}
		slices.SortStableFunc(out, func(x, y Value) int { r, _ := compareValues(x, y); return r })
		return listValue(out)
	}
	fn, ok := precedes.x.(*Function)
	if !ok {
		return c.typeError("function", precedes)
	}
	sort.SliceStable(out, func(i, j int) bool {
		b, _ := fn.invoke(c.e, c.pos, args{vals: []Value{out[i], out[j]}}).AsBool()
		return b
	})
	return listValue(out)
}

// fnListReplace replaces the item at a position, or every item for which
// match(item, newItem) is true.
func fnListReplace(c *call, a []Value) Value {
	l, ok := c.list(a[0])
	if !ok {
		return Value{}
	}
	out := slices.Clone(l)
	if fn, ok := a[1].x.(*Function); ok {
		for i, item := range out {
			if b, _ := fn.invoke(c.e, c.pos, args{vals: []Value{item, a[2]}}).AsBool(); b {
				out[i] = a[2]
			}
		}
		return listValue(out)
	}
	p, ok := c.int(a[1])
	if !ok {
		return Value{}
	}
	i, ok := position(p, len(out))
	if !ok {
		return c.fail("position %d is outside the list", p)
	}
	out[i] = a[2]
	return listValue(out)
}

func fnPartition(c *call, a []Value) Value {
	l, ok1 := c.list(a[0])
	size, ok2 := c.int(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	if size <= 0 {
		return c.fail("size must be positive")
	}
	out := []Value{}
	for chunk := range slices.Chunk(l, size) {
		out = append(out, listValue(slices.Clone(chunk)))
	}
	return listValue(out)
}
