package lint

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleSubProcessStartEvent checks the start of sub-processes as Zeebe
// does: an embedded or event sub-process has exactly one start event (an
// ad-hoc sub-process needs none); embedded and ad-hoc sub-processes start
// when the flow reaches them, so their start events are none start
// events; an event sub-process is started by its event, so its start
// event is typed.
const RuleSubProcessStartEvent = "wfctl/sub-process-start-event"

var engineSubProcessStartEvent = &Rule{
	ID:          RuleSubProcessStartEvent,
	Description: "embedded sub-processes have one none start event, event sub-processes one typed start event",
	Check:       checkSubProcessStartEvents,
}

func checkSubProcessStartEvents(c *Check) {
	c.ExecutableNodes(func(sp *bpmn.FlowNode) {
		if sp.Kind != bpmn.KindSubProcess && sp.Kind != bpmn.KindAdHocSubProcess {
			return // transactions are wfctl/element-type's
		}
		var starts []*bpmn.FlowNode
		for _, n := range sp.Sub.FlowNodes {
			if n.Kind == bpmn.KindStartEvent {
				starts = append(starts, n)
			}
		}
		if len(starts) != 1 && sp.Kind == bpmn.KindSubProcess {
			c.Report(&sp.Base, fmt.Sprintf("%s has %d start events: Camunda 8 needs exactly one", engLabel(sp), len(starts)))
		}
		for _, s := range starts {
			typed := len(s.EventDefinitions) > 0
			switch {
			case sp.IsEventSubProcess() && !typed:
				c.Report(&s.Base, fmt.Sprintf("%s of %s has no event definition: an event sub-process starts on an event; add a message, timer, error, signal or escalation definition", engLabel(s), engLabel(sp)))
			case !sp.IsEventSubProcess() && typed:
				c.Report(&s.Base, fmt.Sprintf("%s of %s has an event definition, but a sub-process other than an event sub-process starts when the flow reaches it: make it a none start event (react to events with a boundary event or an event sub-process)", engLabel(s), engLabel(sp)))
			}
		}
	})
}
