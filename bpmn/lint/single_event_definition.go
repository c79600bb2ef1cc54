package lint

import "github.com/wfctl/wfctl/bpmn"

// singleEventDefinition: an event with several definitions (BPMN's
// "multiple" event) is rarely meant and rarely supported.
var singleEventDefinition = &Rule{
	ID:          "single-event-definition",
	Description: "an event has at most one event definition",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if n.Kind.IsEvent() && len(n.EventDefinitions) > 1 {
				c.Report(&n.Base, "Event has multiple event definitions")
			}
		})
	},
}
