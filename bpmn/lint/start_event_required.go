package lint

import "github.com/wfctl/wfctl/bpmn"

// startEventRequired: every process and sub-process (but ad-hoc ones) has
// a start event, so it is clear where it begins.
var startEventRequired = &Rule{
	ID:          "start-event-required",
	Description: "every process and sub-process has a start event",
	Check: func(c *Check) {
		scopes(c.Doc.Definitions, func(s scope) {
			if s.isSubProcess() && s.node.Kind == bpmn.KindAdHocSubProcess {
				return
			}
			if !hasDirect(s.c, bpmn.KindStartEvent) {
				c.Report(s.base, s.typeName()+" is missing start event")
			}
		})
	},
}
