package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTableAligns(t *testing.T) {
	got := Table(NewPainter(false), []string{"ELEMENT", "N"}, [][]string{{"Await payment", "7"}, {"Ship", "1,024"}}, 1)
	want := "ELEMENT            N\nAwait payment      7\nShip           1,024\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestColourPolicy(t *testing.T) {
	for _, tc := range []struct {
		tty   bool
		env   []string
		mode  ColorMode
		color bool
	}{
		{tty: true, env: []string{"TERM=xterm-256color"}, mode: ColorAuto, color: true},
		{tty: false, env: []string{"TERM=xterm-256color"}, mode: ColorAuto, color: false},
		{tty: true, env: []string{"TERM=xterm-256color", "NO_COLOR=1"}, mode: ColorAuto, color: false},
		{tty: true, env: []string{"TERM=dumb"}, mode: ColorAuto, color: false},
		{tty: false, env: nil, mode: ColorAlways, color: true},
		{tty: true, env: []string{"TERM=xterm-256color"}, mode: ColorNever, color: false},
	} {
		var out bytes.Buffer
		s := &IOStreams{Out: &out, OutTTY: tc.tty, Env: tc.env, Color: tc.mode}
		if s.ColorOut() != tc.color {
			t.Errorf("%+v: colour %v", tc, s.ColorOut())
		}
		s.StyledOut().Write([]byte(s.PainterOut().Paint(BoldRed, "x")))
		if hasEscape := strings.Contains(out.String(), "\x1b["); hasEscape != tc.color {
			t.Errorf("%+v: wrote %q", tc, out.String())
		}
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{413696, 943748, time.Second, "replaying 413,696 / 943,748 (43%) · 413,696/s · 1s left"},
		{413696, 0, 2 * time.Second, "replaying 413,696 · 206,848/s"},
		{943748, 943748, 2 * time.Second, "replaying 943,748 / 943,748 (100%) · 471,874/s"},
		{10, 100, 0, "replaying 10 / 100 (10%)"},
	} {
		if got := ProgressLine("replaying", tc.done, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Plural(1, "incident"), "1 incident"},
		{Plural(0, "incident"), "0 incidents"},
		{Plural(2, "process"), "2 processes"},
		{Plural(3, "retry", "retries"), "3 retries"},
		{Plural(1, "retry", "retries"), "1 retry"},
		{Plural(2, "entry"), "2 entries"},
		{Plural(2, "day"), "2 days"},
		{Plural(int64(1234), "record"), "1,234 records"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	if got := OneLine("a\nb\\c\r\td"); got != `a\nb\\c\r\td` {
		t.Errorf("OneLine: %q", got)
	}
	got := Table(NewPainter(false), []string{"ELEMENT", "N"}, [][]string{{"Await\npayment", "7"}})
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, `Await\npayment`) {
		t.Errorf("a cell with a newline broke its row: %q", got)
	}
	if got := Indent("first\nsecond\n", "  "); got != "first\n  second" {
		t.Errorf("Indent: %q", got)
	}
}
