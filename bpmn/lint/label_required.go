package lint

import (
	"github.com/wfctl/wfctl/bpmn"
)

// labelRequired: readers of a diagram need names on tasks, events,
// deciding gateways, conditional flows, pools and lanes.
var labelRequired = &Rule{
	ID:          "label-required",
	Description: "flow nodes, conditional flows, participants and lanes have a name",
	Check: func(c *Check) {
		d := c.Doc.Definitions
		report := func(b *bpmn.Base) {
			if jsTrim(b.Name) == "" {
				c.Report(b, "Element is missing label/name")
			}
		}
		flowNodes(d, func(n *bpmn.FlowNode) {
			switch {
			case n.Kind == bpmn.KindParallelGateway, n.Kind == bpmn.KindEventBasedGateway,
				n.Kind.IsGateway() && len(n.Outgoing) <= 1,
				n.Kind.IsSubProcess():
				return
			}
			report(&n.Base)
		})
		sequenceFlows(d, func(f *bpmn.SequenceFlow) {
			if f.Condition != nil {
				report(&f.Base)
			}
		})
		for _, co := range d.Collaborations {
			for _, p := range co.Participants {
				report(&p.Base)
			}
		}
		scopes(d, func(s scope) {
			for _, ls := range s.c.LaneSets {
				lanes(ls, func(l *bpmn.Lane) { report(&l.Base) })
			}
		})
	},
}

// lanes calls fn for every lane of ls, child lanes included.
func lanes(ls *bpmn.LaneSet, fn func(*bpmn.Lane)) {
	for _, l := range ls.Lanes {
		fn(l)
		if l.ChildLaneSet != nil {
			lanes(l.ChildLaneSet, fn)
		}
	}
}
