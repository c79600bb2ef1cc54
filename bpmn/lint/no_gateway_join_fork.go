package lint

import "github.com/wfctl/wfctl/bpmn"

// noGatewayJoinFork: a gateway either joins or forks; doing both in one
// symbol hides which semantics apply to which side.
var noGatewayJoinFork = &Rule{
	ID:          "no-gateway-join-fork",
	Description: "a gateway does not both join and fork",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if n.Kind.IsGateway() && len(n.Incoming) > 1 && len(n.Outgoing) > 1 {
				c.Report(&n.Base, "Gateway forks and joins")
			}
		})
	},
}
