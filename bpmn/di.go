package bpmn

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

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

// Bounds is a dc:Bounds rectangle. Numbers are read leniently, as
// JavaScript's parseFloat does (bpmn-js and bpmnlint read them that way):
// x and y default to 0, a missing width or height is NaN, and text that
// is not a number is NaN.
type Bounds struct {
	X, Y, Width, Height float64
}

// Valid reports whether the bounds have a width and a height.
func (b *Bounds) Valid() bool {
	return b != nil && !math.IsNaN(b.Width) && !math.IsNaN(b.Height)
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
	// A diagram has one plane. When a file has several, bpmn-moddle (and so
	// bpmn-js and bpmnlint) keeps the last; so do we.
	for _, c := range el.children {
		if c.ns == nsBPMNDI && c.local == "BPMNPlane" {
			d.Plane = p.parsePlane(c)
		}
	}
	return d
}

func (p *parser) parsePlane(el *xnode) *Plane {
	pl := &Plane{Base: p.base(el), BPMNElement: p.ref(el, "bpmnElement")}
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
	s := &Shape{Base: p.base(el), BPMNElement: p.ref(el, "bpmnElement")}
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
	e := &Edge{Base: p.base(el), BPMNElement: p.ref(el, "bpmnElement")}
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
	b := &Bounds{X: attrFloat(el, "x"), Y: attrFloat(el, "y"), Width: attrFloat(el, "width"), Height: attrFloat(el, "height")}
	if !hasAttr(el, "x") {
		b.X = 0
	}
	if !hasAttr(el, "y") {
		b.Y = 0
	}
	return b
}

// attrFloat parses a number attribute as JavaScript's parseFloat does: the
// longest numeric prefix after leading white space, NaN when there is none.
func attrFloat(el *xnode, name string) float64 {
	return lenientFloat(attr(el, name))
}

func lenientFloat(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	end := numberPrefix(s)
	if end == 0 {
		if strings.HasPrefix(s, "Infinity") || strings.HasPrefix(s, "+Infinity") {
			return math.Inf(1)
		}
		if strings.HasPrefix(s, "-Infinity") {
			return math.Inf(-1)
		}
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s[:end], 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return math.NaN()
	}
	return f
}

// numberPrefix returns the length of the longest prefix of s that is a
// decimal number: sign, digits, fraction, exponent.
func numberPrefix(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j, digits = j+1, digits+1
		}
		i = j
	}
	if digits == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i
}

func optBool(el *xnode, name string) *bool {
	if !hasAttr(el, name) {
		return nil
	}
	b := attr(el, name) == "true"
	return &b
}
