// Package duration reads the durations wfctl's flags take, one syntax for
// every flag (--ttl, --timeout, --backoff, --stall-after, the relative
// --from/--to times, clock add):
//
//	90s, 1h30m, 1.5h, 250ms    Go durations (time.ParseDuration)
//	7d, 2w, 1d12h              days and weeks, alone or before a Go duration
//	P3D, PT6H, P1DT2H30M, P2W  ISO 8601, as BPMN timers write them
//
// A day is 24 hours and a week 7 days: flags measure elapsed time, not
// calendar time, so ISO 8601 years and months (whose length depends on the
// date) are refused. Durations are never negative: a command that goes back
// in time says so with a sign of its own (--from -7d).
package duration

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wfctl/wfctl/bpmn/timersyntax"
)

// Accepted says what Parse reads, for error messages and help text.
const Accepted = "a duration such as 90s, 1h30m, 7d or ISO 8601 P3D, PT6H"

// Error is a text Parse cannot read; its message says what it accepts.
type Error struct {
	Text string
	Why  string // "" when the text is simply not a duration
}

func (e *Error) Error() string {
	if e.Why != "" {
		return fmt.Sprintf("%q: %s", e.Text, e.Why)
	}
	return fmt.Sprintf("%q: want %s", e.Text, Accepted)
}

// Parse reads a duration in any of the package's forms.
func Parse(s string) (time.Duration, error) {
	text := strings.TrimSpace(s)
	switch {
	case text == "":
		return 0, &Error{Text: s, Why: "empty: want " + Accepted}
	case strings.HasPrefix(text, "-"):
		return 0, &Error{Text: s, Why: "a duration is not negative: want " + Accepted}
	case strings.HasPrefix(text, "P") || strings.HasPrefix(text, "p"):
		return parseISO(s, text)
	}
	var total time.Duration
	rest := text
	for _, unit := range []struct {
		suffix string
		size   time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}} {
		i := strings.Index(rest, unit.suffix)
		if i < 0 {
			continue
		}
		n, ok := unitCount(rest[:i])
		if !ok || n > float64(math.MaxInt64/unit.size) {
			return 0, &Error{Text: s}
		}
		total += time.Duration(n * float64(unit.size))
		rest = rest[i+1:]
	}
	if rest != "" {
		if rest == "0" && total == 0 {
			return 0, nil
		}
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return 0, &Error{Text: s}
		}
		if total > math.MaxInt64-d {
			return 0, &Error{Text: s, Why: "too long"}
		}
		total += d
	}
	if total < 0 {
		return 0, &Error{Text: s, Why: "too long"}
	}
	return total, nil
}

// unitCount reads the number before d or w: digits with at most one
// decimal point (1.5d), as the relative times of --from and --to always
// took them.
func unitCount(s string) (float64, bool) {
	if s == "" || strings.Count(s, ".") > 1 || strings.Trim(s, "0123456789.") != "" || s == "." {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

func parseISO(s, text string) (time.Duration, error) {
	d, err := timersyntax.ParseDuration(strings.ToUpper(text))
	if err != nil {
		return 0, &Error{Text: s}
	}
	if d.Years != 0 || d.Months != 0 {
		return 0, &Error{Text: s, Why: "years and months have no fixed length: give days (P30D)"}
	}
	if d.Days < 0 || d.Exact < 0 {
		return 0, &Error{Text: s, Why: "a duration is not negative: want " + Accepted}
	}
	if int64(d.Days) > int64((math.MaxInt64-d.Exact)/(24*time.Hour)) {
		return 0, &Error{Text: s, Why: "too long"}
	}
	return time.Duration(d.Days)*24*time.Hour + d.Exact, nil
}

// Format writes d as Parse reads it, short: 5m, 24h, 7d, 1d12h, 1h30m.
func Format(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	days := d / (24 * time.Hour)
	rest := d % (24 * time.Hour)
	s := ""
	if days > 0 {
		s = strconv.FormatInt(int64(days), 10) + "d"
	}
	if rest > 0 {
		r := rest.String()
		r = strings.Replace(r, "m0s", "m", 1)
		r = strings.Replace(r, "h0m", "h", 1)
		s += r
	}
	return s
}

// Value is a pflag.Value for a duration flag that Parse reads.
type Value struct{ d *time.Duration }

// NewValue sets *d to def and returns the flag value that sets it.
func NewValue(def time.Duration, d *time.Duration) *Value {
	*d = def
	return &Value{d: d}
}

// Set parses a flag's text.
func (v *Value) Set(s string) error {
	d, err := Parse(s)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Why == "" {
			return fmt.Errorf("want %s", Accepted)
		}
		return errors.New(e.Why)
	}
	*v.d = d
	return nil
}

// String is the value as Parse reads it.
func (v *Value) String() string { return Format(*v.d) }

// Type names the value in help text.
func (v *Value) Type() string { return "duration" }
