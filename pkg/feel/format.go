package feel

import (
	"strconv"
	"strings"
)

// String returns v in FEEL notation, so that parsing and evaluating the
// result gives v back (except for functions): null, true, 12.5,
// "quoted \"text\"", [1, "a"], {a: 1, "b c": 2}, date("2024-01-31"),
// time("10:30:00@Europe/Paris"), date and time("2024-01-31T10:30:00Z"),
// duration("P1DT2H"), duration("P1Y2M"), [1..10], function(a, b).
func (v Value) String() string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v Value) {
	switch v.kind {
	case KindNull:
		b.WriteString("null")
	case KindBoolean:
		b.WriteString(strconv.FormatBool(v.x.(bool)))
	case KindNumber:
		b.WriteString(numText(v))
	case KindString:
		b.WriteString(quote(v.str()))
	case KindList:
		writeList(b, v.list())
	case KindContext:
		writeContext(b, v.context())
	case KindRange:
		b.WriteString(v.x.(*Range).String())
	case KindFunction:
		b.WriteString(v.x.(*Function).String())
	default:
		writeTemporal(b, v)
	}
}

func writeList(b *strings.Builder, items []Value) {
	b.WriteByte('[')
	for i, item := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		writeValue(b, item)
	}
	b.WriteByte(']')
}

func writeContext(b *strings.Builder, c Context) {
	b.WriteByte('{')
	for i, k := range c.Keys() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(contextKey(k))
		b.WriteString(": ")
		e, _ := c.Get(k)
		writeValue(b, e)
	}
	b.WriteByte('}')
}

func writeTemporal(b *strings.Builder, v Value) {
	switch v.kind {
	case KindDate:
		b.WriteString("date(")
	case KindTime:
		b.WriteString("time(")
	case KindDateTime:
		b.WriteString("date and time(")
	default:
		b.WriteString("duration(")
	}
	b.WriteString(quote(temporalText(v)))
	b.WriteByte(')')
}

// temporalText is the ISO 8601 text of a temporal value, as string() gives it.
func temporalText(v Value) string {
	switch x := v.x.(type) {
	case date:
		return x.String()
	case clock:
		return x.String()
	case dateTime:
		return x.String()
	case dtDuration:
		return x.String()
	case ymDuration:
		return x.String()
	}
	return ""
}

// contextKey writes a key bare when it is a plain name, quoted otherwise.
func contextKey(k string) string {
	if isPlainName(k) {
		return k
	}
	return quote(k)
}

func isPlainName(s string) bool {
	if s == "" || isKeyword(s) {
		return false
	}
	for i, r := range s {
		if !isNameStart(r) && (i == 0 || !isNamePart(r)) {
			return false
		}
	}
	return true
}

// quote writes s as a FEEL string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainString is what the string() function returns: strings as they are,
// numbers and temporals as text, lists and contexts in FEEL notation.
func plainString(v Value) string {
	switch v.kind {
	case KindString:
		return v.str()
	case KindNumber:
		return numText(v)
	case KindBoolean:
		return strconv.FormatBool(v.x.(bool))
	case KindDate, KindTime, KindDateTime, KindDaysTimeDuration, KindYearsMonthsDuration:
		return temporalText(v)
	}
	return v.String()
}
