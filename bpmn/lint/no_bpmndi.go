package lint

import "github.com/wfctl/wfctl/bpmn"

// noBpmndi: every element that is drawn has a shape or edge in some
// diagram; without one, modelers silently drop it.
var noBpmndi = &Rule{
	ID:          "no-bpmndi",
	Description: "every visual BPMN element has a shape or edge in a diagram",
	Check: func(c *Check) {
		d := c.Doc.Definitions
		drawn := map[string]bool{}
		for _, dg := range d.Diagrams {
			if dg.Plane == nil {
				continue
			}
			for _, s := range dg.Plane.Shapes {
				drawn[s.BPMNElement] = true
			}
			for _, e := range dg.Plane.Edges {
				drawn[e.BPMNElement] = true
			}
		}
		check := func(b *bpmn.Base) {
			if !drawn[b.ID] {
				c.Report(b, "Element is missing bpmndi")
			}
		}
		for _, co := range d.Collaborations {
			for _, p := range co.Participants {
				check(&p.Base)
			}
			for _, a := range co.Artifacts {
				check(&a.Base)
			}
			for _, mf := range co.MessageFlows {
				check(&mf.Base)
			}
		}
		scopes(d, func(s scope) { visualElements(s.c, check) })
	},
}

// visualElements calls fn for the drawable elements directly in c: flow
// nodes, sequence flows, data references (not data objects), artifacts and
// the lanes of the first lane set.
func visualElements(c *bpmn.Container, fn func(*bpmn.Base)) {
	for _, n := range c.FlowNodes {
		fn(&n.Base)
	}
	for _, f := range c.SequenceFlows {
		fn(&f.Base)
	}
	for _, n := range c.Data {
		if n.Kind != bpmn.KindDataObject {
			fn(&n.Base)
		}
	}
	for _, a := range c.Artifacts {
		fn(&a.Base)
	}
	if len(c.LaneSets) > 0 {
		lanes(c.LaneSets[0], func(l *bpmn.Lane) { fn(&l.Base) })
	}
}
