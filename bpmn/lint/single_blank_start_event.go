package lint

import "github.com/wfctl/wfctl/bpmn"

// singleBlankStartEvent: with two blank start events it is unclear where
// a process begins.
var singleBlankStartEvent = &Rule{
	ID:          "single-blank-start-event",
	Description: "a process or sub-process has at most one blank start event",
	Check: func(c *Check) {
		scopes(c.Doc.Definitions, func(s scope) {
			blank := 0
			for _, n := range s.c.FlowNodes {
				if n.Kind == bpmn.KindStartEvent && len(n.EventDefinitions) == 0 {
					blank++
				}
			}
			if blank > 1 {
				c.Report(s.base, s.typeName()+" has multiple blank start events")
			}
		})
	},
}
