package timersyntax

import (
	"strings"
	"testing"
	"time"

	"github.com/wfctl/wfctl/bpmn"
)

func timerType(s string) bpmn.TimerType { return bpmn.TimerType(s) }

// FuzzDuration checks that any text either fails or parses into a
// duration that prints back to text parsing to the same value.
func FuzzDuration(f *testing.F) {
	for _, tc := range durationCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		again, err := ParseDuration(d.String())
		if err != nil || again != d {
			t.Fatalf("%q parses to %+v, printed %q, which parses to %+v, %v", s, d, d.String(), again, err)
		}
		_ = d.AddTo(time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC))
	})
}

// FuzzDate checks that a parsed date prints (as RFC 3339, where that
// can say it) to text that parses to the same instant.
func FuzzDate(f *testing.F) {
	for _, tc := range dateCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if _, off := d.Zone(); d.Year() < 0 || d.Year() > 9999 || off%60 != 0 {
			return // RFC 3339 has no sign for years, nor seconds in offsets
		}
		out := d.Format(time.RFC3339Nano)
		again, err := ParseDate(out)
		if err != nil || !again.Equal(d) {
			t.Fatalf("%q parses to %s, printed %q, which parses to %s, %v", s, d, out, again, err)
		}
	})
}

// FuzzRepeatingInterval checks that the interval of a repeating interval
// is what ParseInterval reads after the first slash.
func FuzzRepeatingInterval(f *testing.F) {
	for _, s := range []string{"R/PT1H", "R3/PT1H", "R5/2019-10-02T08:09:40+02:00[Europe/Berlin]/P1D", "R//PT1M", "R-1/P1W", "Rx/PT1H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRepeatingInterval(s)
		if err != nil {
			return
		}
		iv, err := ParseInterval(s[strings.IndexByte(s, '/')+1:])
		if err != nil || !iv.Start.Equal(r.Interval.Start) || iv.Duration != r.Interval.Duration {
			t.Fatalf("%q: interval %+v, but the text after R[n]/ parses to %+v, %v", s, r.Interval, iv, err)
		}
	})
}

// FuzzCron checks that a parsed schedule's next time is later than the
// start and is itself a match: the schedule's next time just before it is
// it again.
func FuzzCron(f *testing.F) {
	for _, tc := range cronCases {
		f.Add(tc.in)
	}
	from := time.Date(2025, 3, 1, 12, 34, 56, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCron(s)
		if err != nil {
			return
		}
		next, ok := c.Next(from)
		if !ok {
			return
		}
		if !next.After(from) {
			t.Fatalf("%q.Next(%s) = %s, not after", s, from, next)
		}
		if again, ok := c.Next(next.Add(-time.Second)); !ok || !again.Equal(next) {
			t.Fatalf("%q.Next(%s) = %s, but Next(a second before) = %s, %v", s, from, next, again, ok)
		}
	})
}

// FuzzParse runs every timer type's parser on the same text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"PT1M", "R/PT1M", "0 0 * * * *", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z/PT1M", "P1Y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []bpmn.TimerType{bpmn.TimerDuration, bpmn.TimerDate, bpmn.TimerCycle} {
			_ = Parse(typ, s)
		}
	})
}
