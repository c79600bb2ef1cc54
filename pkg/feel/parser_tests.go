package feel

// parseUnaryTests parses the unary tests entry point: "-", "not(tests)" or
// a comma-separated list of positive unary tests.
func (p *parser) parseUnaryTests() ([]test, error) {
	t := p.peek()
	if t.kind == tokOp && t.text == "-" && p.peekAt(1).kind == tokEOF {
		p.next()
		return []test{&anyTest{at{t.pos}}}, nil
	}
	if p.isWord("not") && p.peekAt(1).kind == tokOp && p.peekAt(1).text == "(" {
		save := p.i
		p.i += 2
		tests, err := p.parsePositiveTests(p.parseExpression)
		if err == nil && p.acceptOp(")") && p.peek().kind == tokEOF {
			return []test{&notTest{at: at{t.pos}, tests: tests}}, nil
		}
		p.i = save // not(...) as a function call expression
	}
	return p.parsePositiveTests(p.parseExpression)
}

// parsePositiveTests parses tests separated by commas. operand parses the
// expression of a test: full expressions at the unary tests entry point,
// arithmetic only after "in" (so that "x in [1, 2] and y" groups as
// "(x in [1, 2]) and y").
func (p *parser) parsePositiveTests(operand func() (node, error)) ([]test, error) {
	var tests []test
	for {
		t, err := p.parsePositiveTest(operand)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
		if !p.acceptOp(",") {
			return tests, nil
		}
	}
}

func (p *parser) parsePositiveTest(operand func() (node, error)) (test, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	if t.kind == tokOp && compareOps[t.text] {
		p.next()
		rhs, err := p.parseAdditive()
		if err != nil {
			return nil, err
		}
		return &compareTest{at: at{t.pos}, op: t.text, rhs: rhs}, nil
	}
	x, err := operand()
	if err != nil {
		return nil, err
	}
	// feel-scala reads a boolean literal as a comparison with the input
	// ("unary-test is ambiguous for boolean literals - give precedence to
	// comparison with input"): the decision table cell "true" does not
	// match false. As an expression test, true would match anything.
	if lit, ok := x.(*literal); ok && lit.val.kind == KindBoolean {
		return &compareTest{at: at{t.pos}, op: "=", rhs: x}, nil
	}
	return &exprTest{at: at{t.pos}, x: x}, nil
}

// parseInTests parses the right side of "in": a single test ("in > 5",
// "in [1..10]", "in list") or parenthesized tests ("in (1, 2, 3)").
func (p *parser) parseInTests() ([]test, error) {
	if !p.isOp("(") {
		t, err := p.parsePositiveTest(p.parseAdditive)
		return []test{t}, err
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	pos := p.next().pos
	first, err := p.parsePositiveTest(p.parseExpression)
	if err != nil {
		return nil, err
	}
	if x, ok := first.(*exprTest); ok && p.isOp("..") {
		r, err := p.parseRangeRest(pos, false, x.x) // in (1..10]
		return []test{&exprTest{at: at{pos}, x: r}}, err
	}
	tests := []test{first}
	for p.acceptOp(",") {
		t, err := p.parsePositiveTest(p.parseExpression)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	return tests, p.expectOp(")", "to close the list of tests")
}
