package lint

import "github.com/wfctl/wfctl/bpmn"

// noDuplicateSequenceFlows: two flows with the same source, target and
// condition are one flow drawn twice, and make the target run twice.
var noDuplicateSequenceFlows = &Rule{
	ID:          "no-duplicate-sequence-flows",
	Description: "no two sequence flows have the same source, target and condition",
	Check: func(c *Check) {
		seen := map[string]bool{}
		sources, targets := map[string]bool{}, map[string]bool{}
		sequenceFlows(c.Doc.Definitions, func(f *bpmn.SequenceFlow) {
			key := flowEnd(f, f.Source) + "#" + flowEnd(f, f.Target) + "#" + conditionBody(f)
			if !seen[key] {
				seen[key] = true
				return
			}
			c.Report(&f.Base, "SequenceFlow is a duplicate")
			if f.Source != nil && !sources[f.Source.ID] {
				sources[f.Source.ID] = true
				c.Report(&f.Source.Base, "Duplicate outgoing sequence flows")
			}
			if f.Target != nil && !targets[f.Target.ID] {
				targets[f.Target.ID] = true
				c.Report(&f.Target.Base, "Duplicate incoming sequence flows")
			}
		})
	},
}

func flowEnd(f *bpmn.SequenceFlow, n *bpmn.FlowNode) string {
	if n == nil {
		return f.ID
	}
	return n.ID
}

func conditionBody(f *bpmn.SequenceFlow) string {
	if f.Condition == nil {
		return ""
	}
	if f.Condition.Text == "" {
		return "undefined"
	}
	return f.Condition.Text
}
