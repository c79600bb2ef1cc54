package feel

import (
	"strings"
)

// maxDepth bounds the nesting of parentheses, lists, contexts and operators,
// so that hostile input cannot exhaust the stack.
const maxDepth = 256

// Expr is a parsed FEEL expression. It is immutable and safe for concurrent
// use; evaluate it with [Expr.Eval].
type Expr struct {
	src  string
	root node
	// name is set when the whole expression is a single variable name
	// (=orderId), which Eval answers with one lookup.
	name string
}

// Source returns the text the expression was parsed from.
func (x *Expr) Source() string { return x.src }

// String returns the source text.
func (x *Expr) String() string { return x.src }

// UnaryTests is a parsed list of unary tests, such as a DMN input entry
// ("< 10", "[1..5]", "\"a\", \"b\"", "not(1, 2)", "-"). It is immutable and
// safe for concurrent use; apply it with [UnaryTests.Eval].
type UnaryTests struct {
	src   string
	tests []test
}

// Source returns the text the tests were parsed from.
func (u *UnaryTests) Source() string { return u.src }

// Parse parses a FEEL expression. src is the expression itself, without the
// leading "=" that marks an expression in a BPMN attribute. Errors are
// [*SyntaxError] values.
func Parse(src string) (*Expr, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	root, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	if err := p.expectEOF(); err != nil {
		return nil, err
	}
	x := &Expr{src: src, root: root}
	if n, ok := root.(*nameRef); ok {
		x.name = n.name
	}
	return x, nil
}

// ParseUnaryTests parses unary tests. Errors are [*SyntaxError] values.
func ParseUnaryTests(src string) (*UnaryTests, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	tests, err := p.parseUnaryTests()
	if err != nil {
		return nil, err
	}
	if err := p.expectEOF(); err != nil {
		return nil, err
	}
	return &UnaryTests{src: src, tests: tests}, nil
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{src: src, toks: toks}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(sym string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == sym
}

func (p *parser) isWord(word string) bool {
	t := p.peek()
	return t.kind == tokName && t.text == word
}

func (p *parser) acceptOp(sym string) bool {
	if p.isOp(sym) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptWord(word string) bool {
	if p.isWord(word) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectOp(sym, context string) error {
	if p.acceptOp(sym) {
		return nil
	}
	return p.errorf("expected %q %s but found %s", sym, context, describe(p.peek()))
}

func (p *parser) expectWord(word, context string) error {
	if p.acceptWord(word) {
		return nil
	}
	return p.errorf("expected %q %s but found %s", word, context, describe(p.peek()))
}

func (p *parser) expectEOF() error {
	if t := p.peek(); t.kind != tokEOF {
		return p.errorf("unexpected %s after the end of the expression", describe(t))
	}
	return nil
}

func (p *parser) errorf(format string, args ...any) error {
	return syntaxErrorAt(p.src, p.peek().pos, format, args...)
}

// enter guards recursion depth; callers defer p.leave().
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("expression is nested too deeply: simplify it or split it into variables")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "the end of the expression"
	case tokString:
		return "string " + quote(t.text)
	case tokNumber:
		return "number " + t.text
	case tokQuotedName:
		return "name `" + t.text + "`"
	case tokName:
		if isKeyword(t.text) {
			return "keyword '" + t.text + "'"
		}
		return "name '" + t.text + "'"
	}
	return "'" + t.text + "'"
}

// multiWordNames are the built-in function names that contain spaces; the
// lexer sees them as separate words.
var multiWordNames = [][]string{
	split("date and time"), split("years and months duration"),
	split("string length"), split("upper case"), split("lower case"),
	split("substring before"), split("substring after"),
	split("starts with"), split("ends with"), split("string join"),
	split("list contains"), split("insert before"), split("index of"),
	split("distinct values"), split("duplicate values"), split("list replace"),
	split("get entries"), split("get value"), split("context put"),
	split("context merge"), split("is defined"), split("get or else"),
	split("day of year"), split("day of week"), split("month of year"),
	split("week of year"), split("last day of month"),
	split("round up"), split("round down"), split("round half up"),
	split("round half down"), split("is empty"), split("is blank"),
	split("to base64"), split("met by"), split("overlaps before"),
	split("overlaps after"), split("finished by"), split("started by"),
}

func split(s string) []string { return strings.Split(s, " ") }

// multiWordName matches the longest built-in name with spaces at the
// current token, if it is followed by "(". It returns the name and the
// number of tokens it spans.
func (p *parser) multiWordName() (string, int) {
	best, bestLen := "", 0
	for _, words := range multiWordNames {
		if len(words) <= bestLen || !p.wordsMatch(words) {
			continue
		}
		if next := p.peekAt(len(words)); next.kind == tokOp && next.text == "(" {
			best, bestLen = strings.Join(words, " "), len(words)
		}
	}
	return best, bestLen
}

func (p *parser) wordsMatch(words []string) bool {
	for i, w := range words {
		t := p.peekAt(i)
		if t.kind != tokName || t.text != w {
			return false
		}
	}
	return true
}

// nameWords reads a name made of one or more words followed by stop (":"),
// as used for context keys and named parameters: "start position: 2".
func (p *parser) nameWords(stop string) (string, bool) {
	if t := p.peek(); t.kind == tokString || t.kind == tokQuotedName {
		if next := p.peekAt(1); next.kind == tokOp && next.text == stop {
			p.i += 2
			return t.text, true
		}
		return "", false
	}
	n := 0
	for p.peekAt(n).kind == tokName {
		n++
	}
	if n == 0 || p.peekAt(n).kind != tokOp || p.peekAt(n).text != stop {
		return "", false
	}
	words := make([]string, n)
	for i := range words {
		words[i] = p.next().text
	}
	p.i++ // stop
	return strings.Join(words, " "), true
}
