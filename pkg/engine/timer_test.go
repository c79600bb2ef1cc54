package engine

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wfctl/wfctl/bpmn/timersyntax"
)

// TestFixedDue: the due time of a duration without years or months,
// computed in milliseconds, is the one calendar arithmetic gives, for
// random durations (negative parts, sub-millisecond and huge ones
// included) from random times before and after 1970.
func TestFixedDue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 100_000 {
		now := rng.Int64N(2*maxTimeMillis) - maxTimeMillis/4
		d := timersyntax.Duration{Days: rng.IntN(2000) - 500, Exact: time.Duration(rng.Int64N(1<<50) - 1<<48)}
		switch i % 4 {
		case 1:
			d.Days = 0
		case 2:
			d.Days = rng.IntN(2*maxFixedDays) - maxFixedDays
		case 3:
			d.Exact = time.Duration(rng.Int64N(3e6) - 1e6)
		}
		iv := timersyntax.Interval{Duration: d}
		got, ok := fixedDue(iv, now)
		want := min(intervalDue(iv.Start, d.AddTo, time.UnixMilli(now).UTC()), maxTimeMillis)
		if !ok || got != want {
			t.Fatalf("%v from %d: %d (%v), want %d", d, now, got, ok, want)
		}
	}
	for _, d := range []timersyntax.Duration{{Months: 1}, {Years: 1, Days: 1}, {Days: maxFixedDays + 1}} {
		if _, ok := fixedDue(timersyntax.Interval{Duration: d}, 0); ok {
			t.Errorf("%v has no fixed length in ms", d)
		}
	}
	if _, ok := fixedDue(timersyntax.Interval{Start: time.Unix(0, 0), Duration: timersyntax.Duration{Days: 1}}, 0); ok {
		t.Error("an interval with a start is not counted from now")
	}
}
