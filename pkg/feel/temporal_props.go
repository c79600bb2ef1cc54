package feel

import (
	"time"
)

// property returns a property of a temporal value or range, as feel-scala
// exposes them: date.year, time.hour, duration.days, range.start, ...
func property(v Value, key string) (Value, bool) {
	switch x := v.x.(type) {
	case date:
		return dateProperty(x, key)
	case clock:
		return clockProperty(x, epochDate, key)
	case dateTime:
		if r, ok := dateProperty(x.date(), key); ok {
			return r, true
		}
		return clockProperty(x.clock(), x.date(), key)
	case dtDuration:
		return dtProperty(x, key)
	case ymDuration:
		return ymProperty(x, key)
	case *Range:
		return x.property(key)
	}
	return Value{}, false
}

func dateProperty(d date, key string) (Value, bool) {
	switch key {
	case "year":
		return Int(int64(d.year)), true
	case "month":
		return Int(int64(d.month)), true
	case "day":
		return Int(int64(d.day)), true
	case "weekday":
		return Int(int64(isoWeekday(d.time()))), true
	}
	return Value{}, false
}

// isoWeekday numbers Monday 1 to Sunday 7.
func isoWeekday(t time.Time) int {
	wd := int(t.Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

func clockProperty(c clock, on date, key string) (Value, bool) {
	switch key {
	case "hour":
		return Int(int64(c.hour())), true
	case "minute":
		return Int(int64(c.minute())), true
	case "second":
		return Int(int64(c.second())), true
	case "time offset":
		if !c.zone.isSet() {
			return Value{}, true
		}
		off := c.zone.offsetAt(c.onDate(on))
		return Value{kind: KindDaysTimeDuration, x: dtDuration{secs: int64(off)}}, true
	case "timezone":
		if c.zone.name == "" {
			return Value{}, true
		}
		return String(c.zone.name), true
	}
	return Value{}, false
}

func dtProperty(d dtDuration, key string) (Value, bool) {
	sign, days, hours, mins, secs, _ := d.parts()
	if sign < 0 {
		days, hours, mins, secs = -days, -hours, -mins, -secs
	}
	switch key {
	case "days":
		return Int(days), true
	case "hours":
		return Int(hours), true
	case "minutes":
		return Int(mins), true
	case "seconds":
		return Int(secs), true
	}
	return Value{}, false
}

func ymProperty(d ymDuration, key string) (Value, bool) {
	switch key {
	case "years":
		return Int(d.months / 12), true
	case "months":
		return Int(d.months % 12), true
	}
	return Value{}, false
}
