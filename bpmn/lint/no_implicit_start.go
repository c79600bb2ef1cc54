package lint

import "github.com/wfctl/wfctl/bpmn"

// noImplicitStart: a flow node without incoming flow starts implicitly;
// a start event makes the start explicit.
var noImplicitStart = &Rule{
	ID:          "no-implicit-start",
	Description: "flows start at start events, not at nodes without incoming flows",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if isImplicitStart(n) {
				c.Report(&n.Base, "Element is an implicit start")
			}
		})
	},
}

func isImplicitStart(n *bpmn.FlowNode) bool {
	switch {
	case n.Kind.IsActivity() && n.IsForCompensation,
		inAdHoc(n),
		n.IsEventSubProcess(),
		n.Kind == bpmn.KindIntermediateCatchEvent && allDefinitions(n, bpmn.KindLinkEventDefinition),
		n.Kind == bpmn.KindStartEvent, n.Kind == bpmn.KindBoundaryEvent:
		return false
	}
	return len(n.Incoming) == 0
}
