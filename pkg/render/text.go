package render

import (
	"fmt"
	"strings"
	"unicode"
)

// Font sizes, as bpmn-js uses them.
const (
	fontSize      = 12 // inside shapes
	fontSizeLabel = 11 // external labels
	lineHeight    = 1.2
)

// charWidth approximates a character's advance in Arial, in ems: the
// picture needs no font files, and a label wraps about where bpmn-js
// wraps it.
func charWidth(r rune) float64 {
	switch {
	case strings.ContainsRune("iljtfI.,;:'|!()[] ", r):
		return 0.28
	case strings.ContainsRune("mwMW@", r):
		return 0.86
	case unicode.IsUpper(r):
		return 0.68
	case unicode.IsDigit(r):
		return 0.56
	case r > 0x2E80: // CJK and the like: full width
		return 1
	}
	return 0.52
}

func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += charWidth(r)
	}
	return w * size
}

// maxLines bounds a label: a name of a thousand words draws its start.
const maxLines = 12

// wrap breaks text into lines no wider than width (a word wider than
// the line is broken too).
func wrap(text string, width, size float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for textWidth(word, size) > width && len([]rune(word)) > 1 {
				if line != "" {
					lines, line = append(lines, line), ""
				}
				head, tail := fit(word, width, size)
				lines, word = append(lines, head), tail
			}
			switch {
			case line == "":
				line = word
			case textWidth(line+" "+word, size) <= width:
				line += " " + word
			default:
				lines, line = append(lines, line), word
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
		if len(lines) >= maxLines {
			return append(lines[:maxLines-1], lines[maxLines-1]+"…")
		}
	}
	return lines
}

// fit splits a word where it stops fitting width (at least one rune).
func fit(word string, width, size float64) (string, string) {
	w := 0.0
	rs := []rune(word)
	for i, r := range rs {
		w += charWidth(r) * size
		if w > width && i > 0 {
			return string(rs[:i]), string(rs[i:])
		}
	}
	return word, ""
}

// text draws lines centred on x, the first line's box starting at top.
func (c *canvas) text(b *strings.Builder, lines []string, x, top, size float64, anchor string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, `<text font-size="%s" fill="%s" text-anchor="%s">`, num(size), stroke, anchor)
	for i, l := range lines {
		y := top + size*lineHeight*float64(i) + size*0.9
		fmt.Fprintf(b, `<tspan x="%s" y="%s">%s</tspan>`, num(x), num(y), esc(l))
	}
	b.WriteString("</text>")
}

// centredText draws text wrapped in a box, centred both ways.
func (c *canvas) centredText(b *strings.Builder, s string, r rect, size, pad float64) {
	lines := wrap(s, max(r.w-2*pad, size), size)
	h := float64(len(lines)) * size * lineHeight
	c.text(b, lines, r.cx(), r.cy()-h/2, size, "middle")
}

// externalText draws the label of an event, gateway, data element or
// flow: in its DI label bounds, or else centred under (or at) the box.
func (c *canvas) externalText(s string, label *rect, under rect) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if label != nil { // wrapped to the label's width, as bpmn-js does
		lines := wrap(s, max(label.w+2, fontSizeLabel), fontSizeLabel)
		c.text(&c.labels, lines, label.cx(), label.y, fontSizeLabel, "middle")
		return
	}
	lines := wrap(s, 90, fontSizeLabel)
	c.text(&c.labels, lines, under.cx(), under.y+under.h+5, fontSizeLabel, "middle")
}
