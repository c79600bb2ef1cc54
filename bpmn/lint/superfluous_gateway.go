package lint

import "github.com/wfctl/wfctl/bpmn"

// superfluousGateway: a gateway with one way in and one way out decides
// nothing.
var superfluousGateway = &Rule{
	ID:          "superfluous-gateway",
	Description: "a gateway has more than one incoming or outgoing flow",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if n.Kind.IsGateway() && len(n.Incoming) == 1 && len(n.Outgoing) == 1 {
				c.Report(&n.Base, "Gateway is superfluous. It only has one source and target.")
			}
		})
	},
}
