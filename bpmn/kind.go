package bpmn

// Kind is the BPMN type of a flow element, an event definition or another
// element the model knows. Predicates such as IsTask follow the BPMN 2.0
// type hierarchy (a service task is a task, an activity and a flow node),
// which is also what bpmnlint's is() checks.
type Kind uint8

// Flow element kinds.
const (
	KindUnknown Kind = iota

	KindStartEvent
	KindEndEvent
	KindIntermediateCatchEvent
	KindIntermediateThrowEvent
	KindBoundaryEvent
	KindImplicitThrowEvent

	KindTask
	KindServiceTask
	KindSendTask
	KindReceiveTask
	KindUserTask
	KindManualTask
	KindBusinessRuleTask
	KindScriptTask

	KindSubProcess
	KindAdHocSubProcess
	KindTransaction
	KindCallActivity

	KindExclusiveGateway
	KindInclusiveGateway
	KindParallelGateway
	KindEventBasedGateway
	KindComplexGateway

	KindSequenceFlow
	KindDataObject
	KindDataObjectReference
	KindDataStoreReference

	// Artifacts.
	KindTextAnnotation
	KindAssociation
	KindGroup

	// Event definitions.
	KindMessageEventDefinition
	KindTimerEventDefinition
	KindErrorEventDefinition
	KindSignalEventDefinition
	KindEscalationEventDefinition
	KindCompensateEventDefinition
	KindConditionalEventDefinition
	KindLinkEventDefinition
	KindTerminateEventDefinition
	KindCancelEventDefinition

	kindCount
)

var kindNames = [kindCount]string{
	KindUnknown:                    "unknown",
	KindStartEvent:                 "startEvent",
	KindEndEvent:                   "endEvent",
	KindIntermediateCatchEvent:     "intermediateCatchEvent",
	KindIntermediateThrowEvent:     "intermediateThrowEvent",
	KindBoundaryEvent:              "boundaryEvent",
	KindImplicitThrowEvent:         "implicitThrowEvent",
	KindTask:                       "task",
	KindServiceTask:                "serviceTask",
	KindSendTask:                   "sendTask",
	KindReceiveTask:                "receiveTask",
	KindUserTask:                   "userTask",
	KindManualTask:                 "manualTask",
	KindBusinessRuleTask:           "businessRuleTask",
	KindScriptTask:                 "scriptTask",
	KindSubProcess:                 "subProcess",
	KindAdHocSubProcess:            "adHocSubProcess",
	KindTransaction:                "transaction",
	KindCallActivity:               "callActivity",
	KindExclusiveGateway:           "exclusiveGateway",
	KindInclusiveGateway:           "inclusiveGateway",
	KindParallelGateway:            "parallelGateway",
	KindEventBasedGateway:          "eventBasedGateway",
	KindComplexGateway:             "complexGateway",
	KindSequenceFlow:               "sequenceFlow",
	KindDataObject:                 "dataObject",
	KindDataObjectReference:        "dataObjectReference",
	KindDataStoreReference:         "dataStoreReference",
	KindTextAnnotation:             "textAnnotation",
	KindAssociation:                "association",
	KindGroup:                      "group",
	KindMessageEventDefinition:     "messageEventDefinition",
	KindTimerEventDefinition:       "timerEventDefinition",
	KindErrorEventDefinition:       "errorEventDefinition",
	KindSignalEventDefinition:      "signalEventDefinition",
	KindEscalationEventDefinition:  "escalationEventDefinition",
	KindCompensateEventDefinition:  "compensateEventDefinition",
	KindConditionalEventDefinition: "conditionalEventDefinition",
	KindLinkEventDefinition:        "linkEventDefinition",
	KindTerminateEventDefinition:   "terminateEventDefinition",
	KindCancelEventDefinition:      "cancelEventDefinition",
}

var kindByName = func() map[string]Kind {
	m := make(map[string]Kind, kindCount)
	for k := Kind(1); k < kindCount; k++ {
		m[kindNames[k]] = k
	}
	return m
}()

// KindOf returns the kind for a BPMN local element name, or KindUnknown.
func KindOf(localName string) Kind { return kindByName[localName] }

// String returns the BPMN local element name, e.g. "serviceTask".
func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return "unknown"
}

// IsEvent reports whether k is an event (start, end, intermediate, boundary).
func (k Kind) IsEvent() bool { return k >= KindStartEvent && k <= KindImplicitThrowEvent }

// IsCatchEvent reports whether k catches: start, intermediate catch and boundary events.
func (k Kind) IsCatchEvent() bool {
	return k == KindStartEvent || k == KindIntermediateCatchEvent || k == KindBoundaryEvent
}

// IsThrowEvent reports whether k throws: end, intermediate throw and implicit throw events.
func (k Kind) IsThrowEvent() bool {
	return k == KindEndEvent || k == KindIntermediateThrowEvent || k == KindImplicitThrowEvent
}

// IsTask reports whether k is bpmn:Task or one of its subtypes.
func (k Kind) IsTask() bool { return k >= KindTask && k <= KindScriptTask }

// IsSubProcess reports whether k is bpmn:SubProcess or one of its subtypes
// (ad-hoc sub-process, transaction).
func (k Kind) IsSubProcess() bool { return k >= KindSubProcess && k <= KindTransaction }

// IsActivity reports whether k is an activity: a task, a sub-process or a call activity.
func (k Kind) IsActivity() bool { return k >= KindTask && k <= KindCallActivity }

// IsGateway reports whether k is a gateway.
func (k Kind) IsGateway() bool { return k >= KindExclusiveGateway && k <= KindComplexGateway }

// IsFlowNode reports whether k is a flow node: an event, an activity or a gateway.
func (k Kind) IsFlowNode() bool { return k >= KindStartEvent && k <= KindComplexGateway }

// IsEventDefinition reports whether k is an event definition.
func (k Kind) IsEventDefinition() bool {
	return k >= KindMessageEventDefinition && k <= KindCancelEventDefinition
}

// IsArtifact reports whether k is a text annotation, association or group.
func (k Kind) IsArtifact() bool { return k >= KindTextAnnotation && k <= KindGroup }
