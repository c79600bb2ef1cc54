package lint

import "github.com/wfctl/wfctl/bpmn"

// eventSubProcessTypedStartEvent: an event sub-process starts on an event,
// so its start event must say which.
var eventSubProcessTypedStartEvent = &Rule{
	ID:          "event-sub-process-typed-start-event",
	Description: "the start event of an event sub-process has an event definition",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if !n.IsEventSubProcess() {
				return
			}
			for _, child := range n.Sub.FlowNodes {
				if child.Kind == bpmn.KindStartEvent && len(child.EventDefinitions) == 0 {
					c.Report(&child.Base, "Start event is missing event definition")
				}
			}
		})
	},
}
