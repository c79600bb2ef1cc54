package feel

import (
	"strings"
	"time"
)

func conversionBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"string": {fixed(fnString, "from")},
		"number": {
			fixed(fnNumber, "from"),
			fixed(fnNumber, "from", "grouping separator"),
			fixed(fnNumber, "from", "grouping separator", "decimal separator"),
		},
		"date":                      {fixed(fnDate, "from"), fixed(fnDateYMD, "year", "month", "day")},
		"time":                      {fixed(fnTime, "from"), optional(3, fnTimeHMS, "hour", "minute", "second", "offset")},
		"date and time":             {fixed(fnDateTime, "from"), fixed(fnDateAndTime, "date", "time")},
		"duration":                  {fixed(fnDuration, "from")},
		"years and months duration": {fixed(fnYearsAndMonths, "from", "to")},
	}
}

func fnString(c *call, a []Value) Value {
	if a[0].kind == KindNull {
		return Value{}
	}
	return String(plainString(a[0]))
}

// fnNumber parses a number; separators may be " ", "," or "." (grouping)
// and "," or "." (decimal), as feel-scala allows.
func fnNumber(c *call, a []Value) Value {
	from, ok := c.string(a[0])
	if !ok {
		return Value{}
	}
	group, dec := arg(a, 1), arg(a, 2)
	if g, ok := group.AsString(); ok {
		if g != " " && g != "," && g != "." {
			return c.fail("illegal grouping separator '%s': use ' ', ',' or '.'", g)
		}
		from = strings.ReplaceAll(from, g, "")
	}
	if d, ok := dec.AsString(); ok {
		if (d != "," && d != ".") || d == group.str() {
			return c.fail("illegal decimal separator '%s': use ',' or '.'", d)
		}
		from = strings.ReplaceAll(from, d, ".")
	}
	v, err := ParseNumber(from)
	if err != nil {
		return c.fail("can't parse '%s' as a number", from)
	}
	return v
}

func fnDate(c *call, a []Value) Value {
	switch x := a[0].x.(type) {
	case string:
		if d, ok := parseDateValue(x); ok {
			return Value{kind: KindDate, x: d}
		}
		return c.fail("can't parse '%s' as a date", x)
	case date:
		return a[0]
	case dateTime:
		return Value{kind: KindDate, x: x.date()}
	}
	return c.typeError("string, date or date and time", a[0])
}

func fnDateYMD(c *call, a []Value) Value {
	y, ok1 := c.int(a[0])
	m, ok2 := c.int(a[1])
	d, ok3 := c.int(a[2])
	if !ok1 || !ok2 || !ok3 {
		return Value{}
	}
	if v, ok := validDate(y, m, d); ok && y > -1e9 && y < 1e9 {
		return Value{kind: KindDate, x: v}
	}
	return c.fail("%d-%d-%d is not a valid date", y, m, d)
}

func fnTime(c *call, a []Value) Value {
	switch x := a[0].x.(type) {
	case string:
		if t, ok := parseClockValue(x); ok {
			return Value{kind: KindTime, x: t}
		}
		return c.fail("can't parse '%s' as a time", x)
	case clock:
		return a[0]
	case dateTime:
		return Value{kind: KindTime, x: x.clock()}
	case date:
		return Value{kind: KindTime, x: clock{zone: fixedZone(0)}} // midnight UTC, as feel-scala
	}
	return c.typeError("string, time, date or date and time", a[0])
}

func fnTimeHMS(c *call, a []Value) Value {
	h, ok1 := c.int(a[0])
	m, ok2 := c.int(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	secs, ok := c.num(a[2])
	if !ok {
		return Value{}
	}
	s, _ := numInt(secs)
	frac, _ := numSub(secs, Int(int64(s)))
	ns, _ := numInt(mustMul(frac, Int(1e9)))
	z := zone{}
	if off := arg(a, 3); off.kind != KindNull {
		d, ok := off.x.(dtDuration)
		if !ok || d.secs > 18*3600 || d.secs < -18*3600 {
			return c.typeError("an offset duration within ±18 hours", off)
		}
		z = fixedZone(int(d.secs))
	}
	if h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || ns < 0 {
		return c.fail("%d:%d:%s is not a valid time", h, m, secs)
	}
	return Value{kind: KindTime, x: clockOf(h, m, s, ns, z)}
}

func mustMul(a, b Value) Value {
	v, _ := numMul(a, b)
	return v
}

func fnDateTime(c *call, a []Value) Value {
	s, ok := c.string(a[0])
	if !ok {
		return Value{}
	}
	if dt, ok := parseDateTimeValue(s); ok {
		return Value{kind: KindDateTime, x: dt}
	}
	return c.fail("can't parse '%s' as a date and time", s)
}

// fnDateAndTime combines a date (or the date of a date and time) with a
// time; given a zone id instead of a time, it moves a date and time to that
// zone (a Camunda extension).
func fnDateAndTime(c *call, a []Value) Value {
	var d date
	switch x := a[0].x.(type) {
	case date:
		d = x
	case dateTime:
		d = x.date()
		if zoneID, ok := a[1].AsString(); ok {
			return withZone(c, x, zoneID)
		}
	default:
		return c.typeError("date or date and time", a[0])
	}
	t, ok := a[1].x.(clock)
	if !ok {
		return c.typeError("time", a[1])
	}
	wall := time.Date(d.year, time.Month(d.month), d.day, t.hour(), t.minute(), t.second(), t.nano(), time.UTC)
	return Value{kind: KindDateTime, x: zonedDateTime(wall, t.zone)}
}

func withZone(c *call, dt dateTime, zoneID string) Value {
	z, ok := namedZone(zoneID)
	if !ok {
		return c.fail("unknown time zone '%s'", zoneID)
	}
	if !dt.zone.isSet() {
		return Value{kind: KindDateTime, x: zonedDateTime(dt.t, z)}
	}
	return Value{kind: KindDateTime, x: dateTime{t: dt.t.In(z.loc), zone: z}}
}

func fnDuration(c *call, a []Value) Value {
	s, ok := c.string(a[0])
	if !ok {
		return Value{}
	}
	if v, ok := parseDuration(s); ok {
		return v
	}
	return c.fail("can't parse '%s' as a duration", s)
}

// fnYearsAndMonths is the whole months between two dates, as
// java.time.Period.between(...).withDays(0) counts them.
func fnYearsAndMonths(c *call, a []Value) Value {
	from, ok1 := dateOfValue(a[0])
	to, ok2 := dateOfValue(a[1])
	if !ok1 || !ok2 {
		return c.typeError("two dates or date and times", listValue(a))
	}
	months := int64(to.year*12+to.month) - int64(from.year*12+from.month)
	switch {
	case months > 0 && to.day < from.day:
		months--
	case months < 0 && to.day > from.day:
		months++
	}
	return YearsMonths(months)
}

func dateOfValue(v Value) (date, bool) {
	switch x := v.x.(type) {
	case date:
		return x, true
	case dateTime:
		return x.date(), true
	}
	return date{}, false
}
