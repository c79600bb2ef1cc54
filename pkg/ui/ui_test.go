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
