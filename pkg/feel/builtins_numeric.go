package feel

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

func numericBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"decimal":         {fixed(roundFn(apd.RoundHalfEven), "n", "scale"), fixed(fnDecimalMode, "n", "scale", "mode")},
		"floor":           {optional(1, roundFn(apd.RoundFloor), "n", "scale")},
		"ceiling":         {optional(1, roundFn(apd.RoundCeiling), "n", "scale")},
		"round up":        {fixed(roundFn(apd.RoundUp), "n", "scale")},
		"round down":      {fixed(roundFn(apd.RoundDown), "n", "scale")},
		"round half up":   {fixed(roundFn(apd.RoundHalfUp), "n", "scale")},
		"round half down": {fixed(roundFn(apd.RoundHalfDown), "n", "scale")},
		"abs":             {fixed(fnAbs, "n"), fixed(fnAbs, "number")},
		"modulo":          {fixed(fnModulo, "dividend", "divisor")},
		"sqrt":            {fixed(floatFn(math.Sqrt, func(f float64) bool { return f >= 0 }), "number")},
		"log":             {fixed(floatFn(math.Log, func(f float64) bool { return f > 0 }), "number")},
		"exp":             {fixed(floatFn(math.Exp, func(float64) bool { return true }), "number")},
		"odd":             {fixed(parityFn(1), "number")},
		"even":            {fixed(parityFn(0), "number")},
	}
}

// roundFn sets the scale of a number with a java.math.RoundingMode
// equivalent, as feel-scala's n.setScale(scale, mode) does.
func roundFn(mode apd.Rounder) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		n, ok := c.num(a[0])
		if !ok {
			return Value{}
		}
		scale := 0
		if s := arg(a, 1); len(a) > 1 {
			if scale, ok = c.int(s); !ok {
				return Value{}
			}
		}
		return setScale(c, n, scale, mode)
	}
}

func setScale(c *call, n Value, scale int, mode apd.Rounder) Value {
	if scale < -1000 || scale > 1000 {
		return c.fail("scale %d is out of range", scale)
	}
	ctx := apd.Context{Precision: 2000, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Traps: apd.DefaultTraps, Rounding: mode}
	var t, r apd.Decimal
	if _, err := ctx.Quantize(&r, dec(n, &t), int32(-scale)); err != nil {
		return c.fail("can't round %s to scale %d", n, scale)
	}
	return decValue(&r)
}

var roundingModes = map[string]apd.Rounder{
	"UP": apd.RoundUp, "DOWN": apd.RoundDown, "CEILING": apd.RoundCeiling, "FLOOR": apd.RoundFloor,
	"HALF_UP": apd.RoundHalfUp, "HALF_DOWN": apd.RoundHalfDown, "HALF_EVEN": apd.RoundHalfEven,
}

// fnDecimalMode is feel-scala's decimal(n, scale, mode) with a
// java.math.RoundingMode name.
func fnDecimalMode(c *call, a []Value) Value {
	mode, ok := c.string(a[2])
	if !ok {
		return Value{}
	}
	r, ok := roundingModes[strings.ToUpper(mode)]
	if !ok {
		return c.fail("illegal rounding mode '%s'", mode)
	}
	return roundFn(r)(c, a[:2])
}

// fnAbs accepts numbers and, like feelin, durations.
func fnAbs(c *call, a []Value) Value {
	switch x := a[0].x.(type) {
	case dtDuration:
		return Value{kind: KindDaysTimeDuration, x: x.abs()}
	case ymDuration:
		return YearsMonths(max(x.months, -x.months))
	}
	n, ok := c.num(a[0])
	if !ok {
		return Value{}
	}
	if numSign(n) < 0 {
		return numNeg(n)
	}
	return n
}

// fnModulo has the sign of the divisor: ((a % b) + b) % b.
func fnModulo(c *call, a []Value) Value {
	x, ok1 := c.num(a[0])
	y, ok2 := c.num(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	if numSign(y) == 0 {
		return c.fail("division by zero")
	}
	rem := func(p, q Value) Value {
		v, _ := numArith((*apd.Context).Rem, p, q)
		return v
	}
	sum, _ := numAdd(rem(x, y), y)
	return rem(sum, y)
}

// floatFn computes through float64, as feel-scala does for sqrt, log and
// exp.
func floatFn(f func(float64) float64, valid func(float64) bool) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		n, ok := c.num(a[0])
		if !ok {
			return Value{}
		}
		x := numFloat(n)
		if !valid(x) {
			return c.fail("%s is out of the function's domain", n)
		}
		v, ok := floatNumber(f(x))
		if !ok {
			return c.fail("the result for %s is not a number", n)
		}
		return v
	}
}

func parityFn(want int64) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		n, ok := c.num(a[0])
		if !ok {
			return Value{}
		}
		if !numIsInt(n) {
			return Bool(false)
		}
		r, _ := numArith((*apd.Context).Rem, n, Int(2))
		return Bool(numSign(r)*numSign(r) == int(want))
	}
}
