package lint

import "github.com/wfctl/wfctl/bpmn"

// adHocSubProcess: an ad-hoc sub-process has neither start nor end events;
// its activities start when activated.
var adHocSubProcess = &Rule{
	ID:          "ad-hoc-sub-process",
	Description: "an ad-hoc sub-process contains no start or end events",
	Check: func(c *Check) {
		flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
			if n.Kind != bpmn.KindAdHocSubProcess {
				return
			}
			for _, child := range n.Sub.FlowNodes {
				switch child.Kind {
				case bpmn.KindStartEvent:
					c.Report(&child.Base, "A <Start Event> is not allowed in <Ad Hoc Sub Process>")
				case bpmn.KindEndEvent:
					c.Report(&child.Base, "An <End Event> is not allowed in <Ad Hoc Sub Process>")
				}
			}
		})
	},
}
