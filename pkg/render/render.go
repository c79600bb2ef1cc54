// Package render draws BPMN models as SVG from their diagram interchange
// (BPMN DI: the bounds of every shape and the waypoints of every edge the
// modeler saved), in the notation people know from bpmn-js and Camunda
// Modeler.
//
// What is drawn is exactly what DI says: one group per DI shape
// (<g class="shape" data-element-id="ID">) and one group with one path
// per DI edge (<g class="edge" data-element-id="ID">), so a picture can be
// checked against its file by counting, and a report can paint on it by
// element id (see [Paint]). What DI lacks is not invented: a flow node or
// flow without a shape or edge is listed in [Picture.Missing], and a DI
// shape or edge that cannot be drawn (its element is not in the file, its
// bounds are missing or not numbers, an edge has fewer than two
// waypoints) is listed in [Picture.Skipped]. Neither stops the drawing.
//
// Every plane of the file is drawn (a process or collaboration, and each
// sub-process drill-down plane that Camunda Modeler saves for a collapsed
// sub-process), one under the other; [Options.Diagram] picks one.
//
// Coordinates are the file's: not numbers (NaN, infinities) and values
// beyond ±1e7 are skipped, so that no input makes the picture unbounded.
package render

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// Options configure a picture.
type Options struct {
	// Diagram picks one plane: the id of a bpmndi:BPMNDiagram, of its
	// plane, or of the process, collaboration or sub-process the plane
	// shows. Empty draws every plane.
	Diagram string
	// Paint, when set, is asked for each element drawn (shapes and edges,
	// by BPMN element id) how to paint it over its notation: a report's
	// counts and heat colours.
	Paint func(elementID string) *Paint
}

// Paint is what a report adds to an element's drawing.
type Paint struct {
	// Fill replaces a shape's fill (a CSS colour); Stroke an element's
	// stroke colour.
	Fill, Stroke string
	// Width scales an edge's stroke width (1 = as drawn; up to 6).
	Width float64
	// Badges are small labelled boxes at a shape's top right, in order.
	Badges []Badge
	// Class is added to the element's group (for a report's CSS and
	// script).
	Class string
	// Title is a tooltip.
	Title string
}

// Badge is a count on a shape.
type Badge struct {
	Text  string
	Fill  string // background colour
	Class string
}

// Picture is a rendered model.
type Picture struct {
	SVG []byte
	// Width and Height are the picture's size in diagram units (SVG
	// pixels).
	Width, Height float64
	// Planes are the planes drawn, in order.
	Planes []PlaneInfo
	// Shapes and Edges count the DI shapes and edges drawn.
	Shapes, Edges int
	// Missing lists elements that DI does not draw (a flow node or
	// sequence flow with no shape or edge on any plane).
	Missing []string
	// Skipped lists DI shapes and edges that could not be drawn, and why.
	Skipped []string
}

// PlaneInfo names a plane drawn.
type PlaneInfo struct {
	DiagramID, PlaneID, ElementID, Name string
	Shapes, Edges                       int
}

// ErrNoDI is returned for a file without diagram interchange.
var ErrNoDI = errors.New("the file has no diagram (no bpmndi:BPMNDiagram with shapes): modelers save one; nothing to draw")

// maxCoord bounds coordinates: beyond it a shape is skipped.
const maxCoord = 1e7

// Render draws a parsed model.
func Render(doc *bpmn.Document, o Options) (*Picture, error) {
	planes := planesOf(doc)
	if len(planes) == 0 {
		return nil, ErrNoDI
	}
	if o.Diagram != "" {
		var picked []*plane
		for _, p := range planes {
			if p.matches(o.Diagram) {
				picked = append(picked, p)
			}
		}
		if len(picked) == 0 {
			return nil, fmt.Errorf("no diagram %q in the file; its diagrams are: %s", o.Diagram, planeList(planes))
		}
		planes = picked
	}
	pic := &Picture{}
	c := newCanvas(doc, o)
	y := 0.0
	for i, p := range planes {
		box := c.measure(p.pl)
		if box.empty() {
			box = rect{0, 0, 200, 60}
		}
		titleH := 0.0
		if len(planes) > 1 {
			titleH = 30
		}
		dx, dy := margin-box.x, y+margin+titleH-box.y
		c.beginPlane(p, i, dx, dy, box, len(planes) > 1)
		shapes, edges := c.drawPlane(p.pl)
		c.endPlane()
		pic.Planes = append(pic.Planes, PlaneInfo{DiagramID: p.diagram.ID, PlaneID: p.pl.ID, ElementID: p.pl.BPMNElement, Name: p.name(doc), Shapes: shapes, Edges: edges})
		pic.Shapes += shapes
		pic.Edges += edges
		c.width = max(c.width, box.w+2*margin)
		y += box.h + 2*margin + titleH
	}
	pic.SVG = c.finish(y)
	pic.Width, pic.Height = c.size(y)
	pic.Skipped = c.skipped
	pic.Missing = missing(doc)
	return pic, nil
}

// plane is a diagram's plane, as drawn.
type plane struct {
	diagram *bpmn.Diagram
	pl      *bpmn.Plane
}

func (p *plane) matches(id string) bool {
	return p.diagram.ID == id || p.pl.ID == id || p.pl.BPMNElement == id
}

func (p *plane) name(doc *bpmn.Document) string {
	if b := bpmn.BaseOf(doc.ByID(p.pl.BPMNElement)); b != nil && b.Name != "" {
		return b.Name
	}
	if p.diagram.Name != "" {
		return p.diagram.Name
	}
	return p.pl.BPMNElement
}

func planesOf(doc *bpmn.Document) []*plane {
	var out []*plane
	if doc == nil || doc.Definitions == nil {
		return nil
	}
	for _, d := range doc.Definitions.Diagrams {
		if d.Plane != nil && len(d.Plane.Shapes)+len(d.Plane.Edges) > 0 {
			out = append(out, &plane{diagram: d, pl: d.Plane})
		}
	}
	return out
}

func planeList(planes []*plane) string {
	var ids []string
	for _, p := range planes {
		id := p.diagram.ID
		if id == "" {
			id = p.pl.ID
		}
		if p.pl.BPMNElement != "" {
			id += " (" + p.pl.BPMNElement + ")"
		}
		ids = append(ids, id)
	}
	return strings.Join(ids, ", ")
}

// missing lists the flow nodes and sequence flows no plane draws.
func missing(doc *bpmn.Document) []string {
	drawn := map[string]bool{}
	for _, d := range doc.Definitions.Diagrams {
		if d.Plane == nil {
			continue
		}
		for _, s := range d.Plane.Shapes {
			drawn[s.BPMNElement] = true
		}
		for _, e := range d.Plane.Edges {
			drawn[e.BPMNElement] = true
		}
	}
	var out []string
	var walk func(c *bpmn.Container)
	walk = func(c *bpmn.Container) {
		for _, n := range c.FlowNodes {
			if n.ID != "" && !drawn[n.ID] {
				out = append(out, fmt.Sprintf("%s %s%s has no DI shape", n.Kind, n.ID, named(n.Name)))
			}
			if n.Sub != nil {
				walk(n.Sub)
			}
		}
		for _, f := range c.SequenceFlows {
			if f.ID != "" && !drawn[f.ID] {
				out = append(out, fmt.Sprintf("sequenceFlow %s%s has no DI edge", f.ID, named(f.Name)))
			}
		}
	}
	for _, p := range doc.Definitions.Processes {
		walk(&p.Container)
	}
	return out
}

func named(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", name)
}

// rect is a box in diagram coordinates.
type rect struct{ x, y, w, h float64 }

func (r rect) empty() bool { return r.w <= 0 || r.h <= 0 }

func (r rect) union(o rect) rect {
	if r.empty() {
		return o
	}
	x0, y0 := math.Min(r.x, o.x), math.Min(r.y, o.y)
	x1, y1 := math.Max(r.x+r.w, o.x+o.w), math.Max(r.y+r.h, o.y+o.h)
	return rect{x0, y0, x1 - x0, y1 - y0}
}

func (r rect) cx() float64 { return r.x + r.w/2 }
func (r rect) cy() float64 { return r.y + r.h/2 }

// boundsRect is a DI bounds as a rect; ok is false when it cannot be
// drawn (missing, not numbers, negative, or out of range).
func boundsRect(b *bpmn.Bounds) (rect, bool) {
	if !b.Valid() {
		return rect{}, false
	}
	r := rect{b.X, b.Y, b.Width, b.Height}
	if !finite(r.x, r.y, r.w, r.h) || r.w < 0 || r.h < 0 {
		return rect{}, false
	}
	return r, true
}

// finite reports whether every value is a number within ±maxCoord.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.Abs(v) > maxCoord {
			return false
		}
	}
	return true
}
