package lint

import (
	"github.com/wfctl/wfctl/bpmn"
)

// superfluousLabel: a label on a plain sequence flow reads like a
// condition that is not there.
var superfluousLabel = &Rule{
	ID:          "superfluous-label",
	Description: "only conditional, default and deciding gateway flows are labelled",
	Check: func(c *Check) {
		sequenceFlows(c.Doc.Definitions, func(f *bpmn.SequenceFlow) {
			if jsTrim(f.Name) == "" || f.Condition != nil {
				return
			}
			if src := f.Source; src != nil {
				decides := src.Kind == bpmn.KindExclusiveGateway || src.Kind == bpmn.KindInclusiveGateway
				if isDefault(src, f) || (decides && len(src.Outgoing) > 1) {
					return
				}
			}
			c.Report(&f.Base, "Sequence flow has superfluous label")
		})
	},
}
