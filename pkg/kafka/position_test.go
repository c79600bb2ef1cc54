package kafka

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParsePosition(t *testing.T) {
	now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want Position
	}{
		{"beginning", Beginning()}, {"START", Beginning()}, {"earliest", Beginning()}, {"oldest", Beginning()},
		{"end", End()}, {"latest", End()}, {"newest", End()},
		{"0", AtOffset(0)}, {"1234", AtOffset(1234)}, {"+5", AtOffset(5)},
		{"-100", FromEnd(100)},
		{"2026-05-01T12:30:00Z", AtTime(time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC))},
		{"2026-05-01T14:30:00.5+02:00", AtTime(time.Date(2026, 5, 1, 12, 30, 0, 5e8, time.UTC))},
		{"2026-05-01", AtTime(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))},
		{"s@1700000000000", AtTime(time.UnixMilli(1700000000000))},
		{"e@1700000000123", AtTime(time.UnixMilli(1700000000123))},
		{"@0", AtTime(time.UnixMilli(0))},
		{"-7d", AtTime(now.Add(-7 * 24 * time.Hour))},
		{"-2h", AtTime(now.Add(-2 * time.Hour))},
		{"-1h30m", AtTime(now.Add(-90 * time.Minute))},
		{"-1.5h", AtTime(now.Add(-90 * time.Minute))},
		{"-2w", AtTime(now.Add(-14 * 24 * time.Hour))},
		{"-1d12h", AtTime(now.Add(-36 * time.Hour))},
		{"-250ms", AtTime(now.Add(-250 * time.Millisecond))},
		{" -90s ", AtTime(now.Add(-90 * time.Second))},
	} {
		got, err := ParsePosition(tc.in, now)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.kind != tc.want.kind || got.offset != tc.want.offset || !got.at.Equal(tc.want.at) {
			t.Errorf("%q = %+v, want %+v", tc.in, got, tc.want)
		}
		if got.String() != strings.TrimSpace(tc.in) && tc.want.kind != posBeginning && tc.want.kind != posEnd && tc.in != "+5" {
			t.Errorf("%q prints as %q", tc.in, got)
		}
	}
}

func TestParsePositionErrors(t *testing.T) {
	for _, in := range []string{"", "soon", "-", "-7x", "-d", "s@", "s@yesterday", "2026-13-01", "-1.2.3h", "-9223372036854775808", "7d", "-200000w"} {
		_, err := ParsePosition(in, time.Unix(0, 0))
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%q: err = %v, want a ConfigError", in, err)
		}
	}
}

func TestDefaultPositions(t *testing.T) {
	var p Position
	if !p.IsDefault() || p.String() != "default" {
		t.Errorf("zero Position: IsDefault %v, String %q", p.IsDefault(), p)
	}
}

func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"beginning", "-5", "12", "s@1700000000000", "-1d12h", "2026-05-01T12:00:00Z", "-1.5h"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePosition(s, now)
		if err != nil {
			return
		}
		if p.IsDefault() {
			t.Fatalf("%q parsed to the default position", s)
		}
		if p.kind == posTime && p.at.After(now) && strings.HasPrefix(strings.TrimSpace(s), "-") {
			t.Fatalf("%q: a duration ago lies after now: %v", s, p.at)
		}
	})
}
