package feel

// node is a parsed expression. Nodes are immutable after parsing, so an Expr
// can be evaluated concurrently.
type node interface {
	eval(e *evaluator, s *scope) Value
	// offset is the byte offset of the node in the source, used to locate
	// warnings.
	offset() int
}

type at struct{ pos int }

func (a at) offset() int { return a.pos }

// literal is a constant: number, string, boolean, null or @"..." value.
type literal struct {
	at
	val Value
}

// badTemporal is an @"..." literal whose text is not a temporal value. It
// evaluates to null with a warning, as feelin does.
type badTemporal struct {
	at
	text string
}

type nameRef struct {
	at
	name string
}

type pathExpr struct {
	at
	target node
	key    string
}

type filterExpr struct {
	at
	target node
	cond   node
}

type callExpr struct {
	at
	callee node     // a *nameRef for builtins and named functions
	args   []node   // in call order
	names  []string // parameter names for a named call, else nil
}

type negExpr struct {
	at
	x node
}

type arithExpr struct {
	at
	op   byte // + - * / and ^ for **
	l, r node
}

type compareExpr struct {
	at
	op   string // = != < <= > >=
	l, r node
}

type logicExpr struct {
	at
	and  bool
	l, r node
}

type betweenExpr struct {
	at
	x, lo, hi node
}

type inExpr struct {
	at
	x     node
	tests []test
}

type instanceOfExpr struct {
	at
	x   node
	typ typeSpec
}

type ifExpr struct {
	at
	cond, then, els node
}

type iterator struct {
	name     string
	in, upto node // upto is set for "x in a..b"
}

type forExpr struct {
	at
	iters []iterator
	body  node
}

type quantifiedExpr struct {
	at
	every bool
	iters []iterator
	cond  node
}

type listExpr struct {
	at
	items []node
}

type contextExpr struct {
	at
	keys []string
	vals []node
}

type rangeExpr struct {
	at
	start, end         node
	startIncl, endIncl bool
	// konst is the range when both bounds are literals.
	konst *Range
}

type funcDef struct {
	at
	params []string
	body   node
}

// typeSpec is the type on the right of "instance of".
type typeSpec struct {
	name string    // number, string, list, context, date and time, Any, ...
	elem *typeSpec // element type of list<T> and range<T>
}

// test is a unary test: it checks an input value.
type test interface {
	check(e *evaluator, s *scope, input Value) Value
	offset() int
}

// compareTest is "< 10", "= x", "!= 5".
type compareTest struct {
	at
	op  string
	rhs node
}

// exprTest is an expression used as a test: true if it evaluates to true,
// to a list holding the input, to a range including the input, or to a
// value equal to the input.
type exprTest struct {
	at
	x node
}

// anyTest is "-".
type anyTest struct{ at }

// notTest is "not(tests)".
type notTest struct {
	at
	tests []test
}
