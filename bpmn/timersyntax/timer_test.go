package timersyntax

import (
	"testing"
	"time"
)

var durationCases = []struct {
	in   string
	want Duration
	ok   bool
}{
	{"PT15M", Duration{Exact: 15 * time.Minute}, true},
	{"P1DT12H", Duration{Days: 1, Exact: 12 * time.Hour}, true},
	{"P2W", Duration{Days: 14}, true},
	{"P1Y2M3W4D", Duration{Years: 1, Months: 2, Days: 25}, true},
	{"-PT5S", Duration{Exact: -5 * time.Second}, true},
	{"-P1DT1H", Duration{Days: -1, Exact: -time.Hour}, true},
	{"+PT1M", Duration{Exact: time.Minute}, true},
	{"P-1D", Duration{Days: -1}, true},
	{"PT-1H30M", Duration{Exact: -30 * time.Minute}, true},
	{"PT1.5S", Duration{Exact: 1500 * time.Millisecond}, true},
	{"PT1,5S", Duration{Exact: 1500 * time.Millisecond}, true},
	{"PT-1.5S", Duration{Exact: -1500 * time.Millisecond}, true},
	{"PT1.S", Duration{Exact: time.Second}, true},
	{"PT0.000000001S", Duration{Exact: 1}, true},
	{"PT1m", Duration{Exact: time.Minute}, true}, // designators other than the T are case-insensitive
	{"p1d", Duration{Days: 1}, true},
	{"PT0S", Duration{}, true},
	{"", Duration{}, false},
	{"P", Duration{}, false},
	{"PT", Duration{}, false},
	{"P1DT", Duration{}, false},
	{"pt1m", Duration{}, false}, // Zeebe looks for an upper-case T
	{"P1.5D", Duration{}, false},
	{"PT1.5M", Duration{}, false},
	{"PT1.1234567890S", Duration{}, false},
	{"1D", Duration{}, false},
	{" P1D", Duration{}, false},
	{"P1D ", Duration{}, false},
	{"P1M1Y", Duration{}, false},
	{"PT1S1M", Duration{}, false},
	{"P2147483648D", Duration{}, false},
	{"P306783379W", Duration{}, false},
	{"PT9999999999999999999H", Duration{}, false},
	{"PT2562048H", Duration{}, false}, // beyond what a Go duration holds
	{"P1DT1H/", Duration{}, false},
}

func TestParseDuration(t *testing.T) {
	for _, tc := range durationCases {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[Duration]string{
		{}:                                   "PT0S",
		{Years: 1, Months: 2, Days: 3}:       "P1Y2M3D",
		{Days: -1, Exact: -90 * time.Minute}: "P-1DT-1H-30M",
		{Exact: 1500 * time.Millisecond}:     "PT1.5S",
		{Exact: time.Hour + time.Nanosecond}: "PT1H0.000000001S",
		{Months: 1, Exact: 61 * time.Second}: "P1MT1M1S",
	} {
		if got := d.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", d, got, want)
		}
	}
}

func TestDurationAddTo(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		from time.Time
		d    string
		want time.Time
	}{
		{day(2023, 1, 31), "P1M", day(2023, 2, 28)}, // clamped, as java.time does
		{day(2024, 1, 31), "P1M", day(2024, 2, 29)},
		{day(2024, 2, 29), "P1Y", day(2025, 2, 28)},
		{day(2024, 3, 31), "-P1M", day(2024, 2, 29)},
		{day(2023, 12, 31), "P1Y2M", day(2025, 2, 28)},
		{day(2023, 1, 31), "P1MT1H", day(2023, 2, 28).Add(time.Hour)},
		{day(2023, 1, 1), "P2W", day(2023, 1, 15)},
	} {
		d, err := ParseDuration(tc.d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddTo(tc.from); !got.Equal(tc.want) {
			t.Errorf("%s + %s = %s, want %s", tc.from, tc.d, got, tc.want)
		}
	}
}

var dateCases = []struct {
	in     string
	ok     bool
	offset int // seconds east of UTC, when ok
}{
	{"2025-03-01T09:00:00Z", true, 0},
	{"2025-03-01T09:00Z", true, 0},
	{"2025-03-01t09:00:00z", true, 0},
	{"2025-03-01T09:00:00.123456789+01:00", true, 3600},
	{"2025-03-01T09:00:00.+01:00", true, 3600},
	{"2025-03-01T09:00:00+01", true, 3600},
	{"2025-03-01T09:00:00-01:30:15", true, -5415},
	{"2019-10-02T08:09:40+02:00[Europe/Berlin]", true, 7200},
	{"2019-10-02T08:09:40Z[UTC]", true, 0},
	{"2024-02-29T00:00:00Z", true, 0},
	{"+12025-01-01T00:00:00Z", true, 0},
	{"-0044-03-15T12:00:00Z", true, 0},
	{"2025-03-01T09:00:00", false, 0},
	{"2025-03-01", false, 0},
	{"2019-02-30T10:00:00Z", false, 0},
	{"2023-02-29T00:00:00Z", false, 0},
	{"2025-03-01T24:00:00Z", false, 0},
	{"2025-03-01T09:00:60Z", false, 0},
	{"2025-03-01T09:00:00+19:00", false, 0},
	{"2025-03-01T09:00:00+18:01", false, 0},
	{"2025-03-01T09:00:00+1", false, 0},
	{"2025-3-01T09:00:00Z", false, 0},
	{"12025-01-01T00:00:00Z", false, 0},
	{"+2025-01-01T00:00:00Z", false, 0},
	{"-0000-01-01T00:00:00Z", false, 0},
	{"2025-03-01 09:00:00Z", false, 0},
	{"2025-03-01T09:00:00Z[", false, 0},
	{"2025-03-01T09:00:00Z[]", false, 0},
	{"2025-03-01T09:00:00Z[Europe/Berlin] ", false, 0},
	{"2025-03-01T09:00:00.1234567890Z", false, 0},
	{" 2025-03-01T09:00:00Z", false, 0},
}

func TestParseDate(t *testing.T) {
	for _, tc := range dateCases {
		got, err := ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if _, off := got.Zone(); tc.ok && off != tc.offset {
			t.Errorf("ParseDate(%q) offset = %d, want %d", tc.in, off, tc.offset)
		}
	}
	got, _ := ParseDate("2019-10-02T08:09:40.5+02:00[Europe/Berlin]")
	if want := time.Date(2019, 10, 2, 6, 9, 40, 5e8, time.UTC); !got.Equal(want) {
		t.Errorf("instant = %s, want %s", got.UTC(), want)
	}
	if name, _ := got.Zone(); name != "Europe/Berlin" {
		t.Errorf("zone name = %q, want Europe/Berlin", name)
	}
}

func TestParseRepeatingInterval(t *testing.T) {
	for _, tc := range []struct {
		in    string
		reps  int
		dur   string
		start string
		ok    bool
	}{
		{"R/PT1H", -1, "PT1H", "", true},
		{"R3/PT1H", 3, "PT1H", "", true},
		{"R-1/PT1M", -1, "PT1M", "", true},
		{"R+2/P1D", 2, "P1D", "", true},
		{"R5/2019-10-02T08:09:40+02:00[Europe/Berlin]/P1D", 5, "P1D", "2019-10-02T06:09:40Z", true},
		{"R//PT1M", -1, "PT1M", "", true}, // Zeebe's parser ignores a slash at the start of the interval
		{"R", 0, "", "", false},
		{"R/", 0, "", "", false},
		{"RPT1H", 0, "", "", false},
		{"R3PT1H", 0, "", "", false},
		{"Rx/PT1H", 0, "", "", false},
		{"R99999999999/PT1H", 0, "", "", false},
		{"R/P", 0, "", "", false},
		{"R/2019-10-02/P1D", 0, "", "", false},
		{"r/PT1H", 0, "", "", false},
	} {
		got, err := ParseRepeatingInterval(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseRepeatingInterval(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		start := ""
		if !got.Interval.Start.IsZero() {
			start = got.Interval.Start.UTC().Format(time.RFC3339)
		}
		if got.Repetitions != tc.reps || got.Interval.Duration.String() != tc.dur || start != tc.start {
			t.Errorf("ParseRepeatingInterval(%q) = %d %s %q, want %d %s %q", tc.in, got.Repetitions, got.Interval.Duration, start, tc.reps, tc.dur, tc.start)
		}
	}
}

var cronCases = []struct {
	in string
	ok bool
}{
	{"0 0 9 * * MON-FRI", true},
	{"0 0/5 * * * ?", true},
	{"0/5 0/1 * 1/1 * ?", true}, // camunda-compat rejects, Zeebe accepts
	{"@daily", true},
	{"@HOURLY", true},
	{" 0 0 * * * * ", true},
	{"0 0 0 L * *", true},
	{"0 0 0 L-3 * *", true},
	{"0 0 0 LW * *", true},
	{"0 0 0 1W * *", true},
	{"0 0 0 L,15 * *", true},
	{"0 0 0 * * 5L", true},
	{"0 0 0 * * THUL", true},
	{"0 0 0 ? * 5#2", true},
	{"0 0 0 ? * MON#1", true},
	{"0 0 0 25 12 ?", true},
	{"0 0 0 * JAN-MAR,dec *", true},
	{"0 0 0 * * 0", true},
	{"0 0 0 * * 7", true},
	{"0 0 0 * * sun", true},
	{"*/10 * * * * *", true},
	{"0 0 8-10 * * *", true},
	{"0 0 6,19 * * *", true},
	{"0 0 6,19, * * *", true}, // Java's split drops the trailing empty part
	{"", false},
	{"   ", false},
	{"*", false},
	{"* * * * *", false},
	{"* * * * * * *", false},
	{"60 * * * * *", false},
	{"20-10 * * * * *", false},
	{"0 0 24 * * *", false},
	{"0 0 0 0 * *", false},
	{"0 0 0 32 * *", false},
	{"0 0 0 * 13 *", false},
	{"0 0 0 * * 8", false},
	{"0 0 0 L3 * *", false},
	{"0 0 0 L-0 * *", false},
	{"0 0 0 W * *", false},
	{"0 0 0 1W5 * *", false},
	{"0 0 0 L, * *", false},
	{"0 0 0 l * *", false},
	{"0 0 0 * * L", false},
	{"0 0 0 * * 5#0", false},
	{"0 0 0 * * #2", false},
	{"0 0 0 * * 5#", false},
	{"0 */0 * * * *", false},
	{"0 ,1 * * * *", false},
	{"0  0 * * * *", false},
	{"0 0 0 ? ? *", false},
	{"0 -5 * * * *", false},
	{"0 1/2/3 * * * *", false},
}

func TestParseCron(t *testing.T) {
	for _, tc := range cronCases {
		_, err := ParseCron(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseCron(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestCronNext(t *testing.T) {
	at := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	for _, tc := range []struct {
		expr string
		from time.Time
		want time.Time
		ok   bool
	}{
		{"0 0 9 * * MON-FRI", at(2025, 3, 1, 8, 0, 0), at(2025, 3, 3, 9, 0, 0), true},
		{"*/10 * * * * *", at(2025, 3, 1, 12, 0, 5), at(2025, 3, 1, 12, 0, 10), true},
		{"*/10 * * * * *", at(2025, 3, 1, 12, 0, 10), at(2025, 3, 1, 12, 0, 20), true},
		{"0 30 * * * *", at(2025, 3, 1, 23, 45, 0), at(2025, 3, 2, 0, 30, 0), true},
		{"0 0 0 L * *", at(2024, 2, 10, 0, 0, 0), at(2024, 2, 29, 0, 0, 0), true},
		{"0 0 0 L-3 * *", at(2025, 4, 1, 0, 0, 0), at(2025, 4, 27, 0, 0, 0), true},
		{"0 0 0 LW * *", at(2025, 5, 1, 0, 0, 0), at(2025, 5, 30, 0, 0, 0), true},  // May 31 2025 is a Saturday
		{"0 0 0 1W * *", at(2025, 2, 28, 0, 0, 1), at(2025, 3, 3, 0, 0, 0), true},  // March 1 2025 is a Saturday
		{"0 0 0 15W * *", at(2025, 6, 1, 0, 0, 0), at(2025, 6, 16, 0, 0, 0), true}, // June 15 2025 is a Sunday
		{"0 0 0 * * 5L", at(2025, 3, 1, 0, 0, 0), at(2025, 3, 28, 0, 0, 0), true},
		{"0 0 0 ? * MON#1", at(2025, 3, 1, 0, 0, 0), at(2025, 3, 3, 0, 0, 0), true},
		{"0 0 0 13 * FRI", at(2025, 1, 1, 0, 0, 0), at(2025, 6, 13, 0, 0, 0), true}, // both day fields must match
		{"@yearly", at(2025, 3, 1, 0, 0, 0), at(2026, 1, 1, 0, 0, 0), true},
		{"0 0 0 30 2 *", at(2025, 1, 1, 0, 0, 0), time.Time{}, false},
	} {
		c, err := ParseCron(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := c.Next(tc.from)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%q.Next(%s) = %s, %v; want %s, %v", tc.expr, tc.from, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		typ, in string
		ok      bool
	}{
		{"timeDuration", "PT1M", true},
		{"timeDuration", "2025-01-01T00:00:00Z/PT1M", true},
		{"timeDuration", "R/PT1M", false},
		{"timeDate", "2025-01-01T00:00:00Z", true},
		{"timeDate", "PT1M", false},
		{"timeCycle", "R/PT1M", true},
		{"timeCycle", "0 0 * * * *", true},
		{"timeCycle", "PT1M", false},
		{"timeCycle", "2025-01-01T00:00:00Z", false},
	} {
		err := Parse(timerType(tc.typ), tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%s, %q) error = %v, want ok=%v", tc.typ, tc.in, err, tc.ok)
		}
	}
}
