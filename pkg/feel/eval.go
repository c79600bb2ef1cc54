package feel

import (
	"fmt"
	"sync"
	"time"
)

// WarningKind classifies why an evaluation produced null. The values follow
// feel-scala's EvaluationFailureType, which Zeebe reports in incidents.
type WarningKind string

// Warning kinds.
const (
	NoVariableFound           WarningKind = "NO_VARIABLE_FOUND"
	NoContextEntryFound       WarningKind = "NO_CONTEXT_ENTRY_FOUND"
	NoPropertyFound           WarningKind = "NO_PROPERTY_FOUND"
	NotComparable             WarningKind = "NOT_COMPARABLE"
	InvalidType               WarningKind = "INVALID_TYPE"
	NoFunctionFound           WarningKind = "NO_FUNCTION_FOUND"
	FunctionInvocationFailure WarningKind = "FUNCTION_INVOCATION_FAILURE"
	EvaluationLimitExceeded   WarningKind = "EVALUATION_LIMIT_EXCEEDED"
	InternalError             WarningKind = "INTERNAL_ERROR"
)

// Warning explains a null produced during evaluation ("a" + 1, a missing
// variable, a failed function call).
type Warning struct {
	Kind WarningKind
	// Message says what went wrong, in the words feel-scala uses.
	Message string
	// Offset is the byte offset in the source of the expression part that
	// produced the warning.
	Offset int
}

// String returns "offset N: message".
func (w Warning) String() string { return fmt.Sprintf("offset %d: %s", w.Offset, w.Message) }

// Option configures an evaluation.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the clock that now() and today() read. now() returns a
// date and time in the location of the returned time.Time (UTC prints as
// Z); today() its calendar date. Without a clock both return null with a
// warning.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// maxCallDepth bounds nested function invocations (FEEL functions can
// recurse through context entries).
const maxCallDepth = 200

// maxListSize bounds lists built from ranges (for x in 1..n).
const maxListSize = 1_000_000

// maxStringSize bounds strings built by concatenation (16 MiB).
const maxStringSize = 16 << 20

// maxSteps bounds the iterations (for, some, every, filters over ranges)
// and function calls of one evaluation, so that an expression such as
// for a in 1..1000, b in 1..1000, c in 1..1000 return 0 ends with a
// warning instead of running for minutes.
const maxSteps = 1_000_000

// evaluator holds the state of one evaluation.
type evaluator struct {
	opts     options
	warnings []Warning
	depth    int
	steps    int
	root     scope
}

// unaryEvaluator is an evaluator for unary tests, with "?" bound without
// allocating. (Kept out of evaluator, which every expression evaluation
// allocates: the engine's hot path should not pay for the binding.)
type unaryEvaluator struct {
	evaluator
	input      binding
	inputScope scope
}

// unaryEvaluators recycles the evaluators of unary tests: a decision
// table tests every cell of every rule, and an evaluator per test was most
// of a table's cost. Nothing a unary test returns (true, false or null,
// and its warnings, handed over) refers to its evaluator.
var unaryEvaluators = sync.Pool{New: func() any { return new(unaryEvaluator) }}

// scope is a chain of variable frames; lookups search inner frames first.
type scope struct {
	vars   Context
	parent *scope
}

func (s *scope) lookup(name string) (Value, bool) {
	for ; s != nil; s = s.parent {
		if s.vars == nil {
			continue
		}
		if v, ok := s.vars.Get(name); ok {
			return v, true
		}
	}
	return Value{}, false
}

func (s *scope) with(vars Context) *scope { return &scope{vars: vars, parent: s} }

func (s *scope) bind(name string, v Value) *scope {
	return s.with(&binding{name: name, val: v})
}

// Eval evaluates the expression against vars (which may be nil). It never
// fails: problems yield null, explained by the returned warnings.
func (x *Expr) Eval(vars Context, opts ...Option) (Value, []Warning) {
	if x.name != "" && vars != nil {
		if v, ok := vars.Get(x.name); ok {
			return v, nil
		}
	}
	e := &evaluator{}
	for _, o := range opts {
		o(&e.opts)
	}
	e.root.vars = vars
	v := e.run(func() Value { return x.root.eval(e, &e.root) })
	return v, e.warnings
}

// run evaluates f, turning a panic (a bug in this package, never expected)
// into null and a warning rather than crashing the engine.
func (e *evaluator) run(f func() Value) (v Value) {
	defer func() {
		if r := recover(); r != nil {
			v = Value{}
			e.warn(0, InternalError, "internal error in the FEEL evaluator: %v", r)
		}
	}()
	return f()
}

// maxWarnings bounds the warnings of one evaluation; a loop over a large
// list would otherwise repeat the same warning for every item.
const maxWarnings = 100

func (e *evaluator) warn(pos int, kind WarningKind, format string, args ...any) {
	switch {
	case len(e.warnings) < maxWarnings:
		e.warnings = append(e.warnings, Warning{Kind: kind, Message: fmt.Sprintf(format, args...), Offset: pos})
	case len(e.warnings) == maxWarnings:
		e.warnings = append(e.warnings, Warning{Kind: kind, Message: "further warnings omitted", Offset: pos})
	}
}

// Eval applies the tests to input, with vars as further variables. The
// result is true, false, or null when a test cannot decide (for instance
// comparing a number with a string).
func (u *UnaryTests) Eval(input Value, vars Context, opts ...Option) (Value, []Warning) {
	ue := unaryEvaluators.Get().(*unaryEvaluator)
	e := &ue.evaluator
	for _, o := range opts {
		o(&e.opts)
	}
	e.root.vars = vars
	ue.input = binding{name: "?", val: input}
	ue.inputScope = scope{vars: &ue.input, parent: &e.root}
	v := e.run(func() Value { return anyOf(e, &ue.inputScope, u.tests, input) })
	warnings := e.warnings
	*ue = unaryEvaluator{}
	unaryEvaluators.Put(ue)
	return v, warnings
}

// Eval is a convenience for parsing and evaluating src once. Engines that
// evaluate an expression repeatedly should Parse it once instead.
func Eval(src string, vars Context, opts ...Option) (Value, []Warning, error) {
	x, err := Parse(src)
	if err != nil {
		return Value{}, nil, err
	}
	v, w := x.Eval(vars, opts...)
	return v, w, nil
}

// step counts one unit of work and reports whether the budget allows it.
func (e *evaluator) step(pos int) bool {
	e.steps++
	if e.steps == maxSteps+1 {
		e.warn(pos, EvaluationLimitExceeded, "The evaluation exceeded %d steps", maxSteps)
	}
	return e.steps <= maxSteps
}
