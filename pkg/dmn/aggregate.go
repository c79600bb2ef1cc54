package dmn

import (
	"github.com/wfctl/wfctl/pkg/feel"
)

// FEEL does the arithmetic of aggregations and the equality of ANY, so
// that decimals add and compare exactly as everywhere else in wfctl.
var (
	equality    = mustParse("a = b")
	aggregators = map[Aggregation]*feel.Expr{
		Sum: mustParse("sum(xs)"),
		Min: mustParse("min(xs)"),
		Max: mustParse("max(xs)"),
	}
)

// mustParse parses the constant expressions above; it fails only if this
// package is broken, never on user input.
func mustParse(src string) *feel.Expr {
	x, err := feel.Parse(src)
	if err != nil {
		panic("dmn: built-in expression " + src + ": " + err.Error())
	}
	return x
}

// aggregate sums, or takes the least or greatest of, numbers.
func aggregate(agg Aggregation, nums []feel.Value) feel.Value {
	v, _ := aggregators[agg].Eval(&pair{a: feel.List(nums...)})
	return v
}

// pair is a two-entry context: a and b (xs is a).
type pair struct{ a, b feel.Value }

func (p *pair) Get(key string) (feel.Value, bool) {
	switch key {
	case "a", "xs":
		return p.a, true
	case "b":
		return p.b, true
	}
	return feel.Value{}, false
}

func (p *pair) Keys() []string { return []string{"a", "b"} }
