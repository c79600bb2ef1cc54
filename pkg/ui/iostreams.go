// Package ui holds everything about the terminal: the standard streams,
// whether they are terminals, the colour policy and the lipgloss styles.
// No other package decides about colour or writes escape codes.
package ui

import (
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// ColorMode is the --color flag: auto (colour on a terminal), always, never.
type ColorMode string

// Colour modes.
const (
	ColorAuto   ColorMode = "auto"
	ColorAlways ColorMode = "always"
	ColorNever  ColorMode = "never"
)

// ParseColorMode checks a --color value.
func ParseColorMode(s string) (ColorMode, error) {
	switch m := ColorMode(s); m {
	case ColorAuto, ColorAlways, ColorNever:
		return m, nil
	}
	return "", fmt.Errorf("invalid --color %q: use auto, always or never", s)
}

// IOStreams are a command's standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// OutTTY and ErrTTY say whether Out and ErrOut are terminals.
	OutTTY bool
	ErrTTY bool
	// Env is the environment, KEY=VALUE, read for NO_COLOR, CLICOLOR,
	// CLICOLOR_FORCE, TERM and COLORTERM.
	Env []string
	// Color is the --color flag.
	Color ColorMode
}

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(os.Stdout.Fd()),
		ErrTTY: term.IsTerminal(os.Stderr.Fd()),
		Env:    os.Environ(),
		Color:  ColorAuto,
	}
}

// profile decides the colour profile for a stream.
func (s *IOStreams) profile(tty bool) colorprofile.Profile {
	switch s.Color {
	case ColorNever:
		return colorprofile.NoTTY
	case ColorAlways:
		if p := colorprofile.Env(s.Env); p > colorprofile.ANSI {
			return p
		}
		return colorprofile.ANSI
	}
	if !tty || s.getenv("NO_COLOR") != "" {
		return colorprofile.NoTTY
	}
	return colorprofile.Env(s.Env)
}

// ColorOut reports whether Out gets colour.
func (s *IOStreams) ColorOut() bool { return s.profile(s.OutTTY) > colorprofile.ASCII }

// ColorErr reports whether ErrOut gets colour.
func (s *IOStreams) ColorErr() bool { return s.profile(s.ErrTTY) > colorprofile.ASCII }

// StyledOut returns a writer for styled text to Out: escape codes are
// downsampled to what the terminal supports, or stripped.
func (s *IOStreams) StyledOut() io.Writer {
	return &colorprofile.Writer{Forward: s.Out, Profile: s.profile(s.OutTTY)}
}

// StyledErr is StyledOut for ErrOut.
func (s *IOStreams) StyledErr() io.Writer {
	return &colorprofile.Writer{Forward: s.ErrOut, Profile: s.profile(s.ErrTTY)}
}

// Warnf prints a warning on ErrOut, the one way wfctl warns: "warning:"
// (yellow where ErrOut has colour) and the message, its further lines
// indented so that it reads as one item.
func (s *IOStreams) Warnf(format string, args ...any) {
	fmt.Fprintf(s.StyledErr(), "%s %s\n", s.PainterErr().Paint(Yellow, "warning:"), Indent(fmt.Sprintf(format, args...), "  "))
}

func (s *IOStreams) getenv(key string) string {
	for i := len(s.Env) - 1; i >= 0; i-- {
		kv := s.Env[i]
		if len(kv) > len(key) && kv[len(key)] == '=' && kv[:len(key)] == key {
			return kv[len(key)+1:]
		}
	}
	return ""
}
