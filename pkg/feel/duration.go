package feel

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// dtDuration is a FEEL days and time duration, held like java.time.Duration:
// whole seconds plus a nanosecond adjustment in [0, 1e9).
type dtDuration struct {
	secs  int64
	nanos int32
}

func dtFromNanos(n int64) dtDuration {
	secs, nanos := n/1e9, n%1e9
	if nanos < 0 {
		secs, nanos = secs-1, nanos+1e9
	}
	return dtDuration{secs: secs, nanos: int32(nanos)}
}

// dtFromSecs builds a duration from seconds and nanoseconds of the same
// sign, reporting false on overflow.
func dtFromSecs(secs int64, nanos int64) (dtDuration, bool) {
	secs += nanos / 1e9
	nanos %= 1e9
	if nanos < 0 {
		secs, nanos = secs-1, nanos+1e9
	}
	return dtDuration{secs: secs, nanos: int32(nanos)}, true
}

func (d dtDuration) sign() int {
	switch {
	case d.secs < 0:
		return -1
	case d.secs > 0 || d.nanos > 0:
		return 1
	}
	return 0
}

func (d dtDuration) neg() dtDuration {
	if d.nanos == 0 {
		return dtDuration{secs: -d.secs}
	}
	return dtDuration{secs: -d.secs - 1, nanos: 1e9 - d.nanos}
}

func (d dtDuration) abs() dtDuration {
	if d.sign() < 0 {
		return d.neg()
	}
	return d
}

func (d dtDuration) add(o dtDuration) (dtDuration, bool) {
	s, overflow := addInt64(d.secs, o.secs)
	if overflow {
		return dtDuration{}, false
	}
	return dtFromSecs(s, int64(d.nanos)+int64(o.nanos))
}

func (d dtDuration) cmp(o dtDuration) int {
	if c := cmpInt64(d.secs, o.secs); c != 0 {
		return c
	}
	return cmpInt64(int64(d.nanos), int64(o.nanos))
}

// totalNanos returns the duration in nanoseconds as a big integer.
func (d dtDuration) totalNanos() *big.Int {
	n := big.NewInt(d.secs)
	n.Mul(n, big.NewInt(1e9))
	return n.Add(n, big.NewInt(int64(d.nanos)))
}

func (d dtDuration) goDuration() time.Duration {
	const maxSecs = int64(math.MaxInt64 / int64(time.Second))
	switch {
	case d.secs > maxSecs-1:
		return math.MaxInt64
	case d.secs < -maxSecs+1:
		return math.MinInt64
	}
	return time.Duration(d.secs)*time.Second + time.Duration(d.nanos)
}

// parts returns the sign and the absolute days, hours, minutes, seconds and
// nanoseconds, the way feel-scala exposes them as properties.
func (d dtDuration) parts() (sign int, days, hours, mins, secs int64, nanos int32) {
	a := d.abs()
	return d.sign(), a.secs / 86400, a.secs / 3600 % 24, a.secs / 60 % 60, a.secs % 60, a.nanos
}

// String formats like feel-scala: days, then a time part (P1DT2H, -PT30M,
// PT0S), with fractional seconds kept.
func (d dtDuration) String() string {
	sign, days, hours, mins, secs, nanos := d.parts()
	if sign == 0 {
		return "PT0S"
	}
	var b strings.Builder
	if sign < 0 {
		b.WriteByte('-')
	}
	b.WriteByte('P')
	if days != 0 {
		b.WriteString(strconv.FormatInt(days, 10) + "D")
	}
	if hours == 0 && mins == 0 && secs == 0 && nanos == 0 {
		return b.String()
	}
	b.WriteByte('T')
	writeUnit(&b, hours, "H")
	writeUnit(&b, mins, "M")
	if secs != 0 || nanos != 0 {
		b.WriteString(strconv.FormatInt(secs, 10))
		if nanos != 0 {
			b.WriteString("." + strings.TrimRight(strconv.FormatInt(int64(nanos)+1e9, 10)[1:], "0"))
		}
		b.WriteByte('S')
	}
	return b.String()
}

func writeUnit(b *strings.Builder, n int64, unit string) {
	if n != 0 {
		b.WriteString(strconv.FormatInt(n, 10) + unit)
	}
}

// ymDuration is a FEEL years and months duration.
type ymDuration struct{ months int64 }

func (d ymDuration) String() string {
	m := d.months
	if m == 0 {
		return "P0M"
	}
	var b strings.Builder
	if m < 0 {
		b.WriteByte('-')
		m = -m
	}
	b.WriteByte('P')
	writeUnit(&b, m/12, "Y")
	writeUnit(&b, m%12, "M")
	return b.String()
}

// parseDuration parses an ISO 8601 duration as FEEL restricts it: either
// years and months (P1Y2M) or days and time (P1DT2H3M4.5S), optionally
// negative, without weeks.
func parseDuration(s string) (Value, bool) {
	neg := strings.HasPrefix(s, "-")
	body, ok := strings.CutPrefix(strings.TrimPrefix(s, "-"), "P")
	if !ok || body == "" {
		return Value{}, false
	}
	if !strings.ContainsAny(body, "DTHS") {
		return parseYearsMonths(body, neg)
	}
	return parseDaysTime(body, neg)
}

func parseYearsMonths(body string, neg bool) (Value, bool) {
	units, ok := durationUnits(body, "YM")
	if !ok {
		return Value{}, false
	}
	months, overflow := mulAddInt64(units['Y'].whole, 12, units['M'].whole)
	if overflow || units['Y'].frac != 0 || units['M'].frac != 0 {
		return Value{}, false
	}
	if neg {
		months = -months
	}
	return Value{kind: KindYearsMonthsDuration, x: ymDuration{months: months}}, true
}

func parseDaysTime(body string, neg bool) (Value, bool) {
	datePart, timePart, hasT := strings.Cut(body, "T")
	if hasT && timePart == "" {
		return Value{}, false
	}
	days, ok := durationUnits(datePart, "D")
	if !ok || days['D'].frac != 0 {
		return Value{}, false
	}
	clock, ok := durationUnits(timePart, "HMS")
	if !ok || clock['H'].frac != 0 || clock['M'].frac != 0 {
		return Value{}, false
	}
	secs := int64(0)
	for _, u := range []struct {
		n   int64
		mul int64
	}{{days['D'].whole, 86400}, {clock['H'].whole, 3600}, {clock['M'].whole, 60}, {clock['S'].whole, 1}} {
		var overflow bool
		if secs, overflow = mulAddInt64(u.n, u.mul, secs); overflow {
			return Value{}, false
		}
	}
	d, _ := dtFromSecs(secs, clock['S'].frac)
	if neg {
		d = d.neg()
	}
	return Value{kind: KindDaysTimeDuration, x: d}, true
}

type durationUnit struct {
	whole int64
	frac  int64 // nanoseconds, only for seconds
}

// durationUnits splits "1D" or "2H3M4.5S" into units, which must appear at
// most once each and in the order given.
func durationUnits(s, order string) (map[byte]durationUnit, bool) {
	units := map[byte]durationUnit{}
	pos := 0
	for s != "" {
		i := strings.IndexAny(s, order)
		if i <= 0 {
			return nil, false
		}
		unit := s[i]
		at := strings.IndexByte(order, unit)
		if at < pos {
			return nil, false
		}
		pos = at + 1
		u, ok := parseUnitNumber(s[:i], unit == 'S')
		if !ok {
			return nil, false
		}
		units[unit] = u
		s = s[i+1:]
	}
	return units, true
}

func parseUnitNumber(s string, fraction bool) (durationUnit, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !allDigits(whole) || (hasFrac && (!fraction || !allDigits(frac) || len(frac) > 9)) {
		return durationUnit{}, false
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return durationUnit{}, false
	}
	u := durationUnit{whole: n}
	if hasFrac {
		f, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		u.frac = f
	}
	return u, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func addInt64(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) != (b > 0)
}

// mulAddInt64 returns a*m + b and whether it overflowed.
func mulAddInt64(a, m, b int64) (int64, bool) {
	if a != 0 && (a > math.MaxInt64/m || a < math.MinInt64/m) {
		return 0, true
	}
	return addInt64(a*m, b)
}
