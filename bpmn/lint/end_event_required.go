package lint

import "github.com/wfctl/wfctl/bpmn"

// endEventRequired: every process and sub-process (but ad-hoc ones) has an
// end event, so it is clear where it completes.
var endEventRequired = &Rule{
	ID:          "end-event-required",
	Description: "every process and sub-process has an end event",
	Check: func(c *Check) {
		scopes(c.Doc.Definitions, func(s scope) {
			if s.isSubProcess() && s.node.Kind == bpmn.KindAdHocSubProcess {
				return
			}
			if !hasDirect(s.c, bpmn.KindEndEvent) {
				c.Report(s.base, s.typeName()+" is missing end event")
			}
		})
	},
}

// hasDirect reports whether c directly holds a flow node of kind k.
func hasDirect(c *bpmn.Container, k bpmn.Kind) bool {
	for _, n := range c.FlowNodes {
		if n.Kind == k {
			return true
		}
	}
	return false
}
