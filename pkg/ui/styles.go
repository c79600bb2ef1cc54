package ui

import "charm.land/lipgloss/v2"

// Styles used across commands. Text rendered with them carries escape
// codes; write it through IOStreams.StyledOut or StyledErr, which strip
// them when colour is off.
var (
	Bold    = lipgloss.NewStyle().Bold(true)
	Faint   = lipgloss.NewStyle().Faint(true)
	Red     = lipgloss.NewStyle().Foreground(lipgloss.Red)
	BoldRed = lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true)
	Yellow  = lipgloss.NewStyle().Foreground(lipgloss.Yellow)
	Green   = lipgloss.NewStyle().Foreground(lipgloss.Green)
	Cyan    = lipgloss.NewStyle().Foreground(lipgloss.Cyan)
	Blue    = lipgloss.NewStyle().Foreground(lipgloss.Blue)
)

// Severity returns the style for a severity word: error, warning, info.
func Severity(sev string) lipgloss.Style {
	switch sev {
	case "error":
		return BoldRed
	case "warning":
		return Yellow.Bold(true)
	}
	return Cyan
}

// Painter applies styles only when colour is on: rendering a style costs
// far more than the text it wraps, and with colour off it would only be
// stripped again.
type Painter struct{ on bool }

// NewPainter returns a painter that styles text when on is true.
func NewPainter(on bool) Painter { return Painter{on: on} }

// PainterOut returns the painter for the streams' Out.
func (s *IOStreams) PainterOut() Painter { return Painter{on: s.ColorOut()} }

// PainterErr returns the painter for the streams' ErrOut.
func (s *IOStreams) PainterErr() Painter { return Painter{on: s.ColorErr()} }

// Paint renders text in style st, or returns it as it is when colour is off.
func (p Painter) Paint(st lipgloss.Style, text string) string {
	if !p.on {
		return text
	}
	return st.Render(text)
}

// Style is a lipgloss style, so that packages can pass styles around
// without importing lipgloss themselves.
type Style = lipgloss.Style
