package feel

import (
	"strings"
)

// Function is a FEEL function value, defined in an expression with
// function(a, b) a + b.
type Function struct {
	params  []string
	body    node
	closure *scope
}

// String returns "function(a, b)".
func (f *Function) String() string {
	return "function(" + strings.Join(f.params, ", ") + ")"
}

// invoke binds arguments to parameters (missing ones are null) and
// evaluates the body in the scope the function was defined in.
func (f *Function) invoke(e *evaluator, pos int, a args) Value {
	if len(a.vals) > len(f.params) {
		e.warn(pos, FunctionInvocationFailure, "Failed to invoke function: expected %d parameters but found %d", len(f.params), len(a.vals))
		return Value{}
	}
	frame := &Entries{}
	for i, p := range f.params {
		v, _ := a.get(p, i) // a missing argument is null
		frame.Put(p, v)
	}
	for _, n := range a.names {
		if _, ok := frame.Get(n); !ok {
			e.warn(pos, FunctionInvocationFailure, "Failed to invoke function: no parameter named '%s'", n)
			return Value{}
		}
	}
	if !e.step(pos) {
		return Value{}
	}
	if e.depth >= maxCallDepth {
		e.warn(pos, EvaluationLimitExceeded, "Function calls are nested more than %d deep", maxCallDepth)
		return Value{}
	}
	e.depth++
	defer func() { e.depth-- }()
	return f.body.eval(e, f.closure.with(frame))
}

// args are the evaluated arguments of a call: positional, or named when
// names is set.
type args struct {
	vals  []Value
	names []string
}

// get returns the argument for parameter name at position i.
func (a args) get(name string, i int) (Value, bool) {
	if a.names == nil {
		if i < len(a.vals) {
			return a.vals[i], true
		}
		return Value{}, false
	}
	for j, n := range a.names {
		if n == name {
			return a.vals[j], true
		}
	}
	return Value{}, false
}

func (n *callExpr) eval(e *evaluator, s *scope) Value {
	a := args{vals: make([]Value, len(n.args)), names: n.names}
	for i, arg := range n.args {
		a.vals[i] = arg.eval(e, s)
	}
	if ref, ok := n.callee.(*nameRef); ok {
		return e.callNamed(s, n.pos, ref.name, a)
	}
	f := n.callee.eval(e, s)
	fn, ok := f.x.(*Function)
	if !ok {
		e.warn(n.pos, NoFunctionFound, "Expected function but found '%s'", f)
		return Value{}
	}
	return fn.invoke(e, n.pos, a)
}

// callNamed calls a function bound to a variable, else a built-in.
func (e *evaluator) callNamed(s *scope, pos int, name string, a args) Value {
	if v, ok := s.lookup(name); ok {
		if fn, ok := v.x.(*Function); ok {
			return fn.invoke(e, pos, a)
		}
	}
	overloads, ok := builtins[name]
	if !ok {
		e.warn(pos, NoFunctionFound, "No function found with name '%s' and %s", name, describeArgs(a))
		return Value{}
	}
	b, vals, ok := resolve(overloads, a)
	if !ok {
		e.warn(pos, NoFunctionFound, "No function found with name '%s' and %s", name, describeArgs(a))
		return Value{}
	}
	c := call{e: e, pos: pos, name: name}
	return b.fn(&c, vals)
}

func describeArgs(a args) string {
	if a.names != nil {
		return "parameters " + strings.Join(a.names, ", ")
	}
	switch len(a.vals) {
	case 0:
		return "no parameters"
	case 1:
		return "1 parameter"
	}
	return itoa(len(a.vals)) + " parameters"
}
