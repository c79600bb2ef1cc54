package feel

func (n *arithExpr) eval(e *evaluator, s *scope) Value {
	l, r := n.l.eval(e, s), n.r.eval(e, s)
	if v, ok := arith(n.op, l, r); ok {
		return v
	}
	e.warn(n.pos, InvalidType, "%s", arithFailure(n.op, l, r))
	return Value{}
}

// arith applies + - * / or ** (op '^'). ok is false for operands the
// operator does not accept, division by zero and overflow.
func arith(op byte, l, r Value) (Value, bool) {
	if l.kind == KindNumber && r.kind == KindNumber {
		switch op {
		case '+':
			return numAdd(l, r)
		case '-':
			return numSub(l, r)
		case '*':
			return numMul(l, r)
		case '/':
			return numDiv(l, r)
		case '^':
			return numPow(l, r)
		}
	}
	if op == '+' && l.kind == KindString && r.kind == KindString {
		if len(l.str())+len(r.str()) > maxStringSize {
			return Value{}, false
		}
		return String(l.str() + r.str()), true
	}
	if l.kind == KindNull || r.kind == KindNull {
		return Value{}, false
	}
	switch op {
	case '+':
		return temporalAdd(l, r)
	case '-':
		return temporalSub(l, r)
	case '*':
		return durationMul(l, r)
	case '/':
		return durationDiv(l, r)
	}
	return Value{}, false
}

// arithFailure words the warning as feel-scala does.
func arithFailure(op byte, l, r Value) string {
	switch op {
	case '+':
		return "Can't add '" + r.String() + "' to '" + l.String() + "'"
	case '-':
		return "Can't subtract '" + r.String() + "' from '" + l.String() + "'"
	case '*':
		return "Can't multiply '" + l.String() + "' by '" + r.String() + "'"
	case '/':
		return "Can't divide '" + l.String() + "' by '" + r.String() + "'"
	}
	return "Can't raise '" + l.String() + "' to the power of '" + r.String() + "'"
}
