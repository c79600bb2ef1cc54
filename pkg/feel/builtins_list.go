package feel

import (
	"slices"
)

func listBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"list contains":    {fixed(fnListContains, "list", "element")},
		"count":            {fixed(listFn(func(_ *call, l []Value) Value { return Int(int64(len(l))) }), "list")},
		"is empty":         {fixed(listFn(func(_ *call, l []Value) Value { return Bool(len(l) == 0) }), "list")},
		"reverse":          {fixed(listFn(func(_ *call, l []Value) Value { r := slices.Clone(l); slices.Reverse(r); return listValue(r) }), "list")},
		"distinct values":  {fixed(listFn(func(_ *call, l []Value) Value { return listValue(distinct(l)) }), "list")},
		"duplicate values": {fixed(listFn(fnDuplicates), "list")},
		"flatten":          {fixed(listFn(fnFlatten), "list")},
		"min":              {variadic(listFn(extremum(-1)), "list")},
		"max":              {variadic(listFn(extremum(1)), "list")},
		"sum":              {variadic(listFn(fnSum), "list")},
		"product":          {variadic(listFn(fnProduct), "list")},
		"mean":             {variadic(listFn(fnMean), "list")},
		"median":           {variadic(listFn(fnMedian), "list")},
		"stddev":           {variadic(listFn(fnStddev), "list")},
		"mode":             {variadic(listFn(fnMode), "list")},
		"all":              {variadic(listFn(boolFold(false)), "list")},
		"any":              {variadic(listFn(boolFold(true)), "list")},
		"sublist":          {optional(2, fnSublist, "list", "start position", "length")},
		"append":           {variadic(fnAppend, "list", "items")},
		"concatenate":      {variadic(listFn(fnConcatenate), "lists")},
		"union":            {variadic(listFn(fnUnion), "lists")},
		"insert before":    {fixed(fnInsertBefore, "list", "position", "newItem")},
		"remove":           {fixed(fnRemove, "list", "position")},
		"index of":         {fixed(fnIndexOf, "list", "match")},
		"sort":             {optional(1, fnSort, "list", "precedes")},
		"list replace":     {fixed(fnListReplace, "list", "position", "newItem")},
		"partition":        {fixed(fnPartition, "list", "size")},
	}
}

// listFn checks that the first argument is a list.
func listFn(f func(*call, []Value) Value) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		l, ok := c.list(a[0])
		if !ok {
			return Value{}
		}
		return f(c, l)
	}
}

func fnListContains(c *call, a []Value) Value {
	l, ok := c.list(a[0])
	if !ok {
		return Value{}
	}
	for _, item := range l {
		if same(item, a[1]) {
			return Bool(true)
		}
	}
	return Bool(false)
}

func distinct(l []Value) []Value {
	out := []Value{}
	for _, item := range l {
		if !containsValue(out, item) {
			out = append(out, item)
		}
	}
	return out
}

func containsValue(l []Value, v Value) bool {
	return slices.ContainsFunc(l, func(x Value) bool { return same(x, v) })
}

func fnDuplicates(_ *call, l []Value) Value {
	out := []Value{}
	for i, item := range l {
		if containsValue(l[i+1:], item) && !containsValue(out, item) {
			out = append(out, item)
		}
	}
	return listValue(out)
}

func fnFlatten(c *call, l []Value) Value {
	out := flatten(nil, l)
	if len(out) > maxListSize {
		return c.fail("the result would have more than %d items", maxListSize)
	}
	return listValue(out)
}

func flatten(out, l []Value) []Value {
	for _, item := range l {
		if len(out) > maxListSize {
			return out // shared sub-lists can grow exponentially; the caller fails
		}
		if inner, ok := item.AsList(); ok {
			out = flatten(out, inner)
		} else {
			out = append(out, item)
		}
	}
	if out == nil {
		out = []Value{}
	}
	return out
}

// extremum returns min (-1) or max (1) of comparable items of one type.
func extremum(want int) func(*call, []Value) Value {
	return func(c *call, l []Value) Value {
		if len(l) == 0 {
			return Value{}
		}
		best := l[0]
		for _, item := range l[1:] {
			cmp, ok := compareValues(item, best)
			if !ok {
				return c.fail("can't compare '%s' with '%s'", item, best)
			}
			if cmp == want {
				best = item
			}
		}
		if _, ok := compareValues(best, best); !ok {
			return c.fail("'%s' is not comparable", best)
		}
		return best
	}
}

func (c *call) numbers(l []Value) bool {
	for _, item := range l {
		if item.kind != KindNumber {
			c.typeError("a list of numbers", listValue(l))
			return false
		}
	}
	return true
}

func fnSum(c *call, l []Value) Value {
	if len(l) == 0 || !c.numbers(l) {
		return Value{}
	}
	return fold(l, numAdd)
}

func fnProduct(c *call, l []Value) Value {
	if len(l) == 0 || !c.numbers(l) {
		return Value{}
	}
	return fold(l, numMul)
}

func fold(l []Value, op func(a, b Value) (Value, bool)) Value {
	acc := l[0]
	for _, item := range l[1:] {
		acc, _ = op(acc, item)
	}
	return acc
}

func fnMean(c *call, l []Value) Value {
	if len(l) == 0 || !c.numbers(l) {
		return Value{}
	}
	v, _ := numDiv(fold(l, numAdd), Int(int64(len(l))))
	return v
}

func fnMedian(c *call, l []Value) Value {
	if len(l) == 0 || !c.numbers(l) {
		return Value{}
	}
	sorted := slices.Clone(l)
	slices.SortStableFunc(sorted, numCmp)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	sum, _ := numAdd(sorted[mid-1], sorted[mid])
	v, _ := numDiv(sum, Int(2))
	return v
}

// fnStddev is the sample standard deviation.
func fnStddev(c *call, l []Value) Value {
	if len(l) < 2 || !c.numbers(l) {
		return Value{}
	}
	mean, _ := numDiv(fold(l, numAdd), Int(int64(len(l))))
	squares := Int(0)
	for _, x := range l {
		d, _ := numSub(x, mean)
		sq, _ := numMul(d, d)
		squares, _ = numAdd(squares, sq)
	}
	variance, _ := numDiv(squares, Int(int64(len(l)-1)))
	v, _ := floatNumber(sqrtFloat(numFloat(variance)))
	return v
}

func fnMode(c *call, l []Value) Value {
	if !c.numbers(l) {
		return Value{}
	}
	values, counts := []Value{}, []int{}
	for _, x := range l {
		i := slices.IndexFunc(values, func(v Value) bool { return numCmp(v, x) == 0 })
		if i < 0 {
			values, counts = append(values, x), append(counts, 0)
			i = len(values) - 1
		}
		counts[i]++
	}
	top := slices.Max(append(counts, 0))
	out := []Value{}
	for i, v := range values {
		if counts[i] == top {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, numCmp)
	return listValue(out)
}

// boolFold is all() (decisive false) or any() (decisive true): the
// decisive value wins, else a non-boolean makes the result null.
func boolFold(decisive bool) func(*call, []Value) Value {
	return func(c *call, l []Value) Value {
		unknown := false
		for _, item := range l {
			b, ok := item.AsBool()
			if ok && b == decisive {
				return Bool(decisive)
			}
			unknown = unknown || !ok
		}
		if unknown {
			return Value{}
		}
		return Bool(!decisive)
	}
}
