package lint

import "github.com/wfctl/wfctl/bpmn"

// noImplicitSplit: several unconditional flows out of an activity or event
// run in parallel; a parallel gateway says so explicitly.
var noImplicitSplit = &Rule{
	ID:          "no-implicit-split",
	Description: "activities and events do not split the flow without conditions; use a gateway",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if !n.Kind.IsActivity() && !n.Kind.IsEvent() {
				return
			}
			plain := 0
			for _, f := range n.Outgoing {
				if f.Condition == nil && !isDefault(n, f) {
					plain++
				}
			}
			if plain > 1 {
				c.Report(&n.Base, "Flow splits implicitly")
			}
		})
	},
}
