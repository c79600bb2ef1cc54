package bpmn

import "github.com/beevik/etree"

// Base holds what every model element has: its id, name, source position
// and the XML element it was read from (for rules that need more than the
// typed model offers).
type Base struct {
	ID   string
	Name string
	// Type is the element's BPMN local name ("serviceTask", "process"), or
	// for an unknown element its name as written, prefix included.
	Type string
	Pos  Pos
	// XML is the etree element this was parsed from.
	XML *etree.Element
}

// Ident returns the element's id, or its type when it has no id.
func (b *Base) Ident() string {
	if b.ID != "" {
		return b.ID
	}
	return b.Type
}

// Definitions is the root of a BPMN document.
type Definitions struct {
	Base
	TargetNamespace string
	Exporter        string
	ExporterVersion string
	// ExecutionPlatform and ExecutionPlatformVersion are Camunda Modeler's
	// modeler:executionPlatform ("Camunda Cloud" for Camunda 8, "Camunda
	// Platform" for Camunda 7) and its version ("8.8.0"), or "".
	ExecutionPlatform        string
	ExecutionPlatformVersion string

	Processes      []*Process
	Collaborations []*Collaboration
	Messages       []*Message
	Errors         []*Error
	Signals        []*Signal
	Escalations    []*Escalation
	Diagrams       []*Diagram
	// Unknown lists elements the model does not know, anywhere in the
	// document, with their type as written.
	Unknown []*Base
	// Other lists known root elements without a typed model (dataStore,
	// itemDefinition, interface, category, ...).
	Other []*Base
}

// Container is what processes and sub-processes have in common: flow
// elements, in document order.
type Container struct {
	FlowNodes     []*FlowNode
	SequenceFlows []*SequenceFlow
	// Data holds data objects and data object and data store references.
	Data      []*FlowNode
	Artifacts []*Artifact
	LaneSets  []*LaneSet
}

// Process is a bpmn:process.
type Process struct {
	Base
	Container
	// IsExecutable is the isExecutable attribute; false when absent.
	IsExecutable bool
	Zeebe        Zeebe
}

// FlowNode is an event, activity or gateway, or a data element, in a
// process or sub-process. Fields that do not apply to its Kind are zero.
type FlowNode struct {
	Base
	Kind Kind
	// Process is the process the node belongs to, however deep.
	Process *Process
	// Parent is the sub-process directly containing the node, or nil when
	// the node is directly in Process.
	Parent *FlowNode

	// Incoming and Outgoing are the sequence flows whose targetRef and
	// sourceRef name this node: the flow graph.
	Incoming []*SequenceFlow
	Outgoing []*SequenceFlow
	// DeclaredIncoming and DeclaredOutgoing are the ids in the optional
	// <incoming>/<outgoing> children, as written. They are not trusted for
	// the flow graph; bpmnlint reads them, so its rules do too.
	DeclaredIncoming []string
	DeclaredOutgoing []string

	EventDefinitions []*EventDefinition
	// EventDefinitionRefs are <eventDefinitionRef> ids.
	EventDefinitionRefs []string
	// ParallelMultiple is the event's parallelMultiple attribute.
	ParallelMultiple bool

	// AttachedToRef, AttachedTo and CancelActivity describe a boundary event.
	AttachedToRef  string
	AttachedTo     *FlowNode
	CancelActivity bool
	// Boundaries lists the boundary events attached to an activity.
	Boundaries []*FlowNode

	// DefaultRef and Default name the default flow of a gateway or activity.
	DefaultRef string
	Default    *SequenceFlow

	// Sub holds the content of a sub-process (SubProcess, AdHocSubProcess,
	// Transaction); nil for other kinds.
	Sub *Container
	// TriggeredByEvent marks an event sub-process.
	TriggeredByEvent bool
	// CompletionCondition is an ad-hoc sub-process's completion condition.
	CompletionCondition *Expression

	// MessageRef and Message name the message of a send or receive task.
	MessageRef string
	Message    *Message
	// Instantiate is a receive task's instantiate attribute.
	Instantiate bool
	// CalledElement is a call activity's calledElement attribute.
	CalledElement string
	// Loop is the activity's loop or multi-instance characteristics.
	Loop *LoopCharacteristics
	// EventGatewayType is an event-based gateway's eventGatewayType.
	EventGatewayType string
	// Instantiating is an event-based gateway's instantiate attribute.
	Instantiating bool
	// IsInterrupting is a start event's isInterrupting attribute (default true).
	IsInterrupting bool
	// IsForCompensation is an activity's isForCompensation attribute.
	IsForCompensation bool

	Zeebe Zeebe
}

// IsEventSubProcess reports whether n is an event sub-process.
func (n *FlowNode) IsEventSubProcess() bool { return n.Sub != nil && n.TriggeredByEvent }

// EventDefinitionKind returns the kind of the node's single event
// definition, or KindUnknown when it has none or several.
func (n *FlowNode) EventDefinitionKind() Kind {
	if len(n.EventDefinitions) != 1 {
		return KindUnknown
	}
	return n.EventDefinitions[0].Kind
}

// SequenceFlow is a bpmn:sequenceFlow.
type SequenceFlow struct {
	Base
	SourceRef string
	TargetRef string
	// Source and Target are resolved from SourceRef and TargetRef; nil when
	// the reference does not name a flow node of the same container.
	Source *FlowNode
	Target *FlowNode
	// Condition is the conditionExpression, or nil.
	Condition *Expression
	Process   *Process
	// Parent is the sub-process holding the flow, or nil.
	Parent *FlowNode
}

// Expression is a formal expression (a condition, a timer value, ...).
type Expression struct {
	Text string
	// Language is the language attribute, if any.
	Language string
	Pos      Pos
}

// EventDefinition is one event definition of an event.
type EventDefinition struct {
	Base
	Kind Kind
	// MessageRef, ErrorRef, SignalRef and EscalationRef are the references
	// of message, error, signal and escalation definitions, with their
	// resolved targets (nil when unresolved).
	MessageRef    string
	Message       *Message
	ErrorRef      string
	Error         *Error
	SignalRef     string
	Signal        *Signal
	EscalationRef string
	Escalation    *Escalation
	// Timer is set for timer event definitions.
	Timer *Timer
	// Condition is a conditional event definition's condition.
	Condition *Expression
	// ActivityRef is a compensate event definition's activityRef.
	ActivityRef string
}

// TimerType says how a timer's value is to be read.
type TimerType string

// Timer types.
const (
	TimerNone     TimerType = ""
	TimerDate     TimerType = "timeDate"
	TimerDuration TimerType = "timeDuration"
	TimerCycle    TimerType = "timeCycle"
)

// Timer is the value of a timer event definition. A definition with
// several of timeDate, timeDuration and timeCycle keeps the first.
type Timer struct {
	Type  TimerType
	Value *Expression
	// Count is how many of timeDate, timeDuration, timeCycle were given.
	Count int
}

// LoopCharacteristics is an activity's standard loop or multi-instance
// loop characteristics.
type LoopCharacteristics struct {
	Base
	// MultiInstance is false for bpmn:standardLoopCharacteristics.
	MultiInstance bool
	IsSequential  bool
	// Zeebe holds zeebe:loopCharacteristics.
	Zeebe *ZeebeLoop
}

// Message is a bpmn:message root element.
type Message struct {
	Base
	Zeebe Zeebe
}

// Error is a bpmn:error root element.
type Error struct {
	Base
	ErrorCode string
}

// Signal is a bpmn:signal root element.
type Signal struct{ Base }

// Escalation is a bpmn:escalation root element.
type Escalation struct {
	Base
	EscalationCode string
}

// Artifact is a text annotation, association or group.
type Artifact struct {
	Base
	Kind      Kind
	SourceRef string
	TargetRef string
	Text      string
}

// LaneSet is a bpmn:laneSet.
type LaneSet struct {
	Base
	Lanes []*Lane
}

// Lane is a bpmn:lane.
type Lane struct {
	Base
	FlowNodeRefs []string
	ChildLaneSet *LaneSet
}

// Collaboration is a bpmn:collaboration.
type Collaboration struct {
	Base
	Participants []*Participant
	MessageFlows []*MessageFlow
	Artifacts    []*Artifact
}

// Participant is a pool: a bpmn:participant.
type Participant struct {
	Base
	ProcessRef string
	Process    *Process
}

// MessageFlow is a bpmn:messageFlow.
type MessageFlow struct {
	Base
	SourceRef  string
	TargetRef  string
	MessageRef string
}

// Attr returns the value of the element's unprefixed attribute name and
// whether it is present.
func (b *Base) Attr(name string) (string, bool) {
	if b.XML == nil {
		return "", false
	}
	for _, a := range b.XML.Attr {
		if a.Key == name && a.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// BaseOf returns the Base of a model element (a value ByID returns, a
// diagram's shape or edge, ...), or nil for anything else.
func BaseOf(v any) *Base {
	switch e := v.(type) {
	case *FlowNode:
		return &e.Base
	case *SequenceFlow:
		return &e.Base
	case *Process:
		return &e.Base
	case *Participant:
		return &e.Base
	case *Lane:
		return &e.Base
	case *LaneSet:
		return &e.Base
	case *Message:
		return &e.Base
	case *Error:
		return &e.Base
	case *Signal:
		return &e.Base
	case *Escalation:
		return &e.Base
	case *Artifact:
		return &e.Base
	case *MessageFlow:
		return &e.Base
	case *Collaboration:
		return &e.Base
	case *EventDefinition:
		return &e.Base
	case *Shape:
		return &e.Base
	case *Edge:
		return &e.Base
	case *Diagram:
		return &e.Base
	case *Plane:
		return &e.Base
	case *Base:
		return e
	}
	return nil
}
