package feel

import (
	"math/big"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// temporalAdd adds a duration to a date, time or date and time (in either
// order) or two durations of the same kind, following java.time as
// feel-scala uses it.
func temporalAdd(l, r Value) (Value, bool) {
	if isDuration(l) && !isDuration(r) {
		l, r = r, l
	}
	switch d := r.x.(type) {
	case dtDuration:
		return addDT(l, d)
	case ymDuration:
		return addYM(l, d.months)
	}
	return Value{}, false
}

func isDuration(v Value) bool {
	return v.kind == KindDaysTimeDuration || v.kind == KindYearsMonthsDuration
}

func addDT(l Value, d dtDuration) (Value, bool) {
	switch x := l.x.(type) {
	case dtDuration:
		sum, ok := x.add(d)
		return Value{kind: KindDaysTimeDuration, x: sum}, ok
	case date:
		// feel-scala: date.atStartOfDay().plus(duration).toLocalDate()
		t, ok := shift(x.time(), d)
		return Value{kind: KindDate, x: dateFromTime(t)}, ok
	case dateTime:
		t, ok := shift(x.t, d)
		return Value{kind: KindDateTime, x: dateTime{t: t, zone: x.zone}}, ok
	case clock:
		n := (x.nanos + d.secs%86400*int64(time.Second) + int64(d.nanos)) % nanosPerDay
		if n < 0 {
			n += nanosPerDay
		}
		return Value{kind: KindTime, x: clock{nanos: n, zone: x.zone}}, true
	}
	return Value{}, false
}

// shift moves t by an exact duration, keeping its location.
func shift(t time.Time, d dtDuration) (time.Time, bool) {
	secs, overflow := addInt64(t.Unix(), d.secs)
	if overflow {
		return time.Time{}, false
	}
	return time.Unix(secs, int64(t.Nanosecond())+int64(d.nanos)).In(t.Location()), true
}

func addYM(l Value, months int64) (Value, bool) {
	switch x := l.x.(type) {
	case ymDuration:
		sum, overflow := addInt64(x.months, months)
		return Value{kind: KindYearsMonthsDuration, x: ymDuration{months: sum}}, !overflow
	case date:
		t, ok := addMonths(x.time(), months)
		return Value{kind: KindDate, x: dateFromTime(t)}, ok
	case dateTime:
		wall, ok := addMonths(x.t, months)
		return Value{kind: KindDateTime, x: zonedDateTime(wall, x.zone)}, ok
	}
	return Value{}, false
}

// addMonths adds months to a wall clock, clamping the day to the end of the
// month as java.time does (2024-01-31 + P1M = 2024-02-29).
func addMonths(t time.Time, months int64) (time.Time, bool) {
	if months > 1e6 || months < -1e6 {
		return time.Time{}, false
	}
	total := int64(t.Year())*12 + int64(t.Month()) - 1 + months
	y, m := int(total/12), int(total%12)+1
	if total < 0 && total%12 != 0 {
		y, m = int(total/12)-1, int(total%12)+13
	}
	day := min(t.Day(), daysIn(y, m))
	return time.Date(y, time.Month(m), day, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()), true
}

func temporalSub(l, r Value) (Value, bool) {
	switch d := r.x.(type) {
	case dtDuration:
		if l.kind == KindYearsMonthsDuration {
			return Value{}, false
		}
		return addDT(l, d.neg())
	case ymDuration:
		if l.kind == KindDaysTimeDuration || l.kind == KindTime {
			return Value{}, false
		}
		return addYM(l, -d.months)
	}
	return between(l, r)
}

// between is l - r for two dates, times or date and times of the same kind.
func between(l, r Value) (Value, bool) {
	var a, b time.Time
	switch x := l.x.(type) {
	case date:
		y, ok := r.x.(date)
		if !ok {
			return Value{}, false
		}
		a, b = x.time(), y.time()
	case dateTime:
		y, ok := r.x.(dateTime)
		if !ok || x.zone.isSet() != y.zone.isSet() {
			return Value{}, false
		}
		a, b = x.t, y.t
	case clock:
		y, ok := r.x.(clock)
		if !ok || x.zone.isSet() != y.zone.isSet() {
			return Value{}, false
		}
		return Value{kind: KindDaysTimeDuration, x: dtFromNanos(clockDiff(x, y))}, true
	default:
		return Value{}, false
	}
	d, _ := dtFromSecs(a.Unix()-b.Unix(), int64(a.Nanosecond()-b.Nanosecond()))
	return Value{kind: KindDaysTimeDuration, x: d}, true
}

func clockDiff(a, b clock) int64 {
	if a.zone.isSet() {
		return a.utcNanos() - b.utcNanos()
	}
	return a.nanos - b.nanos
}

// durationMul multiplies a duration by a number, truncated to an integer
// as feel-scala's Duration.multipliedBy(n.intValue) does.
func durationMul(l, r Value) (Value, bool) {
	if l.kind == KindNumber {
		l, r = r, l
	}
	if r.kind != KindNumber {
		return Value{}, false
	}
	n, ok := numInt(r)
	if !ok {
		return Value{}, false
	}
	switch d := l.x.(type) {
	case dtDuration:
		return bigNanosDuration(new(big.Int).Mul(d.totalNanos(), big.NewInt(int64(n))))
	case ymDuration:
		m, overflow := mulAddInt64(d.months, int64(n), 0)
		return Value{kind: KindYearsMonthsDuration, x: ymDuration{months: m}}, !overflow
	}
	return Value{}, false
}

func bigNanosDuration(n *big.Int) (Value, bool) {
	secs, nanos := new(big.Int).DivMod(n, big.NewInt(1e9), new(big.Int))
	if !secs.IsInt64() {
		return Value{}, false
	}
	return Value{kind: KindDaysTimeDuration, x: dtDuration{secs: secs.Int64(), nanos: int32(nanos.Int64())}}, true
}

// durationDiv divides a duration by a number (feel-scala: to whole months,
// or to milliseconds) or by a duration of the same kind (giving a number).
func durationDiv(l, r Value) (Value, bool) {
	switch d := l.x.(type) {
	case dtDuration:
		if o, ok := r.x.(dtDuration); ok {
			return numDiv(Int(d.millis()), Int(o.millis()))
		}
		q, ok := divTrunc(Int(d.millis()), r)
		return Value{kind: KindDaysTimeDuration, x: dtFromNanos(q * int64(time.Millisecond))}, ok
	case ymDuration:
		if o, ok := r.x.(ymDuration); ok {
			return numDiv(Int(d.months), Int(o.months))
		}
		q, ok := divTrunc(Int(d.months), r)
		return Value{kind: KindYearsMonthsDuration, x: ymDuration{months: q}}, ok
	}
	return Value{}, false
}

func (d dtDuration) millis() int64 { return d.secs*1000 + int64(d.nanos)/1e6 }

// divTrunc divides two numbers and truncates the quotient to an int64.
func divTrunc(a, b Value) (int64, bool) {
	if b.kind != KindNumber {
		return 0, false
	}
	q, ok := numDiv(a, b)
	if !ok {
		return 0, false
	}
	var t, r apd.Decimal
	c := decimal128
	c.Rounding = apd.RoundDown
	if _, err := c.RoundToIntegralValue(&r, dec(q, &t)); err != nil {
		return 0, false
	}
	i, err := r.Int64()
	return i, err == nil && i > -1e15 && i < 1e15
}
