package lint

import "github.com/wfctl/wfctl/bpmn"

// conditionalEvent: in an executable process, a conditional event needs a
// condition to evaluate.
var conditionalEvent = &Rule{
	ID:          "conditional-event",
	Description: "a conditional event in an executable process has a condition",
	Check: func(c *Check) {
		c.ExecutableNodes(func(n *bpmn.FlowNode) {
			if !n.Kind.IsEvent() {
				return
			}
			for _, ed := range n.EventDefinitions {
				if ed.Kind != bpmn.KindConditionalEventDefinition {
					continue
				}
				if ed.Condition == nil || ed.Condition.Text == "" {
					c.Report(&n.Base, "Conditional event is missing a condition")
				}
				return
			}
		})
	},
}
