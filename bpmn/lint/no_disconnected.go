package lint

import "github.com/wfctl/wfctl/bpmn"

// noDisconnected: an element with no flow in or out can never run.
var noDisconnected = &Rule{
	ID:          "no-disconnected",
	Description: "every task, gateway, sub-process and event is connected by a sequence flow",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			k := n.Kind
			if !(k.IsTask() || k.IsGateway() || k.IsSubProcess() || k.IsEvent()) || n.TriggeredByEvent {
				return
			}
			// Compensation handlers and compensation boundary events are
			// linked by associations, and activities of an ad-hoc
			// sub-process need no flows.
			if isCompensationBoundary(n) || n.IsForCompensation || inAdHoc(n) {
				return
			}
			if len(n.Incoming) == 0 && len(n.Outgoing) == 0 {
				c.Report(&n.Base, "Element is not connected")
			}
		})
	},
}

func isCompensationBoundary(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindBoundaryEvent && len(n.EventDefinitions) == 1 &&
		n.EventDefinitions[0].Kind == bpmn.KindCompensateEventDefinition
}
