package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Table renders rows under a header as aligned columns separated by two
// spaces, the header in bold. Columns listed in right are right-aligned
// (numbers). Widths count what a terminal shows, not bytes. A row is one
// line: newlines in a cell (an element name, an incident's reason) are
// escaped as \n.
func Table(p Painter, header []string, rows [][]string, right ...int) string {
	escaped := make([][]string, len(rows))
	for i, r := range rows {
		escaped[i] = make([]string, len(r))
		for j, c := range r {
			escaped[i][j] = OneLine(c)
		}
	}
	rows = escaped
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], lipgloss.Width(c))
			}
		}
	}
	isRight := map[int]bool{}
	for _, i := range right {
		isRight[i] = true
	}
	var b strings.Builder
	line := func(cells []string, style func(string) string) {
		var l strings.Builder
		for i, c := range cells {
			if i >= len(widths) {
				break
			}
			pad := strings.Repeat(" ", widths[i]-lipgloss.Width(c))
			if i > 0 {
				l.WriteString("  ")
			}
			if isRight[i] {
				l.WriteString(pad + style(c))
			} else if i == len(cells)-1 {
				l.WriteString(style(c))
			} else {
				l.WriteString(style(c) + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(header, func(s string) string { return p.Paint(Bold, s) })
	for _, r := range rows {
		line(r, func(s string) string { return s })
	}
	return b.String()
}

// Panel renders a titled block of "label  value" lines, labels aligned.
func Panel(p Painter, title string, pairs [][2]string) string {
	w := 0
	for _, kv := range pairs {
		w = max(w, lipgloss.Width(kv[0]))
	}
	var b strings.Builder
	b.WriteString(p.Paint(Bold, title))
	b.WriteByte('\n')
	for _, kv := range pairs {
		b.WriteString("  ")
		b.WriteString(p.Paint(Faint, kv[0]))
		b.WriteString(strings.Repeat(" ", w-lipgloss.Width(kv[0])+2))
		b.WriteString(kv[1])
		b.WriteByte('\n')
	}
	return b.String()
}
