package feel

import (
	"time"
)

func temporalBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"now":               {fixed(fnNow)},
		"today":             {fixed(fnToday)},
		"day of year":       {fixed(dayFn(func(t time.Time) Value { return Int(int64(t.YearDay())) }), "date")},
		"day of week":       {fixed(dayFn(func(t time.Time) Value { return String(t.Weekday().String()) }), "date")},
		"month of year":     {fixed(dayFn(func(t time.Time) Value { return String(t.Month().String()) }), "date")},
		"week of year":      {fixed(dayFn(func(t time.Time) Value { _, w := t.ISOWeek(); return Int(int64(w)) }), "date")},
		"last day of month": {fixed(dayFn(lastDayOfMonth), "date")},
	}
}

// clockNow reads the injected clock.
func (c *call) clockNow() (time.Time, bool) {
	if c.e.opts.now == nil {
		c.fail("no clock configured: evaluate with feel.WithClock to use now() and today()")
		return time.Time{}, false
	}
	return c.e.opts.now(), true
}

func fnNow(c *call, _ []Value) Value {
	t, ok := c.clockNow()
	if !ok {
		return Value{}
	}
	return DateTime(t, true)
}

func fnToday(c *call, _ []Value) Value {
	t, ok := c.clockNow()
	if !ok {
		return Value{}
	}
	return Date(t)
}

// dayFn applies f to the calendar day of a date or date and time.
func dayFn(f func(time.Time) Value) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		d, ok := dateOfValue(a[0])
		if !ok {
			return c.typeError("date or date and time", a[0])
		}
		return f(d.time())
	}
}

func lastDayOfMonth(t time.Time) Value {
	return Value{kind: KindDate, x: dateOf(t.Year(), int(t.Month()), daysIn(t.Year(), int(t.Month())))}
}
