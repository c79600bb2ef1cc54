package lint

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleSequenceFlowCondition checks conditions where Zeebe evaluates them:
// every flow out of an exclusive or inclusive gateway with more than one
// outgoing flow has a condition or is the gateway's default (bpmnlint's
// conditional-flows misses a gateway with neither), a gateway's default
// flow starts at that gateway, and no other flow carries a condition
// (Zeebe does not evaluate it, so it would silently not apply).
const RuleSequenceFlowCondition = "wfctl/sequence-flow-condition"

var engineSequenceFlowCondition = &Rule{
	ID:          RuleSequenceFlowCondition,
	Description: "flows out of forking exclusive and inclusive gateways have a condition or are the default, and only they have conditions",
	Check:       checkSequenceFlowConditions,
}

func engIsDecisionGateway(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindExclusiveGateway || n.Kind == bpmn.KindInclusiveGateway
}

func checkSequenceFlowConditions(c *Check) {
	c.engSequenceFlows(func(f *bpmn.SequenceFlow) {
		src := f.Source
		switch {
		case src == nil:
		case f.Condition != nil && !engIsDecisionGateway(src):
			c.Report(&f.Base, fmt.Sprintf("%s out of %s has a condition, which Camunda 8 evaluates only on flows out of exclusive and inclusive gateways: remove the condition, or route the flow through a gateway", engFlowLabel(f), engLabel(src)))
		case f.Condition == nil && engIsDecisionGateway(src) && len(src.Outgoing) > 1 && src.Default != f:
			c.Report(&f.Base, fmt.Sprintf("%s out of %s, which has %d outgoing flows, has no condition and is not the gateway's default: add a <bpmn:conditionExpression> or make it the default flow (default=%q on the gateway)", engFlowLabel(f), engLabel(src), len(src.Outgoing), f.ID))
		}
	})
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		if engIsDecisionGateway(n) && n.Default != nil && n.Default.Source != n {
			c.Report(&n.Base, fmt.Sprintf("the default flow %s of %s does not start at the gateway: name one of its outgoing flows", engName(&n.Default.Base), engLabel(n)))
		}
	})
}
