package timersyntax

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is an ISO 8601 duration as Zeebe reads it: a calendar part
// (years, months and days, whose length depends on the date it is added
// to) and an exact part. Weeks are folded into Days, as java.time does.
type Duration struct {
	Years, Months, Days int
	Exact               time.Duration
}

// IsZero reports whether d adds nothing.
func (d Duration) IsZero() bool { return d == Duration{} }

// String formats d as ParseDuration reads it, as java.time prints
// periods and durations: "P1Y2M3DT4H5M6.5S", "PT-1H-30M", "PT0S" for zero.
func (d Duration) String() string {
	if d.IsZero() {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString("P")
	for _, p := range []struct {
		n    int
		unit string
	}{{d.Years, "Y"}, {d.Months, "M"}, {d.Days, "D"}} {
		if p.n != 0 {
			b.WriteString(strconv.Itoa(p.n) + p.unit)
		}
	}
	if d.Exact == 0 {
		return b.String()
	}
	b.WriteString("T")
	sign, abs := "", d.Exact
	if abs < 0 {
		sign, abs = "-", -abs // -abs cannot overflow: |Exact| stays below 2^63 ns
	}
	h, m := abs/time.Hour, (abs%time.Hour)/time.Minute
	sec, ns := (abs%time.Minute)/time.Second, abs%time.Second
	if h > 0 {
		fmt.Fprintf(&b, "%s%dH", sign, h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%s%dM", sign, m)
	}
	if sec > 0 || ns > 0 {
		fmt.Fprintf(&b, "%s%d", sign, sec)
		if ns > 0 {
			b.WriteString(strings.TrimRight(fmt.Sprintf(".%09d", ns), "0"))
		}
		b.WriteString("S")
	}
	return b.String()
}

// AddTo returns t plus d, as java.time adds a Period then a Duration to a
// ZonedDateTime: months first (years count as 12 months), clamping the day
// to the length of the resulting month (Jan 31 + P1M = Feb 28 or 29), then
// days on the calendar (a day across a DST change is not 24 hours), then
// the exact part.
func (d Duration) AddTo(t time.Time) time.Time {
	if months := d.Years*12 + d.Months; months != 0 {
		t = addMonthsClamped(t, months)
	}
	if d.Days != 0 {
		t = t.AddDate(0, 0, d.Days)
	}
	return t.Add(d.Exact)
}

func addMonthsClamped(t time.Time, months int) time.Time {
	y, m, day := t.Date()
	total := int(m) - 1 + months
	y += floorDiv(total, 12)
	nm := time.Month(total - floorDiv(total, 12)*12 + 1)
	if last := daysIn(y, nm); day > last {
		day = last
	}
	return time.Date(y, nm, day, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ParseDuration reads an ISO 8601 duration such as "PT15M", "P1DT12H",
// "P2W" or "-PT5S" as Zeebe's Interval.parse does: an optional sign, then
// a java.time Period (PnYnMnWnD, integers only) and/or a java.time Duration
// time part (TnHnMn.nS, fractions on seconds only). Designators are case
// insensitive except the T, which must be upper case. "P", "PT" and "P1DT"
// are rejected.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	sign, signLen := "", 0
	switch {
	case strings.HasPrefix(s, "-"):
		sign, signLen = "-", 1
	case strings.HasPrefix(s, "+"):
		signLen = 1
	}
	t := strings.IndexByte(s, 'T')
	var err error
	switch {
	case t < 0:
		d.Years, d.Months, d.Days, err = parseJavaPeriod(s)
	case t == signLen+1:
		d.Exact, err = parseJavaDuration(s)
	default:
		if d.Years, d.Months, d.Days, err = parseJavaPeriod(s[:t]); err == nil {
			d.Exact, err = parseJavaDuration(sign + "P" + s[t:])
		}
	}
	if err != nil {
		return Duration{}, fmt.Errorf("%q is not an ISO 8601 duration such as PT15M, P1DT12H or P2W: %w", s, err)
	}
	return d, nil
}

var errNotPeriod = errors.New("expected P, whole numbers with Y, M, W or D, then T and numbers with H, M or S; only seconds take a fraction")

// parseJavaPeriod follows java.time.Period.parse:
// [+-]P([+-]nY)?([+-]nM)?([+-]nW)?([+-]nD)? with at least one part.
func parseJavaPeriod(s string) (years, months, days int, err error) {
	negate, rest := javaSign(s)
	if len(rest) == 0 || (rest[0] != 'P' && rest[0] != 'p') {
		return 0, 0, 0, errNotPeriod
	}
	rest = rest[1:]
	var vals [4]int64
	any := false
	for i, unit := range "YMWD" {
		n, tail, ok := javaNumberWithUnit(rest, byte(unit))
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(n, 10, 32)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s does not fit in 32 bits", n)
		}
		vals[i], rest, any = v*negate, tail, true
	}
	if !any || rest != "" {
		return 0, 0, 0, errNotPeriod
	}
	weeks := vals[2] * 7
	d := vals[3] + weeks
	for _, v := range []int64{vals[0], vals[1], weeks, d} {
		if v > math.MaxInt32 || v < math.MinInt32 {
			return 0, 0, 0, errors.New("the period overflows 32 bits")
		}
	}
	return int(vals[0]), int(vals[1]), int(d), nil
}

// parseJavaDuration follows java.time.Duration.parse:
// [+-]P([+-]nD)?(T([+-]nH)?([+-]nM)?([+-]n([.,]f{0,9})?S)?)? with at least
// one part and no empty T section.
func parseJavaDuration(s string) (time.Duration, error) {
	negate, rest := javaSign(s)
	if len(rest) == 0 || (rest[0] != 'P' && rest[0] != 'p') {
		return 0, errNotPeriod
	}
	rest = rest[1:]
	var secs, nanos int64
	any := false
	if n, tail, ok := javaNumberWithUnit(rest, 'D'); ok {
		v, err := scaledSeconds(n, 86400)
		if err != nil {
			return 0, err
		}
		secs, rest, any = v, tail, true
	}
	if rest != "" {
		if rest[0] != 'T' && rest[0] != 't' {
			return 0, errNotPeriod
		}
		rest = rest[1:]
		timeAny := false
		for _, u := range []struct {
			unit byte
			mul  int64
		}{{'H', 3600}, {'M', 60}} {
			if n, tail, ok := javaNumberWithUnit(rest, u.unit); ok {
				v, err := scaledSeconds(n, u.mul)
				if err != nil {
					return 0, err
				}
				if secs, err = addExact(secs, v); err != nil {
					return 0, err
				}
				rest, timeAny = tail, true
			}
		}
		if rest != "" {
			s, frac, err := javaSeconds(rest)
			if err != nil {
				return 0, err
			}
			if secs, err = addExact(secs, s); err != nil {
				return 0, err
			}
			nanos, rest, timeAny = frac, "", true
		}
		if !timeAny {
			return 0, errNotPeriod
		}
		any = true
	}
	if !any {
		return 0, errNotPeriod
	}
	return exactDuration(secs, nanos, negate)
}

// javaSeconds reads "[+-]n([.,]f{0,9})?S" and returns seconds and nanos,
// the fraction taking the sign of the seconds as java.time does.
func javaSeconds(s string) (secs, nanos int64, err error) {
	if len(s) < 2 || (s[len(s)-1] != 'S' && s[len(s)-1] != 's') {
		return 0, 0, errNotPeriod
	}
	body := s[:len(s)-1]
	intPart, frac := body, ""
	if i := strings.IndexAny(body, ".,"); i >= 0 {
		intPart, frac = body[:i], body[i+1:]
		if len(frac) > 9 || !allDigits(frac) {
			return 0, 0, errNotPeriod
		}
	}
	if !isJavaInteger(intPart) {
		return 0, 0, errNotPeriod
	}
	secs, err = strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%s seconds overflow", intPart)
	}
	if frac != "" {
		nanos, _ = strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		if intPart[0] == '-' {
			nanos = -nanos
		}
	}
	return secs, nanos, nil
}

// exactDuration converts java.time's (seconds, nanos, negate) to a Go
// duration, which holds about ±292 years.
func exactDuration(secs, nanos, negate int64) (time.Duration, error) {
	const maxSecs = math.MaxInt64 / int64(time.Second)
	total := secs + nanos/1e9
	if total > maxSecs-1 || total < -maxSecs+1 {
		return 0, errors.New("the duration is longer than about 292 years, more than wfctl can schedule")
	}
	return time.Duration(negate) * (time.Duration(secs)*time.Second + time.Duration(nanos)), nil
}

func scaledSeconds(n string, mul int64) (int64, error) {
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil || (v != 0 && (v > math.MaxInt64/mul || v < math.MinInt64/mul)) {
		return 0, fmt.Errorf("%s overflows", n)
	}
	return v * mul, nil
}

func addExact(a, b int64) (int64, error) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, errors.New("the duration overflows")
	}
	return s, nil
}

// javaSign strips one leading sign and returns the multiplier.
func javaSign(s string) (int64, string) {
	switch {
	case strings.HasPrefix(s, "-"):
		return -1, s[1:]
	case strings.HasPrefix(s, "+"):
		return 1, s[1:]
	}
	return 1, s
}

// javaNumberWithUnit reads "[+-]digits" followed by unit (either case)
// from the start of s.
func javaNumberWithUnit(s string, unit byte) (num, rest string, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i || j >= len(s) || (s[j] != unit && s[j] != unit+'a'-'A') {
		return "", s, false
	}
	return s[:j], s[j+1:], true
}

// isJavaInteger reports whether s is what Integer.parseInt and
// Long.parseLong accept syntactically: an optional sign and ASCII digits.
func isJavaInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && allDigits(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// javaParseInt is Integer.parseInt on ASCII input: an optional sign and
// digits that fit in 32 bits.
func javaParseInt(s string) (int, bool) {
	if !isJavaInteger(s) {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 32)
	return int(v), err == nil
}
