package duration

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"90s", 90 * time.Second, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"1.5h", 90 * time.Minute, ""},
		{"250ms", 250 * time.Millisecond, ""},
		{"0", 0, ""},
		{"7d", 7 * day, ""},
		{"2w", 14 * day, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"2w1d", 15 * day, ""},
		{"1.5d", 36 * time.Hour, ""},
		{"0.5w", 84 * time.Hour, ""},
		{"1.5.2d", 0, "want a duration"},
		{"Infd", 0, "want a duration"},
		{"1e3d", 0, "want a duration"},
		{"P3D", 3 * day, ""},
		{"PT6H", 6 * time.Hour, ""},
		{"P1DT2H30M", 26*time.Hour + 30*time.Minute, ""},
		{"P2W", 14 * day, ""},
		{"1x", 0, `"1x": want a duration such as 90s, 1h30m, 7d or ISO 8601 P3D, PT6H`},
		{"", 0, "empty"},
		{"-1h", 0, "not negative"},
		{"P1M", 0, "years and months have no fixed length"},
		{"PT-1H", 0, "not negative"},
		{"d", 0, "want a duration"},
		{"99999999999999d", 0, "want a duration"},
	} {
		got, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatRoundTrips(t *testing.T) {
	for _, d := range []time.Duration{0, time.Second, 5 * time.Minute, 24 * time.Hour, 36 * time.Hour, 90 * time.Minute, 7*24*time.Hour + time.Millisecond} {
		back, err := Parse(Format(d))
		if err != nil || back != d {
			t.Errorf("%v → %q → %v, %v", d, Format(d), back, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"90s", "7d", "1d12h", "P3D", "PT6H", "2w", "-1h", "P1M"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil && d < 0 {
			t.Fatalf("Parse(%q) = %v: negative", s, d)
		}
	})
}
