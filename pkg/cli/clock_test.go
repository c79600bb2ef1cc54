package cli

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseClockDuration(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want time.Duration
		err  string
	}{
		{arg: "1h", want: time.Hour},
		{arg: "90m", want: 90 * time.Minute},
		{arg: "1h30m", want: 90 * time.Minute},
		{arg: "2d", want: 48 * time.Hour},
		{arg: "1d12h", want: 36 * time.Hour},
		{arg: "0s", want: 0},
		{arg: "-1h", err: "never goes back"},
		{arg: "1d-1h", err: "want a duration"},
		{arg: "1.5d", want: 36 * time.Hour},
		{arg: "soon", err: "want a duration"},
		{arg: "d", err: "want a duration"},
		{arg: "999999999d", err: "want a duration"},
	} {
		got, err := parseClockDuration(tc.arg)
		if tc.err != "" {
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), `DURATION "`+tc.arg+`"`) {
				t.Errorf("%s: error %v, want a usage error with %q", tc.arg, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %v, %v; want %v", tc.arg, got, err, tc.want)
		}
	}
}
