package feel

import (
	"strconv"
	"strings"
	"time"
)

// parseDateValue parses "2024-01-31" (years of four or more digits,
// optionally negative).
func parseDateValue(s string) (date, bool) {
	neg := strings.HasPrefix(s, "-")
	parts := strings.Split(strings.TrimPrefix(s, "-"), "-")
	if len(parts) != 3 || len(parts[0]) < 4 || len(parts[0]) > 9 || len(parts[1]) != 2 || len(parts[2]) != 2 {
		return date{}, false
	}
	y, ok1 := atoi(parts[0])
	m, ok2 := atoi(parts[1])
	d, ok3 := atoi(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return date{}, false
	}
	if neg {
		y = -y
	}
	return validDate(y, m, d)
}

func validDate(y, m, d int) (date, bool) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return date{}, false
	}
	return dateOf(y, m, d), true
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func atoi(s string) (int, bool) {
	if !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parseClockValue parses "10:30", "10:30:00", "10:30:00.123" followed by an
// optional zone: Z, +hh:mm[:ss] or @Zone/Name.
func parseClockValue(s string) (clock, bool) {
	wall, z, ok := splitZone(s)
	if !ok {
		return clock{}, false
	}
	h, m, sec, ns, ok := parseWallClock(wall)
	if !ok {
		return clock{}, false
	}
	return clockOf(h, m, sec, ns, z), true
}

func parseWallClock(s string) (h, m, sec, ns int, ok bool) {
	main, frac, hasFrac := strings.Cut(s, ".")
	parts := strings.Split(main, ":")
	if len(parts) < 2 || len(parts) > 3 || (hasFrac && len(parts) != 3) {
		return 0, 0, 0, 0, false
	}
	vals := [3]int{}
	for i, p := range parts {
		n, good := atoi(p)
		if !good || len(p) != 2 {
			return 0, 0, 0, 0, false
		}
		vals[i] = n
	}
	if hasFrac {
		if !allDigits(frac) || len(frac) > 9 {
			return 0, 0, 0, 0, false
		}
		ns, _ = strconv.Atoi((frac + "000000000")[:9])
	}
	h, m, sec = vals[0], vals[1], vals[2]
	return h, m, sec, ns, h < 24 && m < 60 && sec < 60
}

// splitZone separates a wall clock from its zone suffix.
func splitZone(s string) (string, zone, bool) {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		z, ok := namedZone(s[i+1:])
		return s[:i], z, ok
	}
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return s[:len(s)-1], fixedZone(0), true
	}
	if i := strings.LastIndexAny(s, "+-"); i >= 0 {
		off, ok := parseOffset(s[i:])
		return s[:i], fixedZone(off), ok
	}
	return s, zone{}, true
}

// parseOffset parses "+hh:mm" or "+hh:mm:ss" into seconds.
func parseOffset(s string) (int, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	parts := strings.Split(s[1:], ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	secs := 0
	for i, p := range parts {
		n, ok := atoi(p)
		if !ok || len(p) != 2 || (i > 0 && n > 59) {
			return 0, false
		}
		secs = secs*60 + n
	}
	if len(parts) == 2 {
		secs *= 60
	}
	if secs > 18*3600 {
		return 0, false
	}
	return sign * secs, true
}

// parseDateTimeValue parses "2024-01-31T10:30:00" with an optional zone, or
// a bare date (midnight, local).
func parseDateTimeValue(s string) (dateTime, bool) {
	day, rest, hasT := strings.Cut(s, "T")
	d, ok := parseDateValue(day)
	if !ok {
		return dateTime{}, false
	}
	if !hasT {
		return dateTime{t: d.time()}, true
	}
	c, ok := parseClockValue(rest)
	if !ok {
		return dateTime{}, false
	}
	wall := time.Date(d.year, time.Month(d.month), d.day, c.hour(), c.minute(), c.second(), c.nano(), time.UTC)
	return zonedDateTime(wall, c.zone), true
}

// parseTemporal parses the text of an @"..." literal: a duration, a time, a
// date and time or a date.
func parseTemporal(s string) (Value, bool) {
	switch {
	case strings.HasPrefix(s, "P") || strings.HasPrefix(s, "-P"):
		return parseDuration(s)
	case strings.Contains(s, "T"):
		dt, ok := parseDateTimeValue(s)
		return Value{kind: KindDateTime, x: dt}, ok
	case len(s) > 2 && s[2] == ':':
		c, ok := parseClockValue(s)
		return Value{kind: KindTime, x: c}, ok
	}
	d, ok := parseDateValue(s)
	return Value{kind: KindDate, x: d}, ok
}
