package feel

// parseExpression parses a full expression: if, for, some/every, function
// definitions and the operator grammar, from "or" (loosest) down to postfix
// paths, filters and calls (tightest).
func (p *parser) parseExpression() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	switch {
	case p.isWord("if"):
		return p.parseIf()
	case p.isWord("for") && p.startsIterator(1):
		return p.parseFor()
	case (p.isWord("some") || p.isWord("every")) && p.startsIterator(1):
		return p.parseQuantified()
	}
	return p.parseDisjunction()
}

// startsIterator reports whether "name in" follows at offset n.
func (p *parser) startsIterator(n int) bool {
	name, in := p.peekAt(n), p.peekAt(n+1)
	return (name.kind == tokName || name.kind == tokQuotedName) && in.kind == tokName && in.text == "in"
}

func (p *parser) parseIf() (node, error) {
	pos := p.next().pos
	cond, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("then", "after the if condition"); err != nil {
		return nil, err
	}
	then, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("else", "after the then branch (FEEL requires an else branch)"); err != nil {
		return nil, err
	}
	els, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	return &ifExpr{at: at{pos}, cond: cond, then: then, els: els}, nil
}

func (p *parser) parseFor() (node, error) {
	pos := p.next().pos
	iters, err := p.parseIterators()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("return", "after the for iterators"); err != nil {
		return nil, err
	}
	body, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	return &forExpr{at: at{pos}, iters: iters, body: body}, nil
}

func (p *parser) parseQuantified() (node, error) {
	t := p.next()
	iters, err := p.parseIterators()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("satisfies", "after the "+t.text+" iterators"); err != nil {
		return nil, err
	}
	cond, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	return &quantifiedExpr{at: at{t.pos}, every: t.text == "every", iters: iters, cond: cond}, nil
}

// parseIterators parses "x in list, y in 1..3".
func (p *parser) parseIterators() ([]iterator, error) {
	var iters []iterator
	for {
		t := p.next()
		if t.kind != tokName && t.kind != tokQuotedName {
			return nil, syntaxErrorAt(p.src, t.pos, "expected an iteration variable name but found %s", describe(t))
		}
		if err := p.expectWord("in", "after the iteration variable"); err != nil {
			return nil, err
		}
		it := iterator{name: t.text}
		var err error
		if it.in, err = p.parseExpression(); err != nil {
			return nil, err
		}
		if p.acceptOp("..") {
			if it.upto, err = p.parseExpression(); err != nil {
				return nil, err
			}
		}
		iters = append(iters, it)
		if !p.acceptOp(",") {
			return iters, nil
		}
	}
}

func (p *parser) parseDisjunction() (node, error) {
	l, err := p.parseConjunction()
	for err == nil && p.isWord("or") {
		pos := p.next().pos
		var r node
		if r, err = p.parseConjunction(); err == nil {
			l = &logicExpr{at: at{pos}, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) parseConjunction() (node, error) {
	l, err := p.parseComparison()
	for err == nil && p.isWord("and") {
		pos := p.next().pos
		var r node
		if r, err = p.parseComparison(); err == nil {
			l = &logicExpr{at: at{pos}, and: true, l: l, r: r}
		}
	}
	return l, err
}

var compareOps = map[string]bool{"=": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *parser) parseComparison() (node, error) {
	l, err := p.parseAdditive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tokOp && compareOps[t.text]:
		p.next()
		r, err := p.parseAdditive()
		if err != nil {
			return nil, err
		}
		return &compareExpr{at: at{t.pos}, op: t.text, l: l, r: r}, nil
	case p.isWord("between"):
		return p.parseBetween(l)
	case p.isWord("in"):
		p.next()
		tests, err := p.parseInTests()
		if err != nil {
			return nil, err
		}
		return &inExpr{at: at{t.pos}, x: l, tests: tests}, nil
	case p.isWord("instance"):
		return p.parseInstanceOf(l)
	}
	return l, nil
}

func (p *parser) parseBetween(x node) (node, error) {
	pos := p.next().pos
	lo, err := p.parseAdditive()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("and", "in between ... and ..."); err != nil {
		return nil, err
	}
	hi, err := p.parseAdditive()
	if err != nil {
		return nil, err
	}
	return &betweenExpr{at: at{pos}, x: x, lo: lo, hi: hi}, nil
}

func (p *parser) parseInstanceOf(x node) (node, error) {
	pos := p.next().pos
	if err := p.expectWord("of", "after 'instance'"); err != nil {
		return nil, err
	}
	typ, err := p.parseType()
	if err != nil {
		return nil, err
	}
	return &instanceOfExpr{at: at{pos}, x: x, typ: typ}, nil
}

func (p *parser) parseAdditive() (node, error) {
	l, err := p.parseMultiplicative()
	for err == nil && (p.isOp("+") || p.isOp("-")) {
		t := p.next()
		var r node
		if r, err = p.parseMultiplicative(); err == nil {
			l = &arithExpr{at: at{t.pos}, op: t.text[0], l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) parseMultiplicative() (node, error) {
	l, err := p.parsePower()
	for err == nil && (p.isOp("*") || p.isOp("/")) {
		t := p.next()
		var r node
		if r, err = p.parsePower(); err == nil {
			l = &arithExpr{at: at{t.pos}, op: t.text[0], l: l, r: r}
		}
	}
	return l, err
}

// parsePower parses "**", left-associative and binding looser than unary
// minus, as in feel-scala: -2 ** 2 is 4.
func (p *parser) parsePower() (node, error) {
	l, err := p.parseUnary()
	for err == nil && p.isOp("**") {
		t := p.next()
		var r node
		if r, err = p.parseUnary(); err == nil {
			l = &arithExpr{at: at{t.pos}, op: '^', l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) parseUnary() (node, error) {
	if !p.isOp("-") {
		return p.parsePostfix()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	pos := p.next().pos
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	if lit, ok := x.(*literal); ok && lit.val.kind == KindNumber {
		return &literal{at: at{pos}, val: numNeg(lit.val)}, nil
	}
	return &negExpr{at: at{pos}, x: x}, nil
}

// parsePostfix parses paths (a.b), filters (a[b]) and calls (f(x)).
func (p *parser) parsePostfix() (node, error) {
	x, err := p.parsePrimary()
	for err == nil {
		t := p.peek()
		switch {
		case t.kind == tokOp && t.text == ".":
			x, err = p.parsePath(x)
		case t.kind == tokOp && t.text == "[" && !p.closesRange():
			x, err = p.parseFilter(x)
		case t.kind == tokOp && t.text == "(":
			x, err = p.parseCall(x)
		default:
			return x, nil
		}
	}
	return nil, err
}

func (p *parser) parsePath(target node) (node, error) {
	dot := p.next()
	t := p.next()
	if t.kind != tokName && t.kind != tokQuotedName {
		return nil, syntaxErrorAt(p.src, t.pos, "expected a name after '.' but found %s", describe(t))
	}
	// keys may have several words: x.time offset, x.first name
	key := t.text
	for p.peek().kind == tokName && !isKeyword(p.peek().text) && t.kind == tokName {
		key += " " + p.next().text
	}
	return &pathExpr{at: at{dot.pos}, target: target, key: key}, nil
}

func (p *parser) parseFilter(target node) (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	pos := p.next().pos
	cond, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	if err := p.expectOp("]", "to close the filter"); err != nil {
		return nil, err
	}
	return &filterExpr{at: at{pos}, target: target, cond: cond}, nil
}

func (p *parser) parseCall(callee node) (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next()
	call := &callExpr{at: at{callee.offset()}, callee: callee}
	if p.acceptOp(")") {
		return call, nil
	}
	for {
		name, named := p.nameWords(":")
		if named != (call.names != nil) && len(call.args) > 0 {
			return nil, p.errorf("cannot mix positional and named parameters")
		}
		if named {
			call.names = append(call.names, name)
		}
		arg, err := p.parseExpression()
		if err != nil {
			return nil, err
		}
		call.args = append(call.args, arg)
		if !p.acceptOp(",") {
			break
		}
	}
	if err := p.expectOp(")", "to close the parameter list"); err != nil {
		return nil, err
	}
	return call, nil
}

// closesRange reports whether the "[" at the current token closes an open
// range ("[1..5[") rather than starting a filter: a filter needs an
// expression after it.
func (p *parser) closesRange() bool {
	next := p.peekAt(1)
	if next.kind == tokEOF {
		return true
	}
	return next.kind == tokOp && (next.text == "," || next.text == ")" || next.text == "]" || next.text == "}")
}
