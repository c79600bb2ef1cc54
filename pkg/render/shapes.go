package render

import (
	"fmt"
	"math"

	"github.com/beevik/etree"

	"github.com/wfctl/wfctl/bpmn"
)

// shape draws one DI shape.
func (c *canvas) shape(s *bpmn.Shape, r rect) {
	el := c.element(s.BPMNElement)
	p := c.paint(s.BPMNElement)
	typ := typeOf(el)
	c.open("shape", s.BPMNElement, typ, p)
	b := &c.b
	switch e := el.(type) {
	case *bpmn.FlowNode:
		switch {
		case e.Kind.IsEvent():
			c.event(e, r, p)
		case e.Kind.IsActivity():
			c.activity(s, e, r, p)
		case e.Kind.IsGateway():
			c.gateway(s, e, r, p)
		case e.Kind == bpmn.KindDataStoreReference:
			c.dataStore(r, p)
		default:
			c.dataObject(r, p, "", c.isCollection(e))
		}
		if !e.Kind.IsActivity() {
			c.externalText(e.Name, labelRect(s), r)
		}
	case *bpmn.Participant:
		c.pool(s, e, r, p)
	case *bpmn.Lane:
		c.lane(s, e, r, p)
	case *bpmn.Artifact:
		if e.Kind == bpmn.KindGroup {
			c.group(s, e, r, p)
		} else {
			c.annotation(e.Text, r, p)
		}
	case *etree.Element:
		switch e.Tag {
		case "dataInput", "dataOutput":
			c.dataObject(r, p, e.Tag, e.SelectAttrValue("isCollection", "") == "true")
			c.externalText(e.SelectAttrValue("name", ""), labelRect(s), r)
		default:
			c.unknownShape(r, e.Tag)
		}
	default:
		c.unknownShape(r, typ)
	}
	c.badges(r, p)
	b.WriteString("</g>\n")
}

// typeOf names an element's BPMN type.
func typeOf(el any) string {
	switch e := el.(type) {
	case *bpmn.FlowNode:
		return e.Kind.String()
	case *bpmn.Artifact:
		return e.Kind.String()
	case *etree.Element:
		return e.Tag
	}
	if b := bpmn.BaseOf(el); b != nil {
		return b.Type
	}
	return "unknown"
}

func labelRect(s *bpmn.Shape) *rect {
	if r, ok := boundsRect(s.Label); ok {
		return &r
	}
	return nil
}

// externalLabel reports whether a shape's label is drawn outside it.
func (c *canvas) externalLabel(s *bpmn.Shape) bool {
	n, ok := c.element(s.BPMNElement).(*bpmn.FlowNode)
	return ok && !n.Kind.IsActivity() && n.Name != ""
}

func fillOf(p *Paint) string {
	if p != nil && p.Fill != "" {
		return p.Fill
	}
	return fill
}

func strokeOf(p *Paint) string {
	if p != nil && p.Stroke != "" {
		return p.Stroke
	}
	return stroke
}

// event draws an event's circle(s) and its definition's icon.
func (c *canvas) event(n *bpmn.FlowNode, r rect, p *Paint) {
	cx, cy, rad := r.cx(), r.cy(), math.Min(r.w, r.h)/2
	width, dash := 1.5, ""
	switch n.Kind {
	case bpmn.KindStartEvent:
		width = 2
		if !n.IsInterrupting && n.Parent != nil && n.Parent.TriggeredByEvent {
			dash = ` stroke-dasharray="6 3"`
		}
	case bpmn.KindEndEvent:
		width = 4
	case bpmn.KindBoundaryEvent:
		if !n.CancelActivity {
			dash = ` stroke-dasharray="6 3"`
		}
	}
	fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="%s" stroke-width="%s"%s/>`,
		num(cx), num(cy), num(rad), fillOf(p), strokeOf(p), num(width), dash)
	if n.Kind != bpmn.KindStartEvent && n.Kind != bpmn.KindEndEvent && rad > 4 {
		fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="1.5"%s/>`,
			num(cx), num(cy), num(rad-3), strokeOf(p), dash)
	}
	filled := n.Kind.IsThrowEvent()
	kinds := eventKinds(n)
	switch {
	case len(kinds) == 1:
		c.eventIcon(kinds[0], cx, cy, rad, filled)
	case len(kinds) > 1 && n.ParallelMultiple:
		c.icon(cx, cy, rad/18, plusPath, false)
	case len(kinds) > 1:
		c.icon(cx, cy, rad/18, pentagonPath, filled)
	}
}

// eventKinds are an event's definitions' kinds (references too).
func eventKinds(n *bpmn.FlowNode) []bpmn.Kind {
	var ks []bpmn.Kind
	for _, d := range n.EventDefinitions {
		ks = append(ks, d.Kind)
	}
	for range n.EventDefinitionRefs {
		ks = append(ks, bpmn.KindUnknown)
	}
	return ks
}

// gateway draws a diamond and its type's marker.
func (c *canvas) gateway(s *bpmn.Shape, n *bpmn.FlowNode, r rect, p *Paint) {
	cx, cy := r.cx(), r.cy()
	fmt.Fprintf(&c.b, `<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="%s" stroke="%s" stroke-width="2" stroke-linejoin="round"/>`,
		num(cx), num(r.y), num(r.x+r.w), num(cy), num(cx), num(r.y+r.h), num(r.x), num(cy), fillOf(p), strokeOf(p))
	k := math.Min(r.w, r.h) / 50
	switch n.Kind {
	case bpmn.KindExclusiveGateway:
		if v, _ := s.Attr("isMarkerVisible"); v == "true" {
			c.icon(cx, cy, k*0.8, crossPath, true)
		}
	case bpmn.KindParallelGateway:
		c.icon(cx, cy, k, plusPath, true)
	case bpmn.KindInclusiveGateway:
		fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"/>`, num(cx), num(cy), num(12*k), stroke, num(2.5*k))
	case bpmn.KindComplexGateway:
		c.icon(cx, cy, k, asteriskPath, true)
	case bpmn.KindEventBasedGateway:
		fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="1"/>`, num(cx), num(cy), num(13*k), stroke)
		if !n.Instantiating {
			fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="1"/>`, num(cx), num(cy), num(10.5*k), stroke)
		}
		if n.EventGatewayType == "Parallel" {
			c.icon(cx, cy, k*0.8, plusPath, false)
		} else {
			c.icon(cx, cy, k*0.8, pentagonPath, false)
		}
	}
}

// dataObject draws a page with a folded corner; io is "dataInput" or
// "dataOutput" for their arrows.
func (c *canvas) dataObject(r rect, p *Paint, io string, collection bool) {
	f := math.Min(10, math.Min(r.w, r.h)/3)
	fmt.Fprintf(&c.b, `<path d="M%s %s L%s %s L%s %s L%s %s L%s %s Z M%s %s L%s %s L%s %s" fill="%s" stroke="%s" stroke-width="1.5" stroke-linejoin="round"/>`,
		num(r.x), num(r.y), num(r.x+r.w-f), num(r.y), num(r.x+r.w), num(r.y+f), num(r.x+r.w), num(r.y+r.h), num(r.x), num(r.y+r.h),
		num(r.x+r.w-f), num(r.y), num(r.x+r.w-f), num(r.y+f), num(r.x+r.w), num(r.y+f), fillOf(p), strokeOf(p))
	if io != "" {
		c.icon(r.x+9, r.y+9, 0.5, arrowPath, io == "dataOutput")
	}
	if collection {
		c.icon(r.cx(), r.y+r.h-8, 0.6, parallelMarkerPath, true)
	}
}

func (c *canvas) isCollection(n *bpmn.FlowNode) bool {
	if v, _ := n.Attr("isCollection"); v == "true" {
		return true
	}
	ref, _ := n.Attr("dataObjectRef")
	if d, ok := c.doc.ByID(ref).(*bpmn.FlowNode); ok {
		v, _ := d.Attr("isCollection")
		return v == "true"
	}
	return false
}

// dataStore draws a cylinder.
func (c *canvas) dataStore(r rect, p *Paint) {
	e := math.Min(r.h/6, 8) // the ellipse's half height
	fmt.Fprintf(&c.b, `<path d="M%s %s A%s %s 0 0 1 %s %s L%s %s A%s %s 0 0 1 %s %s Z" fill="%s" stroke="%s" stroke-width="1.5"/>`,
		num(r.x), num(r.y+e), num(r.w/2), num(e), num(r.x+r.w), num(r.y+e), num(r.x+r.w), num(r.y+r.h-e), num(r.w/2), num(e), num(r.x), num(r.y+r.h-e), fillOf(p), strokeOf(p))
	for i := range 3 {
		y := r.y + e + float64(i)*3
		fmt.Fprintf(&c.b, `<path d="M%s %s A%s %s 0 0 0 %s %s" fill="none" stroke="%s" stroke-width="1.5"/>`,
			num(r.x), num(y), num(r.w/2), num(e), num(r.x+r.w), num(y), strokeOf(p))
	}
}

// annotation draws a text annotation: a bracket and its text.
func (c *canvas) annotation(text string, r rect, p *Paint) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="none"/>`, num(r.x), num(r.y), num(r.w), num(r.h))
	fmt.Fprintf(&c.b, `<path d="M%s %s L%s %s L%s %s L%s %s" fill="none" stroke="%s" stroke-width="1.5"/>`,
		num(r.x+min(10, r.w)), num(r.y), num(r.x), num(r.y), num(r.x), num(r.y+r.h), num(r.x+min(10, r.w)), num(r.y+r.h), strokeOf(p))
	lines := wrap(text, max(r.w-10, fontSize), fontSize)
	c.text(&c.b, lines, r.x+5, r.y+5, fontSize, "start")
}

// group draws a group's dashed frame; its label is its category value.
func (c *canvas) group(s *bpmn.Shape, a *bpmn.Artifact, r rect, p *Paint) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" rx="10" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="10 4 2 4"/>`,
		num(r.x), num(r.y), num(r.w), num(r.h), strokeOf(p))
	name := a.Name
	if ref, _ := a.Attr("categoryValueRef"); ref != "" && name == "" {
		if el := c.other[ref]; el != nil {
			name = el.SelectAttrValue("value", "")
		} else if b := bpmn.BaseOf(c.doc.ByID(ref)); b != nil {
			name, _ = b.Attr("value")
		}
	}
	if l := labelRect(s); l != nil {
		c.externalText(name, l, r)
	} else if name != "" {
		c.text(&c.labels, wrap(name, max(r.w, 90), fontSizeLabel), r.cx(), r.y+5, fontSizeLabel, "middle")
	}
}

// pool draws a participant: a box with its name in a band on the left
// (on top for a vertical pool).
func (c *canvas) pool(s *bpmn.Shape, pt *bpmn.Participant, r rect, p *Paint) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1.5"/>`,
		num(r.x), num(r.y), num(r.w), num(r.h), fillOf(p), strokeOf(p))
	horizontal := s.IsHorizontal == nil || *s.IsHorizontal
	if pt.ProcessRef == "" { // a black box pool: its name in the middle
		c.centredText(&c.b, pt.Name, r, fontSize, 5)
		return
	}
	c.bandLabel(pt.Name, r, horizontal, true)
}

// lane draws a lane and its name in a band.
func (c *canvas) lane(s *bpmn.Shape, l *bpmn.Lane, r rect, p *Paint) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1"/>`,
		num(r.x), num(r.y), num(r.w), num(r.h), fillOf(p), strokeOf(p))
	horizontal := s.IsHorizontal == nil || *s.IsHorizontal
	c.bandLabel(l.Name, r, horizontal, false)
}

// bandLabel writes a pool's or lane's name along its 30-pixel band.
func (c *canvas) bandLabel(name string, r rect, horizontal, line bool) {
	const band = 30
	if horizontal {
		if line {
			fmt.Fprintf(&c.b, `<path d="M%s %s L%s %s" stroke="%s" stroke-width="1.5"/>`, num(r.x+band), num(r.y), num(r.x+band), num(r.y+r.h), stroke)
		}
		lines := wrap(name, max(r.h-10, fontSize), fontSize)
		h := float64(len(lines)) * fontSize * lineHeight
		cx, cy := r.x+band/2, r.cy()
		fmt.Fprintf(&c.b, `<g transform="rotate(-90 %s %s)">`, num(cx), num(cy))
		c.text(&c.b, lines, cx, cy-h/2, fontSize, "middle")
		c.b.WriteString("</g>")
		return
	}
	if line {
		fmt.Fprintf(&c.b, `<path d="M%s %s L%s %s" stroke="%s" stroke-width="1.5"/>`, num(r.x), num(r.y+band), num(r.x+r.w), num(r.y+band), stroke)
	}
	c.centredText(&c.b, name, rect{r.x, r.y, r.w, band}, fontSize, 5)
}

// unknownShape is an element the notation has no symbol for.
func (c *canvas) unknownShape(r rect, typ string) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s" stroke-width="1" stroke-dasharray="4 3"/>`,
		num(r.x), num(r.y), num(r.w), num(r.h), stroke)
	c.centredText(&c.b, typ, r, fontSizeLabel, 3)
}

// badges draws a report's counts at a shape's top right.
func (c *canvas) badges(r rect, p *Paint) {
	if p == nil {
		return
	}
	x := r.x + r.w + 6
	for i := len(p.Badges) - 1; i >= 0; i-- {
		bd := p.Badges[i]
		w := textWidth(bd.Text, 11) + 10
		x -= w + 2
		col := bd.Fill
		if col == "" {
			col = "#52b415"
		}
		fmt.Fprintf(&c.b, `<g class="badge %s"><rect x="%s" y="%s" width="%s" height="18" rx="9" fill="%s"/><text x="%s" y="%s" font-size="11" fill="#ffffff" text-anchor="middle">%s</text></g>`,
			esc(bd.Class), num(x), num(r.y-10), num(w), esc(col), num(x+w/2), num(r.y+3), esc(bd.Text))
	}
}

// expanded reports whether a sub-process is drawn open.
func expanded(s *bpmn.Shape, n *bpmn.FlowNode) bool {
	return s.IsExpanded != nil && *s.IsExpanded && n.Sub != nil
}
