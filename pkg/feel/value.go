package feel

import (
	"time"
)

// Kind is the FEEL type of a [Value].
type Kind uint8

// The FEEL types. The zero Kind is Null.
const (
	KindNull Kind = iota
	KindBoolean
	KindNumber
	KindString
	KindList
	KindContext
	KindDate
	KindTime
	KindDateTime
	KindDaysTimeDuration
	KindYearsMonthsDuration
	KindRange
	KindFunction
)

var kindNames = [...]string{
	KindNull:                "null",
	KindBoolean:             "boolean",
	KindNumber:              "number",
	KindString:              "string",
	KindList:                "list",
	KindContext:             "context",
	KindDate:                "date",
	KindTime:                "time",
	KindDateTime:            "date and time",
	KindDaysTimeDuration:    "days and time duration",
	KindYearsMonthsDuration: "years and months duration",
	KindRange:               "range",
	KindFunction:            "function",
}

// String returns the FEEL name of the type, as used by "instance of".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Value is a FEEL value. The zero Value is null. Values are immutable and
// cheap to copy (a kind and an interface word pair); build them with the
// constructors below or [FromGo], read them with the As methods, print them
// with String (FEEL notation) or [ToJSON].
type Value struct {
	kind Kind
	// x holds, by kind: bool; float64 (a JSON number from Go input,
	// converted to a decimal only for arithmetic) or *num; string;
	// []Value; Context; date; clock; dateTime; dtDuration; ymDuration;
	// *Range; *Function.
	x any
}

// Bool returns a FEEL boolean.
func Bool(b bool) Value { return Value{kind: KindBoolean, x: b} }

// String returns a FEEL string.
func String(s string) Value { return Value{kind: KindString, x: s} }

// List returns a FEEL list holding items (not copied).
func List(items ...Value) Value {
	if items == nil {
		items = []Value{}
	}
	return Value{kind: KindList, x: items}
}

// ContextValue returns a FEEL context value backed by c.
func ContextValue(c Context) Value {
	if c == nil {
		c = &Entries{}
	}
	return Value{kind: KindContext, x: c}
}

// Date returns a FEEL date for the calendar day of t (its location is ignored).
func Date(t time.Time) Value {
	return Value{kind: KindDate, x: dateOf(t.Year(), int(t.Month()), t.Day())}
}

// DateTime returns a FEEL date and time. With zoned set, the value keeps
// t's location (an IANA zone prints as @Zone/Name, a fixed offset as
// +hh:mm, UTC as Z); without it, the value is a local date and time holding
// t's wall clock.
func DateTime(t time.Time, zoned bool) Value {
	return Value{kind: KindDateTime, x: dateTimeFromTime(t, zoned)}
}

// Duration returns a FEEL days and time duration.
func Duration(d time.Duration) Value {
	return Value{kind: KindDaysTimeDuration, x: dtFromNanos(int64(d))}
}

// YearsMonths returns a FEEL years and months duration of the given total
// number of months.
func YearsMonths(months int64) Value {
	return Value{kind: KindYearsMonthsDuration, x: ymDuration{months: months}}
}

// Kind returns the FEEL type of v.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// AsBool returns v's boolean and whether v is a boolean.
func (v Value) AsBool() (bool, bool) {
	b, ok := v.x.(bool)
	return b, ok && v.kind == KindBoolean
}

// AsString returns v's string and whether v is a string.
func (v Value) AsString() (string, bool) {
	s, ok := v.x.(string)
	return s, ok && v.kind == KindString
}

// AsList returns v's items and whether v is a list. The slice must not be
// modified.
func (v Value) AsList() ([]Value, bool) {
	l, ok := v.x.([]Value)
	return l, ok && v.kind == KindList
}

// AsContext returns v's entries and whether v is a context.
func (v Value) AsContext() (Context, bool) {
	c, ok := v.x.(Context)
	return c, ok && v.kind == KindContext
}

// AsFloat64 returns v's number as the nearest float64 and whether v is a
// number.
func (v Value) AsFloat64() (float64, bool) {
	if v.kind != KindNumber {
		return 0, false
	}
	return numFloat(v), true
}

// AsTime returns the instant or wall clock of a date (midnight UTC), a date
// and time (in its zone; local date-times in UTC) or a time (on 1970-01-01),
// and whether v is one of those.
func (v Value) AsTime() (time.Time, bool) {
	switch x := v.x.(type) {
	case date:
		return x.time(), true
	case dateTime:
		return x.t, true
	case clock:
		return x.onDate(epochDate), true
	}
	return time.Time{}, false
}

// AsDuration returns a days and time duration as a time.Duration (saturating
// at about ±292 years) and whether v is one.
func (v Value) AsDuration() (time.Duration, bool) {
	d, ok := v.x.(dtDuration)
	if !ok {
		return 0, false
	}
	return d.goDuration(), true
}

// AsMonths returns the total months of a years and months duration and
// whether v is one.
func (v Value) AsMonths() (int64, bool) {
	d, ok := v.x.(ymDuration)
	return d.months, ok
}

func boolValue(b bool) Value { return Value{kind: KindBoolean, x: b} }

func listValue(items []Value) Value { return Value{kind: KindList, x: items} }

func (v Value) list() []Value {
	l, _ := v.x.([]Value)
	return l
}

func (v Value) str() string {
	s, _ := v.x.(string)
	return s
}

func (v Value) context() Context {
	c, _ := v.x.(Context)
	return c
}
