package ui

import (
	"bytes"
	"strings"
	"testing"
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
