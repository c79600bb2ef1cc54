package feel

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
)

// decimal128 mirrors java.math.MathContext.DECIMAL128, the context feel-scala
// (Camunda 8's FEEL engine) computes numbers with. It is configuration, never
// modified.
var decimal128 = apd.Context{
	Precision:   34,
	MaxExponent: 6144,
	MinExponent: -6143,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfEven,
}

// num is a FEEL number held as a decimal. It is immutable once built.
//
// fast is set when f holds d exactly enough to order it against any float64:
// d has at most 15 significant digits, so it is the shortest representation
// of its nearest double f. Comparisons between JSON-decoded float64
// variables and number literals then need no decimal conversion.
type num struct {
	d    apd.Decimal
	f    float64
	fast bool
}

// Number returns a FEEL number for f. NaN and infinities are not FEEL
// numbers and yield null.
func Number(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{}
	}
	return Value{kind: KindNumber, x: f}
}

// Int returns a FEEL number for i.
func Int(i int64) Value {
	n := &num{}
	n.d.SetInt64(i)
	n.setFast()
	return Value{kind: KindNumber, x: n}
}

// ParseNumber parses a decimal number in plain or scientific notation
// ("12", "-0.5", "1e3") without rounding it.
func ParseNumber(s string) (Value, error) {
	n := &num{}
	if _, _, err := n.d.SetString(s); err != nil || n.d.Form != apd.Finite {
		return Value{}, fmt.Errorf("feel: %q is not a number", s)
	}
	n.setFast()
	return Value{kind: KindNumber, x: n}, nil
}

func (n *num) setFast() {
	if n.d.NumDigits() > 15 {
		return
	}
	e := int64(n.d.Exponent) + n.d.NumDigits()
	if e > 300 || e < -290 {
		return
	}
	f, err := n.d.Float64()
	if err == nil {
		n.f, n.fast = f, true
	}
}

// decValue wraps the result of a decimal operation as a Value.
func decValue(d *apd.Decimal) Value {
	if d.Form != apd.Finite {
		return Value{}
	}
	n := &num{}
	n.d.Set(d)
	return Value{kind: KindNumber, x: n}
}

// dec returns v's decimal. tmp is used as storage when v holds a float64.
func dec(v Value, tmp *apd.Decimal) *apd.Decimal {
	switch x := v.x.(type) {
	case *num:
		return &x.d
	case float64:
		if _, err := tmp.SetFloat64(x); err != nil {
			tmp.SetInt64(0)
		}
		return tmp
	}
	tmp.SetInt64(0)
	return tmp
}

// numFloat returns the float64 nearest to v's number.
func numFloat(v Value) float64 {
	switch x := v.x.(type) {
	case float64:
		return x
	case *num:
		if x.fast {
			return x.f
		}
		f, _ := x.d.Float64()
		return f
	}
	return 0
}

// fastFloat returns v as a float64 when that float orders exactly like v.
func fastFloat(v Value) (float64, bool) {
	switch x := v.x.(type) {
	case float64:
		return x, true
	case *num:
		return x.f, x.fast
	}
	return 0, false
}

// numCmp compares two numbers.
func numCmp(a, b Value) int {
	if fa, ok := fastFloat(a); ok {
		if fb, ok := fastFloat(b); ok {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	var ta, tb apd.Decimal
	return dec(a, &ta).Cmp(dec(b, &tb))
}

type decOp func(c *apd.Context, d, x, y *apd.Decimal) (apd.Condition, error)

// numArith applies op under DECIMAL128. ok is false when the result is not a
// finite number (division by zero, overflow).
func numArith(op decOp, a, b Value) (Value, bool) {
	var ta, tb, r apd.Decimal
	if _, err := op(&decimal128, &r, dec(a, &ta), dec(b, &tb)); err != nil {
		return Value{}, false
	}
	v := decValue(&r)
	return v, !v.IsNull()
}

func numAdd(a, b Value) (Value, bool) { return numArith((*apd.Context).Add, a, b) }
func numSub(a, b Value) (Value, bool) { return numArith((*apd.Context).Sub, a, b) }
func numMul(a, b Value) (Value, bool) { return numArith((*apd.Context).Mul, a, b) }

func numDiv(a, b Value) (Value, bool) {
	if numSign(b) == 0 {
		return Value{}, false
	}
	return numArith((*apd.Context).Quo, a, b)
}

// numPow follows feel-scala: integral exponents are exact (rounded to 34
// digits), others go through float64.
func numPow(a, b Value) (Value, bool) {
	var tb apd.Decimal
	y := dec(b, &tb)
	if isIntegral(y) {
		if y.NumDigits()+int64(y.Exponent) > 9 {
			return Value{}, false // java.math.BigDecimal.pow rejects |n| > 999999999
		}
		return numArith((*apd.Context).Pow, a, b)
	}
	return floatNumber(math.Pow(numFloat(a), numFloat(b)))
}

func numNeg(a Value) Value {
	if f, ok := a.x.(float64); ok {
		return Value{kind: KindNumber, x: -f}
	}
	var t, r apd.Decimal
	r.Neg(dec(a, &t))
	return decValue(&r)
}

func numSign(v Value) int {
	switch x := v.x.(type) {
	case float64:
		switch {
		case x < 0:
			return -1
		case x > 0:
			return 1
		}
		return 0
	case *num:
		return x.d.Sign()
	}
	return 0
}

// floatNumber converts a float64 result (sqrt, log, exp, non-integral
// powers) the way feel-scala does: through its shortest decimal form.
func floatNumber(f float64) (Value, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{}, false
	}
	n := &num{}
	if _, err := n.d.SetFloat64(f); err != nil {
		return Value{}, false
	}
	n.setFast()
	return Value{kind: KindNumber, x: n}, true
}

func isIntegral(d *apd.Decimal) bool {
	if d.Exponent >= 0 {
		return true
	}
	var r apd.Decimal
	r.Reduce(d)
	return r.Exponent >= 0
}

// numInt returns v truncated to an int, as java's BigDecimal.intValue does
// for values in range. ok is false outside ±2^31.
func numInt(v Value) (int, bool) {
	if f, ok := v.x.(float64); ok {
		if f >= math.MinInt32 && f <= math.MaxInt32 {
			return int(f), true
		}
		return 0, false
	}
	var t, r apd.Decimal
	d := dec(v, &t)
	if _, err := decimal128.RoundToIntegralValue(&r, d); err != nil {
		return 0, false
	}
	if d.Sign() != 0 && !isIntegral(d) {
		// RoundToIntegralValue rounds half-even; truncate instead.
		c := apd.Context{Precision: 34, Rounding: apd.RoundDown, MaxExponent: 6144, MinExponent: -6143}
		if _, err := c.RoundToIntegralValue(&r, d); err != nil {
			return 0, false
		}
	}
	i, err := r.Int64()
	if err != nil || i < math.MinInt32 || i > math.MaxInt32 {
		return 0, false
	}
	return int(i), true
}

// numIsInt reports whether v is an integral number.
func numIsInt(v Value) bool {
	if f, ok := v.x.(float64); ok {
		return f == math.Trunc(f)
	}
	var t apd.Decimal
	return isIntegral(dec(v, &t))
}

// numText formats a number in plain notation without trailing zeros.
func numText(v Value) string {
	if f, ok := v.x.(float64); ok {
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	var t, r apd.Decimal
	d := dec(v, &t)
	r.Reduce(d)
	if r.IsZero() {
		return "0"
	}
	return r.Text('f')
}
