package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleMultipleNoneStartEvents allows one none start event per process
// (Zeebe: "Multiple none start events are not allowed"): creating an
// instance without a message, timer or signal starts at the none start
// event, so there can be only one. Start events of sub-processes are not
// counted; wfctl/sub-process-start-event checks them.
const RuleMultipleNoneStartEvents = "wfctl/multiple-none-start-events"

var engineMultipleNoneStartEvents = &Rule{
	ID:          RuleMultipleNoneStartEvents,
	Description: "an executable process has at most one none start event",
	Check:       checkMultipleNoneStartEvents,
}

func checkMultipleNoneStartEvents(c *Check) {
	for _, p := range c.Executable() {
		var nones []*bpmn.FlowNode
		for _, n := range p.FlowNodes {
			if n.Kind == bpmn.KindStartEvent && len(n.EventDefinitions) == 0 {
				nones = append(nones, n)
			}
		}
		if len(nones) < 2 {
			continue
		}
		names := make([]string, len(nones))
		for i, n := range nones {
			names[i] = engName(&n.Base)
		}
		for _, n := range nones {
			c.Report(&n.Base, fmt.Sprintf("%s has %d none start events (%s); Camunda 8 allows one: merge them, or give the others a message, timer or signal definition", engProcessLabel(p), len(nones), strings.Join(names, ", ")))
		}
	}
}
