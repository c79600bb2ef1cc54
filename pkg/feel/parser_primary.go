package feel

import (
	"strings"
)

func (p *parser) parsePrimary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tokNumber:
		p.next()
		v, err := ParseNumber(t.text)
		if err != nil {
			return nil, syntaxErrorAt(p.src, t.pos, "invalid number %s", t.text)
		}
		return &literal{at: at{t.pos}, val: v}, nil
	case tokString:
		p.next()
		return &literal{at: at{t.pos}, val: String(t.text)}, nil
	case tokQuotedName:
		p.next()
		return &nameRef{at: at{t.pos}, name: t.text}, nil
	case tokName:
		return p.parseWord()
	case tokOp:
		return p.parseBracketed()
	}
	return nil, p.errorf("expected an expression but found %s", describe(t))
}

func (p *parser) parseBracketed() (node, error) {
	t := p.peek()
	switch t.text {
	case "(":
		return p.parseParenthesized()
	case "[":
		return p.parseListOrRange()
	case "]":
		p.next()
		return p.parseRangeRest(t.pos, false, nil)
	case "{":
		return p.parseContext()
	case "@":
		return p.parseAtLiteral()
	case "?":
		p.next()
		return &nameRef{at: at{t.pos}, name: "?"}, nil
	}
	return nil, p.errorf("expected an expression but found %s", describe(t))
}

func (p *parser) parseWord() (node, error) {
	t := p.peek()
	switch t.text {
	case "true", "false":
		p.next()
		return &literal{at: at{t.pos}, val: Bool(t.text == "true")}, nil
	case "null":
		p.next()
		return &literal{at: at{t.pos}}, nil
	case "function":
		if p.peekAt(1).kind == tokOp && p.peekAt(1).text == "(" {
			return p.parseFunctionDef()
		}
	case "if", "for", "some", "every":
		return p.parseExpression()
	}
	if name, n := p.multiWordName(); n > 0 {
		p.i += n
		return &nameRef{at: at{t.pos}, name: name}, nil
	}
	if isKeyword(t.text) {
		return nil, p.errorf("expected an expression but found %s", describe(t))
	}
	p.next()
	return &nameRef{at: at{t.pos}, name: t.text}, nil
}

// parseParenthesized parses "(expr)" or an open-start range "(1..10]".
func (p *parser) parseParenthesized() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	pos := p.next().pos
	x, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	if p.isOp("..") {
		return p.parseRangeRest(pos, false, x)
	}
	if err := p.expectOp(")", "to close the parenthesis"); err != nil {
		return nil, err
	}
	return x, nil
}

// parseListOrRange parses "[]", "[a, b]" or "[a..b]".
func (p *parser) parseListOrRange() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	pos := p.next().pos
	list := &listExpr{at: at{pos}}
	if p.acceptOp("]") {
		return list, nil
	}
	first, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	if p.isOp("..") {
		return p.parseRangeRest(pos, true, first)
	}
	list.items = append(list.items, first)
	for p.acceptOp(",") {
		item, err := p.parseExpression()
		if err != nil {
			return nil, err
		}
		list.items = append(list.items, item)
	}
	if err := p.expectOp("]", "to close the list"); err != nil {
		return nil, err
	}
	return list, nil
}

// parseRangeRest parses the rest of a range after its opening bracket (and
// start, when already read): "start..end]", with ")" or "[" for an open end.
func (p *parser) parseRangeRest(pos int, startIncl bool, start node) (node, error) {
	var err error
	if start == nil {
		if start, err = p.parseExpression(); err != nil {
			return nil, err
		}
	}
	if err := p.expectOp("..", "in the range"); err != nil {
		return nil, err
	}
	end, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	r := &rangeExpr{at: at{pos}, start: start, end: end, startIncl: startIncl}
	switch {
	case p.acceptOp("]"):
		r.endIncl = true
	case p.acceptOp(")"), p.acceptOp("["):
	default:
		return nil, p.errorf("expected ']' or ')' to close the range but found %s", describe(p.peek()))
	}
	r.konst = constRange(r)
	return r, nil
}

// constRange builds, once, the range of literal bounds ([1..10], a
// decision table's "[100..200)"), which evaluation would otherwise
// rebuild on every test.
func constRange(r *rangeExpr) *Range {
	start, ok1 := r.start.(*literal)
	end, ok2 := r.end.(*literal)
	if !ok1 || !ok2 || !rangeBoundOK(start.val) || start.val.kind != end.val.kind {
		return nil
	}
	if _, ok := compareValues(start.val, end.val); !ok {
		return nil
	}
	return &Range{start: start.val, end: end.val, startIncl: r.startIncl, endIncl: r.endIncl}
}

func (p *parser) parseContext() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	pos := p.next().pos
	ctx := &contextExpr{at: at{pos}}
	if p.acceptOp("}") {
		return ctx, nil
	}
	for {
		key, ok := p.nameWords(":")
		if !ok {
			return nil, p.errorf("expected a context key followed by ':' but found %s", describe(p.peek()))
		}
		val, err := p.parseExpression()
		if err != nil {
			return nil, err
		}
		ctx.keys = append(ctx.keys, key)
		ctx.vals = append(ctx.vals, val)
		if !p.acceptOp(",") {
			break
		}
	}
	if err := p.expectOp("}", "to close the context"); err != nil {
		return nil, err
	}
	return ctx, nil
}

func (p *parser) parseAtLiteral() (node, error) {
	pos := p.next().pos
	t := p.next()
	if t.kind != tokString {
		return nil, syntaxErrorAt(p.src, t.pos, "expected a string after '@', as in @\"2024-01-31\", but found %s", describe(t))
	}
	v, ok := parseTemporal(t.text)
	if !ok {
		return &badTemporal{at: at{pos}, text: t.text}, nil
	}
	return &literal{at: at{pos}, val: v}, nil
}

func (p *parser) parseFunctionDef() (node, error) {
	pos := p.next().pos
	p.next() // (
	def := &funcDef{at: at{pos}}
	for !p.acceptOp(")") {
		if len(def.params) > 0 {
			if err := p.expectOp(",", "between parameters"); err != nil {
				return nil, err
			}
		}
		t := p.next()
		if t.kind != tokName && t.kind != tokQuotedName {
			return nil, syntaxErrorAt(p.src, t.pos, "expected a parameter name but found %s", describe(t))
		}
		def.params = append(def.params, t.text)
		if p.acceptOp(":") {
			if _, err := p.parseType(); err != nil {
				return nil, err
			}
		}
	}
	body, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	def.body = body
	return def, nil
}

// typeNames are the type names "instance of" accepts, including those with
// spaces.
var typeNames = []string{
	"years and months duration", "days and time duration", "date and time",
	"number", "string", "boolean", "date", "time", "duration", "list",
	"context", "function", "range", "Any", "Null",
}

// parseType parses a type such as number, date and time, list<string>.
func (p *parser) parseType() (typeSpec, error) {
	if err := p.enter(); err != nil {
		return typeSpec{}, err
	}
	defer p.leave()
	for _, name := range typeNames {
		words := strings.Split(name, " ")
		if !p.wordsMatch(words) {
			continue
		}
		p.i += len(words)
		return p.parseTypeParams(typeSpec{name: name})
	}
	return typeSpec{}, p.errorf("expected a type name (number, string, boolean, date, time, date and time, list, context, ...) but found %s", describe(p.peek()))
}

// parseTypeParams reads the element type of list<T> or range<T>; other
// type parameters (context<a: number>, function<T>->R) are read and ignored.
func (p *parser) parseTypeParams(t typeSpec) (typeSpec, error) {
	if !p.acceptOp("<") {
		return t, nil
	}
	if t.name == "list" || t.name == "range" {
		elem, err := p.parseType()
		if err != nil {
			return typeSpec{}, err
		}
		t.elem = &elem
		return t, p.expectOp(">", "to close the type parameter")
	}
	for depth := 1; depth > 0; {
		switch tok := p.next(); {
		case tok.kind == tokEOF:
			return typeSpec{}, p.errorf("expected '>' to close the type parameters")
		case tok.kind == tokOp && tok.text == "<":
			depth++
		case tok.kind == tokOp && tok.text == ">":
			depth--
		}
	}
	if p.acceptOp("-") {
		if err := p.expectOp(">", "in the function type"); err != nil {
			return typeSpec{}, err
		}
		if _, err := p.parseType(); err != nil {
			return typeSpec{}, err
		}
	}
	return t, nil
}
