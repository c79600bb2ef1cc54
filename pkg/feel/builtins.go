package feel

import (
	"fmt"
	"slices"
	"strconv"
)

// builtin is one signature of a built-in function. Functions with several
// signatures (substring with or without length) list one builtin each.
type builtin struct {
	params   []string
	required int  // leading parameters that must be given
	variadic bool // the last parameter collects the remaining arguments
	fn       func(c *call, a []Value) Value
}

// call is the context a built-in runs in: the evaluation (for warnings and
// the clock) and the call site.
type call struct {
	e    *evaluator
	pos  int
	name string
}

// fail records why the call yields null.
func (c *call) fail(format string, args ...any) Value {
	c.e.warn(c.pos, FunctionInvocationFailure, "Failed to invoke function '%s': %s", c.name, fmt.Sprintf(format, args...))
	return Value{}
}

// typeError reports an argument of the wrong type.
func (c *call) typeError(want string, got Value) Value {
	return c.fail("expected %s but found '%s'", want, got)
}

func fixed(fn func(c *call, a []Value) Value, params ...string) builtin {
	return builtin{params: params, required: len(params), fn: fn}
}

func optional(required int, fn func(c *call, a []Value) Value, params ...string) builtin {
	return builtin{params: params, required: required, fn: fn}
}

func variadic(fn func(c *call, a []Value) Value, params ...string) builtin {
	return builtin{params: params, required: len(params) - 1, variadic: true, fn: fn}
}

// builtins maps each built-in function name to its signatures. It is built
// once and never modified.
var builtins = mergeBuiltins(
	conversionBuiltins(), booleanBuiltins(), stringBuiltins(), numericBuiltins(),
	listBuiltins(), contextBuiltins(), temporalBuiltins(), rangeBuiltins(),
)

func mergeBuiltins(groups ...map[string][]builtin) map[string][]builtin {
	all := map[string][]builtin{}
	for _, g := range groups {
		for name, sigs := range g {
			all[name] = append(all[name], sigs...)
		}
	}
	return all
}

// resolve picks the signature that fits the arguments and lays them out in
// parameter order. Missing optional parameters are left off the end (or
// null when a later one is given by name).
func resolve(sigs []builtin, a args) (builtin, []Value, bool) {
	for _, b := range sigs {
		if vals, ok := b.bind(a); ok {
			return b, vals, true
		}
	}
	return builtin{}, nil, false
}

func (b builtin) bind(a args) ([]Value, bool) {
	if a.names != nil {
		return b.bindNamed(a)
	}
	n := len(a.vals)
	if b.variadic {
		return b.bindVariadic(a.vals)
	}
	if n < b.required || n > len(b.params) {
		return nil, false
	}
	return a.vals, true
}

// bindVariadic collects the trailing arguments into a list; a single list
// argument for a variadic-only function is that list (min([1, 2]) is
// min(1, 2)).
func (b builtin) bindVariadic(vals []Value) ([]Value, bool) {
	fixedN := len(b.params) - 1
	if len(vals) < fixedN {
		return nil, false
	}
	rest := vals[fixedN:]
	if fixedN == 0 && len(rest) == 1 && rest[0].kind == KindList {
		return []Value{rest[0]}, true
	}
	out := append(slices.Clone(vals[:fixedN]), listValue(slices.Clone(rest)))
	return out, true
}

func (b builtin) bindNamed(a args) ([]Value, bool) {
	out := make([]Value, len(b.params))
	given := 0
	for i, name := range a.names {
		at := slices.Index(b.params, name)
		if at < 0 {
			return nil, false
		}
		out[at] = a.vals[i]
		given = max(given, at+1)
	}
	for i := 0; i < b.required; i++ {
		if !slices.Contains(a.names, b.params[i]) {
			return nil, false
		}
	}
	if b.variadic && given == len(b.params) && out[given-1].kind != KindList {
		out[given-1] = listValue([]Value{out[given-1]})
	}
	return out[:max(given, b.required)], true
}

func itoa(i int) string { return strconv.Itoa(i) }

// Argument helpers: each returns the Go value and whether the argument has
// the expected type, recording a warning when it does not.

func (c *call) num(v Value) (Value, bool) {
	if v.kind != KindNumber {
		c.typeError("number", v)
		return Value{}, false
	}
	return v, true
}

func (c *call) int(v Value) (int, bool) {
	if v.kind != KindNumber {
		c.typeError("number", v)
		return 0, false
	}
	i, ok := numInt(v)
	if !ok {
		c.fail("%s is out of range", v)
	}
	return i, ok
}

func (c *call) string(v Value) (string, bool) {
	if v.kind != KindString {
		c.typeError("string", v)
		return "", false
	}
	return v.str(), true
}

func (c *call) list(v Value) ([]Value, bool) {
	if v.kind != KindList {
		c.typeError("list", v)
		return nil, false
	}
	return v.list(), true
}

func (c *call) context(v Value) (Context, bool) {
	if v.kind != KindContext {
		c.typeError("context", v)
		return nil, false
	}
	return v.context(), true
}

// arg returns a[i], or null when the optional argument is missing.
func arg(a []Value, i int) Value {
	if i < len(a) {
		return a[i]
	}
	return Value{}
}
