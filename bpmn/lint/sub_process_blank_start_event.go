package lint

import "github.com/wfctl/wfctl/bpmn"

// subProcessBlankStartEvent: an embedded sub-process starts when the flow
// reaches it, so its start event is blank.
var subProcessBlankStartEvent = &Rule{
	ID:          "sub-process-blank-start-event",
	Description: "the start event of an embedded sub-process is blank",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if n.Sub == nil || n.TriggeredByEvent {
				return
			}
			for _, child := range n.Sub.FlowNodes {
				if child.Kind == bpmn.KindStartEvent && len(child.EventDefinitions) > 0 {
					c.Report(&child.Base, "Start event must be blank")
				}
			}
		})
	},
}
