package lint

import "github.com/wfctl/wfctl/bpmn"

// superfluousTermination: a terminate end event that is the only way a
// scope ends terminates nothing that would not end anyway.
var superfluousTermination = &Rule{
	ID:          "superfluous-termination",
	Description: "a terminate end event is used only where other paths are still running",
	Check: func(c *Check) {
		scopes(c.Doc.Definitions, func(s scope) {
			var ends, terminates []*bpmn.FlowNode
			for _, n := range s.c.FlowNodes {
				if len(n.Outgoing) > 0 {
					continue
				}
				ends = append(ends, n)
				if isTerminateEnd(n) {
					terminates = append(terminates, n)
				}
			}
			if len(terminates) != 1 {
				return
			}
			for _, n := range ends {
				if !isTerminateEnd(n) && !isInterruptingEventSubProcess(n) {
					return
				}
			}
			c.Report(&terminates[0].Base, "Termination is superfluous.")
		})
	},
}

func isTerminateEnd(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindEndEvent && hasDefinition(n, bpmn.KindTerminateEventDefinition)
}

func isInterruptingEventSubProcess(n *bpmn.FlowNode) bool {
	if !n.IsEventSubProcess() {
		return false
	}
	for _, s := range n.Sub.FlowNodes {
		if s.Kind == bpmn.KindStartEvent && s.IsInterrupting {
			return true
		}
	}
	return false
}
