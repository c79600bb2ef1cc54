package render

import (
	"fmt"
	"math"
	"strings"

	"github.com/beevik/etree"

	"github.com/wfctl/wfctl/bpmn"
)

// maxWaypoints bounds an edge's drawn points.
const maxWaypoints = 10_000

// waypoints are an edge's points; ok is false when it cannot be drawn.
func waypoints(e *bpmn.Edge) ([]bpmn.Point, bool) {
	if len(e.Waypoints) < 2 {
		return nil, false
	}
	pts := e.Waypoints[:min(len(e.Waypoints), maxWaypoints)]
	for _, p := range pts {
		if !finite(p.X, p.Y) {
			return nil, false
		}
	}
	return pts, true
}

// edge draws one DI edge; false when it cannot be drawn.
func (c *canvas) edge(e *bpmn.Edge) bool {
	pts, ok := waypoints(e)
	el := c.element(e.BPMNElement)
	switch {
	case !ok:
		c.skip("edge %s (%s): fewer than two waypoints, or not numbers", e.ID, e.BPMNElement)
		return false
	case el == nil:
		c.skip("edge %s: its bpmnElement %q is not in the file", e.ID, e.BPMNElement)
		return false
	}
	p := c.paint(e.BPMNElement)
	c.open("edge", e.BPMNElement, typeOf(el), p)
	width := 1.5
	if p != nil && p.Width > 0 {
		width *= math.Min(p.Width, 6)
	}
	style := fmt.Sprintf(`fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"`, strokeOf(p), num(width))
	name := ""
	switch f := el.(type) {
	case *bpmn.SequenceFlow:
		style += ` marker-end="url(#wfctl-seq-end)"`
		style += c.flowStart(f)
		name = f.Name
	case *bpmn.MessageFlow:
		style += ` stroke-dasharray="10 8" marker-start="url(#wfctl-msg-start)" marker-end="url(#wfctl-msg-end)"`
		name = f.Name
	case *bpmn.Artifact: // an association
		style += ` stroke-dasharray="0.5 5" stroke-linecap="round"` + associationArrows(f.XML)
	case *etree.Element: // a data input or output association
		style += ` stroke-dasharray="0.5 5" stroke-linecap="round" marker-end="url(#wfctl-assoc-end)"`
	}
	fmt.Fprintf(&c.b, `<path d="%s" %s/>`, pathOf(pts), style)
	c.b.WriteString("</g>\n")
	if name != "" {
		var l *rect
		if r, ok := boundsRect(e.Label); ok {
			l = &r
		}
		mid := midpoint(pts)
		c.externalText(name, l, rect{mid.X - 45, mid.Y - 20, 90, 0})
	}
	c.edgeBadges(pts, p)
	return true
}

// flowStart marks a default flow (a slash) and a conditional flow out of
// an activity (a diamond) at their start.
func (c *canvas) flowStart(f *bpmn.SequenceFlow) string {
	src := f.Source
	if src == nil {
		return ""
	}
	switch {
	case src.Default == f && (src.Kind.IsGateway() || src.Kind.IsActivity()):
		return ` marker-start="url(#wfctl-default-start)"`
	case f.Condition != nil && src.Kind.IsActivity():
		return ` marker-start="url(#wfctl-cond-start)"`
	}
	return ""
}

func associationArrows(x *etree.Element) string {
	if x == nil {
		return ""
	}
	switch x.SelectAttrValue("associationDirection", "") {
	case "One":
		return ` marker-end="url(#wfctl-assoc-end)"`
	case "Both":
		return ` marker-start="url(#wfctl-assoc-start)" marker-end="url(#wfctl-assoc-end)"`
	}
	return ""
}

func pathOf(pts []bpmn.Point) string {
	var b strings.Builder
	for i, p := range pts {
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString(" L")
		}
		b.WriteString(num(p.X))
		b.WriteString(" ")
		b.WriteString(num(p.Y))
	}
	return b.String()
}

// midpoint is the point halfway along a polyline.
func midpoint(pts []bpmn.Point) bpmn.Point {
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += math.Hypot(pts[i].X-pts[i-1].X, pts[i].Y-pts[i-1].Y)
	}
	left := total / 2
	for i := 1; i < len(pts); i++ {
		seg := math.Hypot(pts[i].X-pts[i-1].X, pts[i].Y-pts[i-1].Y)
		if seg >= left && seg > 0 {
			t := left / seg
			return bpmn.Point{X: pts[i-1].X + t*(pts[i].X-pts[i-1].X), Y: pts[i-1].Y + t*(pts[i].Y-pts[i-1].Y)}
		}
		left -= seg
	}
	return pts[0]
}

// edgeBadges writes a report's counts on a flow, at its middle.
func (c *canvas) edgeBadges(pts []bpmn.Point, p *Paint) {
	if p == nil || len(p.Badges) == 0 {
		return
	}
	m := midpoint(pts)
	texts := make([]string, len(p.Badges))
	for i, bd := range p.Badges {
		texts[i] = bd.Text
	}
	t := strings.Join(texts, " ")
	w := textWidth(t, 11) + 10
	fmt.Fprintf(&c.labels, `<g class="badge flow-badge"><rect x="%s" y="%s" width="%s" height="16" rx="8" fill="#ffffff" stroke="%s" stroke-width="1"/><text x="%s" y="%s" font-size="11" fill="%s" text-anchor="middle">%s</text></g>`,
		num(m.X-w/2), num(m.Y-8), num(w), stroke, num(m.X), num(m.Y+4), stroke, esc(t))
}
