package lint

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/wfctl/wfctl/bpmn"
)

// RuleElementType rejects what Camunda 8.8 cannot run: element types it
// does not implement (transactions, complex gateways, unknown elements),
// event definitions an event kind does not support there (conditional
// events come with 8.9; cancel events and compensation event
// sub-processes never), catch events without a definition, events with
// several definitions, non-interrupting events of a kind that can only
// interrupt, and standard loops.
const RuleElementType = "wfctl/element-type"

var engineElementType = &Rule{
	ID:          RuleElementType,
	Description: "executable processes use only element types and event definitions Camunda 8.8 supports",
	Check:       checkElementType,
}

// engNoDefinition stands for "no event definition" in eventSupport.
const engNoDefinition = bpmn.KindUnknown

// eventSupport lists, per event kind, the event definitions Camunda 8.8
// runs there (bpmnlint-plugin-camunda-compat's camunda-cloud-8-8 element
// table, which follows Zeebe's validators).
var eventSupport = map[bpmn.Kind]map[bpmn.Kind]bool{
	bpmn.KindStartEvent: engKinds(engNoDefinition, bpmn.KindMessageEventDefinition, bpmn.KindTimerEventDefinition,
		bpmn.KindErrorEventDefinition, bpmn.KindSignalEventDefinition, bpmn.KindEscalationEventDefinition),
	bpmn.KindIntermediateCatchEvent: engKinds(bpmn.KindMessageEventDefinition, bpmn.KindTimerEventDefinition,
		bpmn.KindSignalEventDefinition, bpmn.KindLinkEventDefinition),
	bpmn.KindIntermediateThrowEvent: engKinds(engNoDefinition, bpmn.KindMessageEventDefinition, bpmn.KindSignalEventDefinition,
		bpmn.KindEscalationEventDefinition, bpmn.KindCompensateEventDefinition, bpmn.KindLinkEventDefinition),
	bpmn.KindBoundaryEvent: engKinds(bpmn.KindMessageEventDefinition, bpmn.KindTimerEventDefinition,
		bpmn.KindErrorEventDefinition, bpmn.KindSignalEventDefinition, bpmn.KindEscalationEventDefinition,
		bpmn.KindCompensateEventDefinition),
	bpmn.KindEndEvent: engKinds(engNoDefinition, bpmn.KindMessageEventDefinition, bpmn.KindErrorEventDefinition,
		bpmn.KindSignalEventDefinition, bpmn.KindEscalationEventDefinition, bpmn.KindCompensateEventDefinition,
		bpmn.KindTerminateEventDefinition),
}

// engNonInterruptingKinds are the definitions a non-interrupting boundary event or
// event sub-process start may have (Zeebe's ModelUtil).
var engNonInterruptingKinds = engKinds(bpmn.KindMessageEventDefinition, bpmn.KindTimerEventDefinition,
	bpmn.KindSignalEventDefinition, bpmn.KindEscalationEventDefinition)

func engKinds(ks ...bpmn.Kind) map[bpmn.Kind]bool {
	m := make(map[bpmn.Kind]bool, len(ks))
	for _, k := range ks {
		m[k] = true
	}
	return m
}

var unsupportedElements = map[bpmn.Kind]string{
	bpmn.KindTransaction:        "transactions are not supported by Camunda 8: use an embedded sub-process, with compensation if steps must be undone",
	bpmn.KindComplexGateway:     "complex gateways are not supported by Camunda 8: use an inclusive, exclusive or parallel gateway",
	bpmn.KindImplicitThrowEvent: "implicit throw events are not supported by Camunda 8: use an intermediate throw event",
}

func checkElementType(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		if why, bad := unsupportedElements[n.Kind]; bad {
			c.Report(&n.Base, engLabel(n)+": "+why)
		}
		if eventSupport[n.Kind] != nil {
			checkEventSupport(c, n)
		}
		if n.Loop != nil && !n.Loop.MultiInstance {
			c.Report(&n.Base, engLabel(n)+" has standard loop characteristics, which Camunda 8 does not support: use a sequential multi-instance (<bpmn:multiInstanceLoopCharacteristics isSequential=\"true\">) instead")
		}
	})
	checkUnknownElements(c)
}

func checkEventSupport(c *Check, n *bpmn.FlowNode) {
	allowed := eventSupport[n.Kind]
	defs := n.EventDefinitions
	if len(defs) > 1 {
		c.Report(&n.Base, fmt.Sprintf("%s has %d event definitions (%s): Camunda 8 allows exactly one per event; split it into separate events", engLabel(n), len(defs), engDefinitionList(n)))
	}
	if len(defs) == 0 && !allowed[engNoDefinition] {
		msg := engLabel(n) + " has no event definition, which Camunda 8 does not allow for " + engKindWords[n.Kind] + "s: add one (a message, timer or signal definition, for example)"
		if len(n.EventDefinitionRefs) > 0 {
			msg += "; Camunda 8 ignores <bpmn:eventDefinitionRef>, so define the event definition inside the event"
		}
		c.Report(&n.Base, msg)
	}
	for _, ed := range defs {
		if msg := unsupportedDefinition(n, ed.Kind, allowed); msg != "" {
			c.Report(&n.Base, msg)
		}
	}
}

func unsupportedDefinition(n *bpmn.FlowNode, k bpmn.Kind, allowed map[bpmn.Kind]bool) string {
	kind, what := engKindWords[n.Kind], engDefinitionWords[k]
	switch {
	case k == bpmn.KindConditionalEventDefinition:
		return fmt.Sprintf("%s: conditional events need Camunda 8.9 or newer; 8.8 rejects them", engLabel(n))
	case k == bpmn.KindCompensateEventDefinition && n.Kind == bpmn.KindStartEvent && n.Parent != nil && n.Parent.IsEventSubProcess():
		return fmt.Sprintf("%s: compensation event sub-processes are not supported by Camunda 8.8; use a compensation boundary event with a compensation handler", engLabel(n))
	case !allowed[k]:
		return fmt.Sprintf("%s: Camunda 8 does not support %s definitions on %ss; supported there: %s", engLabel(n), what, kind, supportedList(allowed))
	case engIsNonInterrupting(n) && !engNonInterruptingKinds[k]:
		return fmt.Sprintf("%s is non-interrupting, which Camunda 8 allows only for message, timer, signal and escalation events: make it interrupting", engLabel(n))
	}
	return ""
}

// engIsNonInterrupting reports whether n is a non-interrupting boundary event
// or event sub-process start event.
func engIsNonInterrupting(n *bpmn.FlowNode) bool {
	switch n.Kind {
	case bpmn.KindBoundaryEvent:
		return !n.CancelActivity
	case bpmn.KindStartEvent:
		return n.Parent != nil && n.Parent.IsEventSubProcess() && !n.IsInterrupting
	}
	return false
}

// definitionOrder lists "none" and the event definitions in the order
// messages name them.
var definitionOrder = []bpmn.Kind{engNoDefinition, bpmn.KindMessageEventDefinition, bpmn.KindTimerEventDefinition,
	bpmn.KindErrorEventDefinition, bpmn.KindSignalEventDefinition, bpmn.KindEscalationEventDefinition,
	bpmn.KindCompensateEventDefinition, bpmn.KindLinkEventDefinition, bpmn.KindTerminateEventDefinition}

func supportedList(allowed map[bpmn.Kind]bool) string {
	var words []string
	for _, k := range definitionOrder {
		switch {
		case !allowed[k]:
		case k == engNoDefinition:
			words = append(words, "none")
		default:
			words = append(words, engDefinitionWords[k])
		}
	}
	return strings.Join(words, ", ")
}

// checkUnknownElements reports elements the BPMN schema does not allow
// inside an executable process. Zeebe validates the document against the
// BPMN schema and rejects it.
func checkUnknownElements(c *Check) {
	exec := map[*etree.Element]*bpmn.Process{}
	for _, p := range c.Executable() {
		exec[p.XML] = p
	}
	for _, u := range c.Doc.Definitions.Unknown {
		for el := u.XML.Parent(); el != nil; el = el.Parent() {
			if p := exec[el]; p != nil {
				c.Report(u, fmt.Sprintf("<%s> in %s is not an element Camunda 8 can run (the BPMN schema does not allow it there): remove it", u.Type, engProcessLabel(p)))
				break
			}
		}
	}
}
