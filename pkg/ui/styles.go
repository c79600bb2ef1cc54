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
