package lint

import "github.com/wfctl/wfctl/bpmn"

// noImplicitEnd: a flow node without outgoing flow ends its path
// implicitly; an end event makes the end explicit.
var noImplicitEnd = &Rule{
	ID:          "no-implicit-end",
	Description: "flows end at end events, not at nodes without outgoing flows",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if isImplicitEnd(n) {
				c.Report(&n.Base, "Element is an implicit end")
			}
		})
	},
}

func isImplicitEnd(n *bpmn.FlowNode) bool {
	switch {
	case n.IsEventSubProcess(),
		n.Kind == bpmn.KindIntermediateThrowEvent && allDefinitions(n, bpmn.KindLinkEventDefinition),
		inAdHoc(n),
		n.Kind == bpmn.KindEndEvent,
		n.Kind == bpmn.KindBoundaryEvent && allDefinitions(n, bpmn.KindCompensateEventDefinition) && hasCompensationAssociation(n),
		n.Kind.IsActivity() && n.IsForCompensation:
		return false
	}
	return len(n.Outgoing) == 0
}

// hasCompensationAssociation reports whether an association of the
// node's process starts at the node (linking a compensation handler).
func hasCompensationAssociation(n *bpmn.FlowNode) bool {
	for _, a := range n.Process.Artifacts {
		if a.Kind == bpmn.KindAssociation && a.SourceRef == n.ID {
			return true
		}
	}
	return false
}
