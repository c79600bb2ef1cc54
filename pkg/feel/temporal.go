package feel

import (
	"fmt"
	"strings"
	"time"
)

// date is a FEEL date: a calendar day without time or zone.
type date struct {
	year       int
	month, day int
}

var epochDate = date{1970, 1, 1}

func dateOf(y, m, d int) date { return date{year: y, month: m, day: d} }

func dateFromTime(t time.Time) date { return dateOf(t.Year(), int(t.Month()), t.Day()) }

// time returns midnight UTC of d.
func (d date) time() time.Time {
	return time.Date(d.year, time.Month(d.month), d.day, 0, 0, 0, 0, time.UTC)
}

func (d date) cmp(o date) int {
	return cmpInts(d.year*10000+d.month*100+d.day, o.year*10000+o.month*100+o.day)
}

func (d date) String() string { return formatDate(d.year, d.month, d.day) }

func formatDate(y, m, d int) string {
	if y < 0 {
		return fmt.Sprintf("-%04d-%02d-%02d", -y, m, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// zone is the time zone of a time or date and time. The zero zone means
// "local": no zone at all.
type zone struct {
	name   string // IANA zone id for @Zone/Name values, else ""
	offset int    // seconds east of UTC for fixed offsets
	loc    *time.Location
}

func (z zone) isSet() bool { return z.loc != nil }

func fixedZone(offset int) zone {
	if offset == 0 {
		return zone{loc: time.UTC}
	}
	return zone{offset: offset, loc: time.FixedZone("", offset)}
}

func namedZone(name string) (zone, bool) {
	if name == "" || strings.ContainsAny(name, " \\") || strings.HasPrefix(name, ".") || strings.Contains(name, "..") {
		return zone{}, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return zone{}, false
	}
	return zone{name: name, loc: loc}, true
}

// suffix returns the zone as written after a time: Z, +hh:mm or @Zone/Name.
func (z zone) suffix() string {
	switch {
	case !z.isSet():
		return ""
	case z.name != "":
		return "@" + z.name
	case z.offset == 0:
		return "Z"
	}
	return formatOffset(z.offset)
}

func formatOffset(secs int) string {
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	s := fmt.Sprintf("%c%02d:%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf(":%02d", secs%60)
	}
	return s
}

// offsetAt returns the zone's UTC offset in seconds at instant t.
func (z zone) offsetAt(t time.Time) int {
	if z.name == "" {
		return z.offset
	}
	_, off := t.In(z.loc).Zone()
	return off
}

// clock is a FEEL time: a time of day, optionally with a zone.
type clock struct {
	nanos int64 // since midnight, in [0, 24h)
	zone  zone
}

const nanosPerDay = int64(24 * time.Hour)

func clockOf(h, m, s, ns int, z zone) clock {
	return clock{nanos: int64(h)*int64(time.Hour) + int64(m)*int64(time.Minute) + int64(s)*int64(time.Second) + int64(ns), zone: z}
}

func clockFromTime(t time.Time, z zone) clock {
	return clockOf(t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), z)
}

func (c clock) hour() int   { return int(c.nanos / int64(time.Hour)) }
func (c clock) minute() int { return int(c.nanos / int64(time.Minute) % 60) }
func (c clock) second() int { return int(c.nanos / int64(time.Second) % 60) }
func (c clock) nano() int   { return int(c.nanos % int64(time.Second)) }

// onDate returns the instant (zoned) or UTC wall clock (local) of c on d.
func (c clock) onDate(d date) time.Time {
	loc := time.UTC
	if c.zone.isSet() {
		loc = c.zone.loc
	}
	return time.Date(d.year, time.Month(d.month), d.day, c.hour(), c.minute(), c.second(), c.nano(), loc)
}

// utcNanos orders zoned times: the time of day shifted by the zone offset
// (taken on 1970-01-01 for named zones).
func (c clock) utcNanos() int64 {
	off := c.zone.offsetAt(c.onDate(epochDate))
	return c.nanos - int64(off)*int64(time.Second)
}

func (c clock) String() string {
	return formatClock(c.hour(), c.minute(), c.second(), c.nano()) + c.zone.suffix()
}

func formatClock(h, m, s, ns int) string {
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if ns != 0 {
		frac := strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
		out += "." + frac
	}
	return out
}

// dateTime is a FEEL date and time. For a local value t holds the wall clock
// in UTC; for a zoned one t is the instant in zone.loc.
type dateTime struct {
	t    time.Time
	zone zone
}

func dateTimeFromTime(t time.Time, zoned bool) dateTime {
	if !zoned {
		return localDateTime(t)
	}
	loc := t.Location()
	if loc == time.UTC {
		return dateTime{t: t, zone: fixedZone(0)}
	}
	if name := loc.String(); name != "" && name != "Local" {
		if z, ok := namedZone(name); ok {
			return dateTime{t: t.In(z.loc), zone: z}
		}
	}
	_, off := t.Zone()
	z := fixedZone(off)
	return dateTime{t: t.In(z.loc), zone: z}
}

func localDateTime(t time.Time) dateTime {
	return dateTime{t: time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)}
}

// zonedDateTime resolves a wall clock in z (local when z is unset).
func zonedDateTime(wall time.Time, z zone) dateTime {
	if !z.isSet() {
		return localDateTime(wall)
	}
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), z.loc)
	return dateTime{t: t, zone: z}
}

func (dt dateTime) date() date { return dateFromTime(dt.t) }

func (dt dateTime) clock() clock { return clockFromTime(dt.t, dt.zone) }

func (dt dateTime) String() string {
	t := dt.t
	return formatDate(t.Year(), int(t.Month()), t.Day()) + "T" +
		formatClock(t.Hour(), t.Minute(), t.Second(), t.Nanosecond()) + dt.zone.suffix()
}

func cmpInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
