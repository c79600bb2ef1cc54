package lint

import (
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// This file names model elements in engine rule messages: `service task
// "Charge card"`, `timer boundary event Event_1`. Messages name an element
// by its name when it has one (what a modeler sees), else by its id.

var engKindWords = map[bpmn.Kind]string{
	bpmn.KindStartEvent:             "start event",
	bpmn.KindEndEvent:               "end event",
	bpmn.KindIntermediateCatchEvent: "intermediate catch event",
	bpmn.KindIntermediateThrowEvent: "intermediate throw event",
	bpmn.KindBoundaryEvent:          "boundary event",
	bpmn.KindImplicitThrowEvent:     "implicit throw event",
	bpmn.KindTask:                   "task",
	bpmn.KindServiceTask:            "service task",
	bpmn.KindSendTask:               "send task",
	bpmn.KindReceiveTask:            "receive task",
	bpmn.KindUserTask:               "user task",
	bpmn.KindManualTask:             "manual task",
	bpmn.KindBusinessRuleTask:       "business rule task",
	bpmn.KindScriptTask:             "script task",
	bpmn.KindSubProcess:             "sub-process",
	bpmn.KindAdHocSubProcess:        "ad-hoc sub-process",
	bpmn.KindTransaction:            "transaction",
	bpmn.KindCallActivity:           "call activity",
	bpmn.KindExclusiveGateway:       "exclusive gateway",
	bpmn.KindInclusiveGateway:       "inclusive gateway",
	bpmn.KindParallelGateway:        "parallel gateway",
	bpmn.KindEventBasedGateway:      "event-based gateway",
	bpmn.KindComplexGateway:         "complex gateway",
}

var engDefinitionWords = map[bpmn.Kind]string{
	bpmn.KindMessageEventDefinition:     "message",
	bpmn.KindTimerEventDefinition:       "timer",
	bpmn.KindErrorEventDefinition:       "error",
	bpmn.KindSignalEventDefinition:      "signal",
	bpmn.KindEscalationEventDefinition:  "escalation",
	bpmn.KindCompensateEventDefinition:  "compensation",
	bpmn.KindConditionalEventDefinition: "conditional",
	bpmn.KindLinkEventDefinition:        "link",
	bpmn.KindTerminateEventDefinition:   "terminate",
	bpmn.KindCancelEventDefinition:      "cancel",
}

// engKind is what a node is, in words: "service task", "event
// sub-process", "timer boundary event" (an event's first definition
// qualifies it).
func engKind(n *bpmn.FlowNode) string {
	if n.IsEventSubProcess() {
		return "event sub-process"
	}
	w, ok := engKindWords[n.Kind]
	if !ok {
		w = n.Type
	}
	if n.Kind.IsEvent() && len(n.EventDefinitions) > 0 {
		w = engDefinitionWords[n.EventDefinitions[0].Kind] + " " + w
	}
	return w
}

// engName is an element's name in quotes, or its id when it has no name.
func engName(b *bpmn.Base) string {
	if name := strings.TrimSpace(b.Name); name != "" {
		return strconv.Quote(name)
	}
	if b.ID != "" {
		return b.ID
	}
	return "<" + b.Type + ">"
}

// engLabel is `service task "Charge card"`.
func engLabel(n *bpmn.FlowNode) string { return engKind(n) + " " + engName(&n.Base) }

// engFlowLabel is `sequence flow "approved"` or `sequence flow Flow_1`.
func engFlowLabel(f *bpmn.SequenceFlow) string { return "sequence flow " + engName(&f.Base) }

// engProcessLabel is `process "Order"`.
func engProcessLabel(p *bpmn.Process) string { return "process " + engName(&p.Base) }

// engScopeLabel names the process or sub-process directly holding n.
func engScopeLabel(n *bpmn.FlowNode) string {
	if n.Parent != nil {
		return engLabel(n.Parent)
	}
	return engProcessLabel(n.Process)
}

// engDefinitionList is "message, timer" for an event's definitions.
func engDefinitionList(n *bpmn.FlowNode) string {
	words := make([]string, len(n.EventDefinitions))
	for i, ed := range n.EventDefinitions {
		words[i] = engDefinitionWords[ed.Kind]
	}
	return strings.Join(words, ", ")
}

// engHasDefinition reports whether one of n's event definitions is of kind k.
func engHasDefinition(n *bpmn.FlowNode, k bpmn.Kind) bool {
	for _, ed := range n.EventDefinitions {
		if ed.Kind == k {
			return true
		}
	}
	return false
}

// engSequenceFlows calls fn for every sequence flow of the executable
// processes.
func (c *Check) engSequenceFlows(fn func(*bpmn.SequenceFlow)) {
	for _, p := range c.Executable() {
		p.SequenceFlowsDeep(fn)
	}
}

// engScopes calls fn for the flow nodes directly in each executable
// process and in each of their sub-processes; owner is nil for a process.
func (c *Check) engScopes(fn func(owner *bpmn.FlowNode, p *bpmn.Process, nodes []*bpmn.FlowNode)) {
	var walk func(owner *bpmn.FlowNode, p *bpmn.Process, ct *bpmn.Container)
	walk = func(owner *bpmn.FlowNode, p *bpmn.Process, ct *bpmn.Container) {
		fn(owner, p, ct.FlowNodes)
		for _, n := range ct.FlowNodes {
			if n.Sub != nil {
				walk(n, p, n.Sub)
			}
		}
	}
	for _, p := range c.Executable() {
		walk(nil, p, &p.Container)
	}
}
