package lint

import "github.com/wfctl/wfctl/bpmn"

// eventBasedGateway: an event-based gateway chooses between at least two
// events, and its flows carry no conditions (the events decide).
var eventBasedGateway = &Rule{
	ID:          "event-based-gateway",
	Description: "an event-based gateway has at least two unconditional outgoing flows",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if n.Kind != bpmn.KindEventBasedGateway {
				return
			}
			if len(n.Outgoing) < 2 {
				c.Report(&n.Base, "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>")
			}
			for _, f := range n.Outgoing {
				if f.Condition != nil {
					c.Report(&f.Base, "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional")
				}
			}
		})
	},
}
