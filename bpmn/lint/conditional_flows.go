package lint

import "github.com/wfctl/wfctl/bpmn"

// conditionalFlows: once a node's outgoing flows are conditional (one has
// a condition, or the node has a default flow), every other outgoing flow
// needs a condition too.
var conditionalFlows = &Rule{
	ID:          "conditional-flows",
	Description: "outgoing flows of a conditional fork all have conditions, except the default flow",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if !isConditionalFork(n) {
				return
			}
			for _, f := range n.Outgoing {
				if f.Condition == nil && !isDefault(n, f) {
					c.Report(&f.Base, "Sequence flow is missing condition")
				}
			}
		})
	},
}

func isConditionalFork(n *bpmn.FlowNode) bool {
	if n.Default != nil {
		return true
	}
	for _, f := range n.Outgoing {
		if f.Condition != nil {
			return true
		}
	}
	return false
}
