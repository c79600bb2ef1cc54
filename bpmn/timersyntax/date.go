package timersyntax

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ParseDate reads a timeDate as Zeebe does (java.time's
// ZonedDateTime.parse): yyyy-MM-ddTHH:mm[:ss[.fraction]] followed by an
// offset (Z, +HH, +HH:MM or +HH:MM:SS) and an optional zone region in
// brackets, e.g. "2025-03-01T09:00:00+01:00[Europe/Berlin]". The offset is
// mandatory: a local date-time has no instant. Dates must exist (no
// 2019-02-30, no 24:00). Years beyond 9999 need a "+" sign, as in java.time.
//
// The result carries the offset as a fixed zone named after the region,
// if any; the region is checked for syntax only, not against a time zone
// database.
func ParseDate(s string) (time.Time, error) {
	t, err := parseZonedDateTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time with offset such as 2025-03-01T09:00:00Z or 2025-03-01T09:00:00+01:00: %w", s, err)
	}
	return t, nil
}

// dateScanner walks a date-time string.
type dateScanner struct {
	s   string
	pos int
}

func (p *dateScanner) digits(n int) (int, bool) {
	if p.pos+n > len(p.s) || !allDigits(p.s[p.pos:p.pos+n]) {
		return 0, false
	}
	v := 0
	for _, c := range p.s[p.pos : p.pos+n] {
		v = v*10 + int(c-'0')
	}
	p.pos += n
	return v, true
}

func (p *dateScanner) lit(c byte) bool {
	if p.pos < len(p.s) && (p.s[p.pos] == c || (c >= 'A' && c <= 'Z' && p.s[p.pos] == c+'a'-'A')) {
		p.pos++
		return true
	}
	return false
}

func (p *dateScanner) runDigits() int {
	j := p.pos
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	return j - p.pos
}

var errDateSyntax = errors.New("expected yyyy-MM-ddTHH:mm:ss followed by Z or an offset")

func parseZonedDateTime(s string) (time.Time, error) {
	p := &dateScanner{s: s}
	year, err := p.year()
	if err != nil {
		return time.Time{}, err
	}
	var f [5]int
	ok := p.lit('-')
	f[0], ok = p.digitsAfter(ok, 2)
	ok = ok && p.lit('-')
	f[1], ok = p.digitsAfter(ok, 2)
	ok = ok && p.lit('T')
	f[2], ok = p.digitsAfter(ok, 2)
	ok = ok && p.lit(':')
	f[3], ok = p.digitsAfter(ok, 2)
	if !ok {
		return time.Time{}, errDateSyntax
	}
	sec, nanos := 0, 0
	if p.lit(':') {
		if sec, ok = p.digits(2); !ok {
			return time.Time{}, errDateSyntax
		}
		if p.lit('.') {
			n := min(p.runDigits(), 9)
			frac := p.s[p.pos : p.pos+n]
			p.pos += n
			for i := 0; i < 9; i++ {
				nanos *= 10
				if i < len(frac) {
					nanos += int(frac[i] - '0')
				}
			}
		}
	}
	month, day, hour, minute := f[0], f[1], f[2], f[3]
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("the date or time does not exist")
	}
	loc, err := p.zone()
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc), nil
}

func (p *dateScanner) digitsAfter(ok bool, n int) (int, bool) {
	if !ok {
		return 0, false
	}
	return p.digits(n)
}

// year reads java.time's YEAR field (4 to 10 digits, SignStyle.EXCEEDS_PAD,
// strict): exactly 4 digits without a sign, more than 4 after "+", and a
// non-zero value after "-".
func (p *dateScanner) year() (int, error) {
	sign := byte(0)
	if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
		sign = p.s[p.pos]
		p.pos++
	}
	n := min(p.runDigits(), 10)
	if n < 4 || (sign == 0 && n != 4) || (sign == '+' && n == 4) {
		return 0, errDateSyntax
	}
	v, _ := p.digits(n)
	if sign == '-' {
		if v == 0 {
			return 0, errDateSyntax
		}
		v = -v
	}
	if v > 999_999_999 || v < -999_999_999 {
		return 0, errors.New("the year is out of range")
	}
	return v, nil
}

// zone reads the offset (java.time's lenient "+HH:MM:ss" or "Z") and an
// optional [Region/Id], and requires the end of the text.
func (p *dateScanner) zone() (*time.Location, error) {
	offset, err := p.offset()
	if err != nil {
		return nil, err
	}
	name := ""
	if p.lit('[') {
		end := strings.IndexByte(p.s[p.pos:], ']')
		if end < 0 || !validZoneID(p.s[p.pos:p.pos+end]) {
			return nil, errors.New("expected a zone id such as [Europe/Berlin] after the offset")
		}
		name = p.s[p.pos : p.pos+end]
		p.pos += end + 1
	}
	if p.pos != len(p.s) {
		return nil, errDateSyntax
	}
	if name == "" && offset == 0 {
		return time.UTC, nil
	}
	return time.FixedZone(name, offset), nil
}

func (p *dateScanner) offset() (int, error) {
	if p.lit('Z') {
		return 0, nil
	}
	if p.pos >= len(p.s) || (p.s[p.pos] != '+' && p.s[p.pos] != '-') {
		return 0, errors.New("the offset is missing: add Z (UTC) or an offset such as +01:00")
	}
	neg := p.s[p.pos] == '-'
	p.pos++
	h, ok := p.digits(2)
	if !ok {
		return 0, errDateSyntax
	}
	var m, sec int
	if p.lit(':') {
		if m, ok = p.digits(2); !ok {
			return 0, errDateSyntax
		}
		if p.lit(':') {
			if sec, ok = p.digits(2); !ok {
				return 0, errDateSyntax
			}
		}
	}
	total := h*3600 + m*60 + sec
	if h > 18 || m > 59 || sec > 59 || total > 18*3600 {
		return 0, errors.New("the offset is beyond ±18:00")
	}
	if neg {
		total = -total
	}
	return total, nil
}

// validZoneID checks the syntax of a java.time ZoneId: a region id such
// as Europe/Berlin or UTC, or an offset id such as +01:00 or UTC+01:00.
func validZoneID(id string) bool {
	if id == "" {
		return false
	}
	if id[0] == '+' || id[0] == '-' {
		return len(id) > 1
	}
	if len(id) < 2 && id != "Z" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if i == 0 && !letter {
			return false
		}
		if !letter && (c < '0' || c > '9') && !strings.ContainsRune("~/._+-:", rune(c)) {
			return false
		}
	}
	return true
}

// Interval is a duration with an optional start date, as Zeebe's
// Interval reads "[start/]duration".
type Interval struct {
	// Start is the zero time when the interval has no start.
	Start    time.Time
	Duration Duration
}

// ParseInterval reads "[start/]duration" as Zeebe's Interval.parse
// does: the text after the last "/" is the duration, the text before it,
// if any, a date-time as ParseDate reads it.
func ParseInterval(s string) (Interval, error) {
	var iv Interval
	i := strings.LastIndexByte(s, '/')
	if i > 0 {
		start, err := ParseDate(s[:i])
		if err != nil {
			return Interval{}, err
		}
		iv.Start = start
	}
	d, err := ParseDuration(s[i+1:])
	if err != nil {
		return Interval{}, err
	}
	iv.Duration = d
	return iv, nil
}

// RepeatingInterval is an ISO 8601 repeating interval such as R3/PT1H.
type RepeatingInterval struct {
	// Repetitions is how many times the timer fires; -1 means without end.
	Repetitions int
	Interval    Interval
}

// ParseRepeatingInterval reads "R[n]/[start/]duration" as Zeebe's
// RepeatingInterval.parse does: "R/PT5M" repeats forever, "R3/PT1H" three
// times, "R/2025-01-01T08:00:00Z/P1D" daily from a start date.
func ParseRepeatingInterval(s string) (RepeatingInterval, error) {
	bad := func(why string) (RepeatingInterval, error) {
		return RepeatingInterval{}, fmt.Errorf("%q is not a repeating interval such as R/PT5M or R3/PT1H: %s", s, why)
	}
	if !strings.HasPrefix(s, "R") {
		return bad("it must start with R")
	}
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return bad("the interval after R[n]/ is missing")
	}
	r := RepeatingInterval{Repetitions: -1}
	if slash > 1 {
		n, ok := javaParseInt(s[1:slash])
		if !ok {
			return bad("the repetition count " + s[1:slash] + " is not a number")
		}
		r.Repetitions = n
	}
	iv, err := ParseInterval(s[slash+1:])
	if err != nil {
		return RepeatingInterval{}, err
	}
	r.Interval = iv
	return r, nil
}
