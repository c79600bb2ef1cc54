package lint

import "github.com/wfctl/wfctl/bpmn"

// fakeJoin: several flows into an activity or event do not wait for each
// other; a parallel gateway joins, an exclusive one merges explicitly.
var fakeJoin = &Rule{
	ID:          "fake-join",
	Description: "activities and events have at most one incoming flow; join with a gateway",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if (n.Kind.IsActivity() || n.Kind.IsEvent()) && len(n.Incoming) > 1 {
				c.Report(&n.Base, "Incoming flows do not join")
			}
		})
	},
}
