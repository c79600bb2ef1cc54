package timersyntax

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Cron is a timeCycle cron expression as Zeebe reads it (its fork
// of Spring's CronExpression): six space-separated fields, second minute
// hour day-of-month month day-of-week, or a macro (@yearly, @annually,
// @monthly, @weekly, @daily, @midnight, @hourly).
//
// Each field is *, ? (day fields only), a number, a range a-b, a step
// (*/n, a/n, a-b/n) or a comma list of those; months and days of week take
// names (JAN, MON; any case); day of week 0 and 7 are Sunday. Day of month
// also takes L, L-n, LW and nW, day of week dL and d#n (Quartz). Unlike
// classic cron, day of month and day of week must both match.
type Cron struct {
	expr                 string
	second, minute, hour uint64
	month                uint64
	dom, dow             cronDays
}

// cronDays is a day field: plain days as bits, plus Quartz rules.
type cronDays struct {
	bits  uint64
	rules []cronRule
}

type cronRule struct {
	kind cronRuleKind
	// n is the day of month (nW), the negative offset (L-n) or the
	// ordinal (d#n).
	n       int
	weekday time.Weekday
}

type cronRuleKind uint8

const (
	cronLastDay        cronRuleKind = iota // L, L-n
	cronLastWeekday                        // LW
	cronNearestWeekday                     // nW
	cronLastOfWeekday                      // dL
	cronNthWeekday                         // d#n
)

type cronField struct {
	name     string
	min, max int
}

var (
	cronSecond = cronField{"second", 0, 59}
	cronMinute = cronField{"minute", 0, 59}
	cronHour   = cronField{"hour", 0, 23}
	cronDOM    = cronField{"day of month", 1, 31}
	cronMonth  = cronField{"month", 1, 12}
	cronDOW    = cronField{"day of week", 1, 7}
)

var cronMacros = map[string]string{
	"@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
	"@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
}

// ParseCron reads a cron timeCycle. A five-field (minute-first) crontab
// line is rejected, as Zeebe rejects it.
func ParseCron(s string) (*Cron, error) {
	c, err := parseCron(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron expression such as \"0 0 9 * * MON-FRI\" (second minute hour day-of-month month day-of-week): %w", s, err)
	}
	return c, nil
}

func parseCron(s string) (*Cron, error) {
	trimmed := javaTrim(s)
	if m, ok := cronMacros[strings.ToLower(trimmed)]; ok {
		trimmed = m
	}
	fields := javaSplit(trimmed, " ")
	if len(fields) != 6 {
		return nil, fmt.Errorf("it has %d fields, cron needs 6", len(fields))
	}
	c := &Cron{expr: s}
	var err error
	if c.second, err = parseCronBits(fields[0], cronSecond); err != nil {
		return nil, err
	}
	if c.minute, err = parseCronBits(fields[1], cronMinute); err != nil {
		return nil, err
	}
	if c.hour, err = parseCronBits(fields[2], cronHour); err != nil {
		return nil, err
	}
	if c.dom, err = parseCronDOM(fields[3]); err != nil {
		return nil, err
	}
	if c.month, err = parseCronBits(replaceCronNames(fields[4], cronMonthNames), cronMonth); err != nil {
		return nil, err
	}
	if c.dow, err = parseCronDOW(replaceCronNames(fields[5], cronDayNames)); err != nil {
		return nil, err
	}
	return c, nil
}

// String returns the expression as written.
func (c *Cron) String() string { return c.expr }

var (
	cronMonthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	cronDayNames   = []string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}
)

// replaceCronNames upper-cases v and replaces every name by its 1-based
// number, anywhere in the field, as Spring does.
func replaceCronNames(v string, names []string) string {
	v = strings.ToUpper(v)
	for i, n := range names {
		v = strings.ReplaceAll(v, n, fmt.Sprint(i+1))
	}
	return v
}

// parseCronBits reads a plain field: a comma list of *, n, a-b and steps.
func parseCronBits(v string, f cronField) (uint64, error) {
	if v == "" {
		return 0, fmt.Errorf("the %s field is empty", f.name)
	}
	var bits uint64
	for _, part := range javaSplit(v, ",") {
		lo, hi, step, err := parseCronRange(part, f)
		if err != nil {
			return 0, fmt.Errorf("%s field %q: %w", f.name, v, err)
		}
		for i := lo; i <= hi; i += step {
			bits |= 1 << i
		}
	}
	return bits, nil
}

func parseCronRange(part string, f cronField) (lo, hi, step int, err error) {
	rng, stepText, hasStep := strings.Cut(part, "/")
	lo, hi, err = parseCronValues(rng, f)
	if err != nil || !hasStep {
		return lo, hi, 1, err
	}
	if !strings.Contains(rng, "-") {
		hi = f.max
	}
	step, ok := javaParseInt(stepText)
	if !ok || step <= 0 {
		return 0, 0, 0, fmt.Errorf("the step %q must be a number of 1 or more", stepText)
	}
	return lo, hi, step, nil
}

func parseCronValues(v string, f cronField) (lo, hi int, err error) {
	if v == "*" {
		return f.min, f.max, nil
	}
	a, b, isRange := strings.Cut(v, "-")
	if !isRange {
		n, err := cronValue(v, f)
		return n, n, err
	}
	if lo, err = cronValue(a, f); err != nil {
		return 0, 0, err
	}
	if hi, err = cronValue(b, f); err != nil {
		return 0, 0, err
	}
	if f == cronDOW && lo == 7 {
		lo = 0 // Sunday as the start of a range is 0, as in Spring
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("the range %s is backwards", v)
	}
	return lo, hi, nil
}

func cronValue(v string, f cronField) (int, error) {
	n, ok := javaParseInt(v)
	if !ok {
		return 0, fmt.Errorf("%q is not a number", v)
	}
	if (n < f.min || n > f.max) && !(f == cronDOW && n == 0) {
		return 0, fmt.Errorf("%d is not a %s (%d-%d)", n, f.name, f.min, f.max)
	}
	return n, nil
}

// parseCronDate reads a day field's plain part, where ? means *.
func parseCronDate(v string, f cronField) (uint64, error) {
	if v == "?" {
		v = "*"
	}
	bits, err := parseCronBits(v, f)
	if f == cronDOW && bits&1 != 0 {
		bits = bits&^1 | 1<<7 // 0 is Sunday, stored as 7 like java.time
	}
	return bits, err
}

func parseCronDOM(v string) (cronDays, error) {
	if !strings.ContainsAny(v, "LW") {
		bits, err := parseCronDate(v, cronDOM)
		return cronDays{bits: bits}, err
	}
	return parseCronDayList(v, cronDOM, "LW", parseQuartzDOM)
}

func parseCronDOW(v string) (cronDays, error) {
	if !strings.ContainsAny(v, "L#") {
		bits, err := parseCronDate(v, cronDOW)
		return cronDays{bits: bits}, err
	}
	return parseCronDayList(v, cronDOW, "L#", parseQuartzDOW)
}

// parseCronDayList reads a day field with Quartz parts; here, unlike in
// plain fields, every comma-separated part must be non-empty.
func parseCronDayList(v string, f cronField, quartz string, parse func(string) (cronRule, error)) (cronDays, error) {
	var d cronDays
	for _, part := range strings.Split(v, ",") {
		if !strings.ContainsAny(part, quartz) {
			bits, err := parseCronDate(part, f)
			if err != nil {
				return cronDays{}, err
			}
			d.bits |= bits
			continue
		}
		r, err := parse(part)
		if err != nil {
			return cronDays{}, fmt.Errorf("%s field %q: %w", f.name, v, err)
		}
		d.rules = append(d.rules, r)
	}
	return d, nil
}

func parseQuartzDOM(v string) (cronRule, error) {
	if i := strings.LastIndexByte(v, 'L'); i >= 0 {
		switch {
		case i != 0:
			return cronRule{}, errors.New("L must come first")
		case v == "LW":
			return cronRule{kind: cronLastWeekday}, nil
		case v == "L":
			return cronRule{kind: cronLastDay}, nil
		}
		off, ok := javaParseInt(v[1:])
		if !ok || off >= 0 {
			return cronRule{}, errors.New("expected L, LW or L-n")
		}
		return cronRule{kind: cronLastDay, n: off}, nil
	}
	i := strings.LastIndexByte(v, 'W')
	if i <= 0 || i != len(v)-1 {
		return cronRule{}, errors.New("expected nW, the weekday nearest to day n")
	}
	day, err := cronValue(v[:i], cronDOM)
	if err != nil {
		return cronRule{}, err
	}
	return cronRule{kind: cronNearestWeekday, n: day}, nil
}

func parseQuartzDOW(v string) (cronRule, error) {
	if i := strings.LastIndexByte(v, 'L'); i >= 0 {
		if i != len(v)-1 || i == 0 {
			return cronRule{}, errors.New("expected dL, the last day d of the month")
		}
		wd, err := quartzWeekday(v[:i])
		return cronRule{kind: cronLastOfWeekday, weekday: wd}, err
	}
	i := strings.LastIndexByte(v, '#')
	if i <= 0 || i == len(v)-1 {
		return cronRule{}, errors.New("expected d#n, the n-th day d of the month")
	}
	wd, err := quartzWeekday(v[:i])
	if err != nil {
		return cronRule{}, err
	}
	n, ok := javaParseInt(v[i+1:])
	if !ok || n <= 0 {
		return cronRule{}, fmt.Errorf("the ordinal %q must be 1 or more", v[i+1:])
	}
	return cronRule{kind: cronNthWeekday, weekday: wd, n: n}, nil
}

func quartzWeekday(v string) (time.Weekday, error) {
	n, ok := javaParseInt(v)
	if !ok || n < 0 || n > 7 {
		return 0, fmt.Errorf("%q is not a day of week (0-7 or MON-SUN)", v)
	}
	return time.Weekday(n % 7), nil
}

// javaTrim trims as Java's String.trim: every char up to U+0020.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// javaSplit splits as Java's String.split with a literal separator: like
// strings.Split, but trailing empty strings are dropped.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 && s == "" {
		return []string{""}
	}
	return parts
}
