package feel

// compareValues orders two values of the same comparable type: numbers,
// strings, dates, times, date and times, and durations of the same kind.
// ok is false when the values cannot be ordered (different types, booleans,
// lists, a local and a zoned value).
func compareValues(a, b Value) (int, bool) {
	if a.kind != b.kind {
		return 0, false
	}
	switch a.kind {
	case KindNumber:
		return numCmp(a, b), true
	case KindString:
		return cmpStrings(a.str(), b.str()), true
	case KindDate:
		return a.x.(date).cmp(b.x.(date)), true
	case KindTime:
		return compareClocks(a.x.(clock), b.x.(clock))
	case KindDateTime:
		return compareDateTimes(a.x.(dateTime), b.x.(dateTime))
	case KindDaysTimeDuration:
		return a.x.(dtDuration).cmp(b.x.(dtDuration)), true
	case KindYearsMonthsDuration:
		return cmpInt64(a.x.(ymDuration).months, b.x.(ymDuration).months), true
	}
	return 0, false
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareClocks(a, b clock) (int, bool) {
	if a.zone.isSet() != b.zone.isSet() {
		return 0, false
	}
	if !a.zone.isSet() {
		return cmpInt64(a.nanos, b.nanos), true
	}
	return cmpInt64(a.utcNanos(), b.utcNanos()), true
}

func compareDateTimes(a, b dateTime) (int, bool) {
	if a.zone.isSet() != b.zone.isSet() {
		return 0, false
	}
	return a.t.Compare(b.t), true
}

// equalValues implements FEEL's "=": null equals only null; values of
// different types are not comparable (ok false); lists and contexts compare
// element by element. Zoned temporal values are equal when they denote the
// same instant in the same zone, as java.time's equals requires.
func equalValues(a, b Value) (bool, bool) {
	if a.kind == KindNull || b.kind == KindNull {
		return a.kind == b.kind, true
	}
	if a.kind != b.kind {
		return false, false
	}
	switch a.kind {
	case KindBoolean:
		return a.x.(bool) == b.x.(bool), true
	case KindList:
		return equalLists(a.list(), b.list()), true
	case KindContext:
		return equalContexts(a.context(), b.context()), true
	case KindRange:
		return a.x.(*Range).equal(b.x.(*Range)), true
	case KindFunction:
		return a.x == b.x, true
	case KindTime:
		c, ok := compareClocks(a.x.(clock), b.x.(clock))
		return ok && c == 0 && a.x.(clock).zone.suffix() == b.x.(clock).zone.suffix(), ok
	case KindDateTime:
		c, ok := compareDateTimes(a.x.(dateTime), b.x.(dateTime))
		return ok && c == 0 && a.x.(dateTime).zone.suffix() == b.x.(dateTime).zone.suffix(), ok
	}
	c, ok := compareValues(a, b)
	return c == 0, ok
}

// same reports FEEL equality, treating incomparable values as different.
func same(a, b Value) bool {
	eq, ok := equalValues(a, b)
	return ok && eq
}

func equalLists(a, b []Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalContexts(a, b Context) bool {
	ak, bk := a.Keys(), b.Keys()
	if len(ak) != len(bk) {
		return false
	}
	for _, k := range ak {
		bv, ok := b.Get(k)
		if !ok {
			return false
		}
		av, _ := a.Get(k)
		if !same(av, bv) {
			return false
		}
	}
	return true
}
