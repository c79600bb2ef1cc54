package lint

import (
	"math"
	"sort"

	"github.com/wfctl/wfctl/bpmn"
)

// noOverlappingElements: shapes that overlap, or that stick out of their
// pool or expanded sub-process, make a diagram misleading.
var noOverlappingElements = &Rule{
	ID:          "no-overlapping-elements",
	Description: "shapes do not overlap each other or leave their pool or sub-process",
	Check: func(c *Check) {
		d := c.Doc.Definitions
		shapes := shapesByElement(d)
		overlaps, outside := map[*bpmn.Base]bool{}, map[*bpmn.Base]bool{}
		var order []*bpmn.Base
		note := func(set map[*bpmn.Base]bool, b *bpmn.Base) {
			if !overlaps[b] && !outside[b] {
				order = append(order, b)
			}
			set[b] = true
		}
		poolOf := map[*bpmn.Process]*bpmn.Shape{}
		for _, co := range d.Collaborations {
			var items []placed
			for _, p := range co.Participants {
				items = append(items, placed{b: &p.Base, shape: shapes[p.ID]})
				if p.Process != nil {
					poolOf[p.Process] = shapes[p.ID]
				}
			}
			markOverlaps(items, func(b *bpmn.Base) { note(overlaps, b) })
		}
		scopes(d, func(s scope) {
			var boundary *bpmn.Shape
			if s.isSubProcess() {
				if sh := shapes[s.node.ID]; sh != nil && sh.IsExpanded != nil && *sh.IsExpanded {
					boundary = sh
				}
			} else {
				boundary = poolOf[s.process]
			}
			items := placedElements(s.c, shapes)
			markOverlaps(items, func(b *bpmn.Base) { note(overlaps, b) })
			for _, it := range items {
				if it.dataStore || boundary == nil || !it.shape.Bounds.Valid() || !boundary.Bounds.Valid() {
					continue
				}
				if !inside(it.shape.Bounds, boundary.Bounds) {
					note(outside, it.b)
				}
			}
		})
		for _, b := range order {
			if overlaps[b] {
				c.Report(b, "Element overlaps with other element")
			}
			if outside[b] {
				c.Report(b, "Element is outside of parent boundary")
			}
		}
	},
}

// placed is an element with its shape.
type placed struct {
	b         *bpmn.Base
	shape     *bpmn.Shape
	host      *bpmn.Base // a boundary event's activity
	dataStore bool
}

func placedElements(c *bpmn.Container, shapes map[string]*bpmn.Shape) []placed {
	var out []placed
	add := func(p placed) {
		if p.shape != nil {
			out = append(out, p)
		}
	}
	for _, n := range c.FlowNodes {
		p := placed{b: &n.Base, shape: shapes[n.ID]}
		if n.AttachedTo != nil {
			p.host = &n.AttachedTo.Base
		}
		add(p)
	}
	for _, n := range c.Data {
		add(placed{b: &n.Base, shape: shapes[n.ID], dataStore: n.Kind == bpmn.KindDataStoreReference})
	}
	return out
}

// markOverlaps finds colliding shapes with a sweep over their left edges;
// a boundary event touching its own host is fine.
func markOverlaps(items []placed, mark func(*bpmn.Base)) {
	type box struct {
		placed
		left, right, top, bottom float64
	}
	var boxes []box
	for _, it := range items {
		if it.shape == nil {
			continue
		}
		b := it.shape.Bounds
		if !b.Valid() || math.IsNaN(b.X) || math.IsNaN(b.X+b.Width) {
			continue
		}
		boxes = append(boxes, box{it, b.X, b.X + b.Width, b.Y, b.Y + b.Height})
	}
	sort.SliceStable(boxes, func(i, j int) bool { return boxes[i].left < boxes[j].left })
	for i, a := range boxes {
		for _, o := range boxes[i+1:] {
			if o.left > a.right {
				break
			}
			if a.right >= o.left && o.right >= a.left && a.bottom >= o.top && o.bottom >= a.top &&
				a.host != o.b && o.host != a.b {
				mark(a.b)
				mark(o.b)
			}
		}
	}
}

func inside(child, parent *bpmn.Bounds) bool {
	return child.X >= parent.X && child.Y >= parent.Y &&
		child.X+child.Width <= parent.X+parent.Width && child.Y+child.Height <= parent.Y+parent.Height
}

// shapesByElement maps element ids to their shapes; the last shape wins,
// as in bpmnlint.
func shapesByElement(d *bpmn.Definitions) map[string]*bpmn.Shape {
	m := map[string]*bpmn.Shape{}
	for _, dg := range d.Diagrams {
		if dg.Plane == nil {
			continue
		}
		for _, s := range dg.Plane.Shapes {
			if s.BPMNElement != "" {
				m[s.BPMNElement] = s
			}
		}
	}
	return m
}
