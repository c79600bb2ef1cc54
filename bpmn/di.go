package bpmn

import "strconv"

// Diagram is a bpmndi:BPMNDiagram with its plane.
type Diagram struct {
	Base
	Plane *Plane
}

// Plane is a bpmndi:BPMNPlane: the shapes and edges drawn for one process,
// collaboration or sub-process.
type Plane struct {
	Base
	BPMNElement string
	Shapes      []*Shape
	Edges       []*Edge
}

// Bounds is a dc:Bounds rectangle.
type Bounds struct {
	X, Y, Width, Height float64
}

// Point is a di:waypoint.
type Point struct{ X, Y float64 }

// Shape is a bpmndi:BPMNShape.
type Shape struct {
	Base
	BPMNElement  string
	Bounds       *Bounds
	Label        *Bounds
	IsExpanded   *bool
	IsHorizontal *bool
}

// Edge is a bpmndi:BPMNEdge.
type Edge struct {
	Base
	BPMNElement string
	Waypoints   []Point
	Label       *Bounds
}

func (p *parser) parseDiagram(el *xnode) *Diagram {
	d := &Diagram{Base: p.base(el)}
	for _, c := range el.children {
		if c.ns == nsBPMNDI && c.local == "BPMNPlane" {
			d.Plane = p.parsePlane(c)
			break
		}
	}
	return d
}

func (p *parser) parsePlane(el *xnode) *Plane {
	pl := &Plane{Base: p.base(el), BPMNElement: attr(el, "bpmnElement")}
	for _, c := range el.children {
		if c.ns != nsBPMNDI {
			continue
		}
		switch c.local {
		case "BPMNShape":
			pl.Shapes = append(pl.Shapes, p.parseShape(c))
		case "BPMNEdge":
			pl.Edges = append(pl.Edges, p.parseEdge(c))
		}
	}
	return pl
}

func (p *parser) parseShape(el *xnode) *Shape {
	s := &Shape{Base: p.base(el), BPMNElement: attr(el, "bpmnElement")}
	s.IsExpanded = optBool(el, "isExpanded")
	s.IsHorizontal = optBool(el, "isHorizontal")
	for _, c := range el.children {
		switch {
		case c.ns == nsDC && c.local == "Bounds":
			s.Bounds = parseBounds(c)
		case c.ns == nsBPMNDI && c.local == "BPMNLabel":
			s.Label = p.labelBounds(c)
		}
	}
	return s
}

func (p *parser) parseEdge(el *xnode) *Edge {
	e := &Edge{Base: p.base(el), BPMNElement: attr(el, "bpmnElement")}
	for _, c := range el.children {
		switch {
		case c.ns == nsDI && c.local == "waypoint":
			e.Waypoints = append(e.Waypoints, Point{X: attrFloat(c, "x"), Y: attrFloat(c, "y")})
		case c.ns == nsBPMNDI && c.local == "BPMNLabel":
			e.Label = p.labelBounds(c)
		}
	}
	return e
}

func (p *parser) labelBounds(el *xnode) *Bounds {
	for _, c := range el.children {
		if c.ns == nsDC && c.local == "Bounds" {
			return parseBounds(c)
		}
	}
	return nil
}

func parseBounds(el *xnode) *Bounds {
	return &Bounds{X: attrFloat(el, "x"), Y: attrFloat(el, "y"), Width: attrFloat(el, "width"), Height: attrFloat(el, "height")}
}

func attrFloat(el *xnode, name string) float64 {
	f, _ := strconv.ParseFloat(attr(el, name), 64)
	return f
}

func optBool(el *xnode, name string) *bool {
	if !hasAttr(el, name) {
		return nil
	}
	b := attr(el, name) == "true"
	return &b
}
