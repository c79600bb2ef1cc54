package render

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/wfctl/wfctl/bpmn"
)

// margin is the space around each plane.
const margin = 20

// Colours of the notation, as bpmn-js draws it.
const (
	stroke = "#22242a"
	fill   = "#ffffff"
)

// canvas writes one SVG document.
type canvas struct {
	doc *bpmn.Document
	o   Options
	// other holds the elements with an id that the model does not keep
	// (data associations, data inputs and outputs), from the XML.
	other   map[string]*etree.Element
	b       strings.Builder
	labels  strings.Builder // a plane's external labels, drawn last
	width   float64
	skipped []string
}

func newCanvas(doc *bpmn.Document, o Options) *canvas {
	c := &canvas{doc: doc, o: o, other: map[string]*etree.Element{}}
	if root := doc.Definitions.XML; root != nil {
		var walk func(el *etree.Element, depth int)
		walk = func(el *etree.Element, depth int) {
			if depth > 200 {
				return
			}
			for _, ch := range el.ChildElements() {
				if id := ch.SelectAttrValue("id", ""); id != "" && doc.ByID(id) == nil {
					if _, dup := c.other[id]; !dup {
						c.other[id] = ch
					}
				}
				walk(ch, depth+1)
			}
		}
		walk(root, 0)
	}
	return c
}

// measure is the box a plane's drawing covers.
func (c *canvas) measure(pl *bpmn.Plane) rect {
	var box rect
	for _, s := range pl.Shapes {
		if r, ok := boundsRect(s.Bounds); ok {
			box = box.union(rect{r.x, r.y, max(r.w, 1), max(r.h, 1)})
			if l, ok := boundsRect(s.Label); ok {
				box = box.union(rect{l.x, l.y, max(l.w, 1), max(l.h, 1)})
			} else if c.externalLabel(s) {
				box = box.union(rect{r.cx() - 50, r.y + r.h, 100, 40})
			}
		}
	}
	for _, e := range pl.Edges {
		if pts, ok := waypoints(e); ok {
			for _, p := range pts {
				box = box.union(rect{p.X, p.Y, 1, 1})
			}
			if l, ok := boundsRect(e.Label); ok {
				box = box.union(rect{l.x, l.y, max(l.w, 1), max(l.h, 1)})
			}
		}
	}
	return box
}

func (c *canvas) beginPlane(p *plane, i int, dx, dy float64, box rect, titled bool) {
	if titled {
		fmt.Fprintf(&c.b, `<text class="plane-title" x="%s" y="%s" font-size="14" font-weight="bold" fill="%s">%s</text>`+"\n",
			num(margin), num(dy+box.y-14), stroke, esc(p.name(c.doc)))
	}
	fmt.Fprintf(&c.b, `<g class="plane" data-plane="%d" data-element-id="%s" transform="translate(%s %s)">`+"\n", i, esc(p.pl.BPMNElement), num(dx), num(dy))
	c.labels.Reset()
}

func (c *canvas) endPlane() {
	c.b.WriteString(c.labels.String())
	c.b.WriteString("</g>\n")
}

// drawPlane draws a plane's shapes and edges in layers: pools and lanes,
// then activities and the rest (containers before what they contain),
// then edges, boundary events and groups, then external labels.
func (c *canvas) drawPlane(pl *bpmn.Plane) (shapes, edges int) {
	type item struct {
		s     *bpmn.Shape
		r     rect
		layer int
	}
	var items []item
	for _, s := range pl.Shapes {
		r, ok := boundsRect(s.Bounds)
		switch {
		case !ok:
			c.skip("shape %s (%s): its bounds are missing or not numbers", s.ID, s.BPMNElement)
			continue
		case c.element(s.BPMNElement) == nil:
			c.skip("shape %s: its bpmnElement %q is not in the file", s.ID, s.BPMNElement)
			continue
		}
		items = append(items, item{s, r, c.layer(s)})
	}
	slices.SortStableFunc(items, func(a, b item) int {
		if a.layer != b.layer {
			return cmp.Compare(a.layer, b.layer)
		}
		if a.layer == layerContainer { // larger containers first: they hold the smaller
			return cmp.Compare(b.r.w*b.r.h, a.r.w*a.r.h)
		}
		return 0
	})
	drawn := 0
	for _, it := range items {
		if it.layer > layerEdges {
			break
		}
		c.shape(it.s, it.r)
		drawn++
	}
	for _, e := range pl.Edges {
		if c.edge(e) {
			edges++
		}
	}
	for _, it := range items[drawn:] {
		c.shape(it.s, it.r)
	}
	return len(items), edges
}

// Layers, bottom to top.
const (
	layerPool = iota
	layerLane
	layerContainer
	layerShape
	layerEdges // edges are drawn here
	layerBoundary
	layerGroup
)

func (c *canvas) layer(s *bpmn.Shape) int {
	switch e := c.element(s.BPMNElement).(type) {
	case *bpmn.Participant:
		return layerPool
	case *bpmn.Lane:
		return layerLane
	case *bpmn.FlowNode:
		switch {
		case e.Kind == bpmn.KindBoundaryEvent:
			return layerBoundary
		case e.Sub != nil && expanded(s, e):
			return layerContainer
		}
	case *bpmn.Artifact:
		if e.Kind == bpmn.KindGroup {
			return layerGroup
		}
	}
	return layerShape
}

// element finds a DI element's BPMN element: the model's, or else the
// XML element (for what the model does not keep).
func (c *canvas) element(id string) any {
	if id == "" {
		return nil
	}
	if v := c.doc.ByID(id); v != nil {
		return v
	}
	if el := c.other[id]; el != nil {
		return el
	}
	return nil
}

func (c *canvas) skip(format string, args ...any) {
	c.skipped = append(c.skipped, fmt.Sprintf(format, args...))
}

// paint asks Options.Paint about an element.
func (c *canvas) paint(id string) *Paint {
	if c.o.Paint == nil || id == "" {
		return nil
	}
	return c.o.Paint(id)
}

// open starts an element's group.
func (c *canvas) open(kind, id, typ string, p *Paint) {
	class := kind
	if p != nil && p.Class != "" {
		class += " " + p.Class
	}
	fmt.Fprintf(&c.b, `<g class="%s" data-element-id="%s" data-type="%s">`, esc(class), esc(id), esc(typ))
	if p != nil && p.Title != "" {
		fmt.Fprintf(&c.b, `<title>%s</title>`, esc(p.Title))
	}
}

// size is the picture's width and height, for a plane stack height high.
func (c *canvas) size(height float64) (w, h float64) {
	return math.Ceil(max(c.width, 100)), math.Ceil(max(height, 60))
}

func (c *canvas) finish(height float64) []byte {
	w, h := c.size(height)
	var out strings.Builder
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" width="%s" height="%s" viewBox="0 0 %s %s">`+"\n", num(w), num(h), num(w), num(h))
	out.WriteString(defs)
	fmt.Fprintf(&out, `<rect class="background" width="%s" height="%s" fill="%s"/>`+"\n", num(w), num(h), fill)
	out.WriteString(c.b.String())
	out.WriteString("</svg>\n")
	return []byte(out.String())
}

// defs are the arrowheads and the font. Markers are sized in the
// diagram's units, not the stroke's, so a flow a report draws wider keeps
// its arrowhead.
const defs = `<defs>
<style>.bpmn-diagram text{font-family:Arial,Helvetica,sans-serif}</style>
<marker markerUnits="userSpaceOnUse" id="wfctl-seq-end" viewBox="0 0 20 20" refX="11" refY="10" markerWidth="15" markerHeight="15" orient="auto"><path d="M1 5 L11 10 L1 15 Z" fill="` + stroke + `" stroke="` + stroke + `" stroke-width="1"/></marker>
<marker markerUnits="userSpaceOnUse" id="wfctl-msg-start" viewBox="0 0 20 20" refX="6" refY="6" markerWidth="30" markerHeight="30" orient="auto"><circle cx="6" cy="6" r="3.5" fill="` + fill + `" stroke="` + stroke + `" stroke-width="1"/></marker>
<marker markerUnits="userSpaceOnUse" id="wfctl-msg-end" viewBox="0 0 20 20" refX="8.5" refY="5" markerWidth="30" markerHeight="30" orient="auto"><path d="M1 1 L8 5 L1 9 Z" fill="` + fill + `" stroke="` + stroke + `" stroke-width="1"/></marker>
<marker markerUnits="userSpaceOnUse" id="wfctl-assoc-end" viewBox="0 0 20 20" refX="11" refY="10" markerWidth="15" markerHeight="15" orient="auto"><path d="M1 5 L11 10 L1 15" fill="none" stroke="` + stroke + `" stroke-width="1.5"/></marker>
<marker markerUnits="userSpaceOnUse" id="wfctl-assoc-start" viewBox="0 0 20 20" refX="1" refY="10" markerWidth="15" markerHeight="15" orient="auto"><path d="M11 5 L1 10 L11 15" fill="none" stroke="` + stroke + `" stroke-width="1.5"/></marker>
<marker markerUnits="userSpaceOnUse" id="wfctl-default-start" viewBox="0 0 20 20" refX="0" refY="10" markerWidth="15" markerHeight="15" orient="auto" overflow="visible"><path d="M9 4.5 L5 15.5" fill="none" stroke="` + stroke + `" stroke-width="1.5"/></marker>
<marker markerUnits="userSpaceOnUse" id="wfctl-cond-start" viewBox="0 0 20 20" refX="-1" refY="10" markerWidth="15" markerHeight="15" orient="auto" overflow="visible"><path d="M0 10 L8 6 L16 10 L8 14 Z" fill="` + fill + `" stroke="` + stroke + `" stroke-width="1"/></marker>
</defs>
`

// num formats a coordinate: at most two decimals, no trailing zeros.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// esc escapes text and attribute values; characters XML 1.0 cannot hold
// are dropped.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteRune(' ')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			// not XML 1.0
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
