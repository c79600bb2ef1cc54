package engine

import "fmt"

// ElementType is Zeebe's BpmnElementType: the kind of element a
// ProcessInstance record is about.
type ElementType uint8

// Element types.
const (
	ElementUnspecified ElementType = iota
	ElementProcess
	ElementSubProcess
	ElementStartEvent
	ElementIntermediateCatchEvent
	ElementIntermediateThrowEvent
	ElementBoundaryEvent
	ElementEndEvent
	ElementServiceTask
	ElementReceiveTask
	ElementUserTask
	ElementManualTask
	ElementTask
	ElementExclusiveGateway
	ElementParallelGateway
	ElementEventBasedGateway
	ElementSequenceFlow
	ElementScriptTask
	ElementSendTask
	ElementBusinessRuleTask
	ElementInclusiveGateway
	ElementMultiInstanceBody
	ElementCallActivity
	ElementEventSubProcess
	ElementAdHocSubProcess
)

var elementTypeNames = []string{
	ElementUnspecified:            "UNSPECIFIED",
	ElementProcess:                "PROCESS",
	ElementSubProcess:             "SUB_PROCESS",
	ElementStartEvent:             "START_EVENT",
	ElementIntermediateCatchEvent: "INTERMEDIATE_CATCH_EVENT",
	ElementIntermediateThrowEvent: "INTERMEDIATE_THROW_EVENT",
	ElementBoundaryEvent:          "BOUNDARY_EVENT",
	ElementEndEvent:               "END_EVENT",
	ElementServiceTask:            "SERVICE_TASK",
	ElementReceiveTask:            "RECEIVE_TASK",
	ElementUserTask:               "USER_TASK",
	ElementManualTask:             "MANUAL_TASK",
	ElementTask:                   "TASK",
	ElementExclusiveGateway:       "EXCLUSIVE_GATEWAY",
	ElementParallelGateway:        "PARALLEL_GATEWAY",
	ElementEventBasedGateway:      "EVENT_BASED_GATEWAY",
	ElementSequenceFlow:           "SEQUENCE_FLOW",
	ElementScriptTask:             "SCRIPT_TASK",
	ElementSendTask:               "SEND_TASK",
	ElementBusinessRuleTask:       "BUSINESS_RULE_TASK",
	ElementInclusiveGateway:       "INCLUSIVE_GATEWAY",
	ElementMultiInstanceBody:      "MULTI_INSTANCE_BODY",
	ElementCallActivity:           "CALL_ACTIVITY",
	ElementEventSubProcess:        "EVENT_SUB_PROCESS",
	ElementAdHocSubProcess:        "AD_HOC_SUB_PROCESS",
}

func (t ElementType) String() string { return enumName(elementTypeNames, uint8(t)) }

// EventType is Zeebe's BpmnEventType: the event definition of an event
// element (NONE for none events, UNSPECIFIED for non-events).
type EventType uint8

// Event types.
const (
	EventUnspecified EventType = iota
	EventNone
	EventMessage
	EventTimer
	EventError
	EventTerminate
	EventLink
	EventEscalation
	EventSignal
	EventCompensation
)

var eventTypeNames = []string{EventUnspecified: "UNSPECIFIED", EventNone: "NONE", EventMessage: "MESSAGE",
	EventTimer: "TIMER", EventError: "ERROR", EventTerminate: "TERMINATE", EventLink: "LINK",
	EventEscalation: "ESCALATION", EventSignal: "SIGNAL", EventCompensation: "COMPENSATION"}

func (t EventType) String() string { return enumName(eventTypeNames, uint8(t)) }

// ErrorType classifies an incident, as Zeebe's ErrorType does.
type ErrorType uint8

// Incident error types.
const (
	ErrorUnknown ErrorType = iota
	// ErrorJobNoRetries: a job failed and has no retries left.
	ErrorJobNoRetries
	// ErrorCondition: an exclusive gateway's conditions could not be
	// evaluated, or none was true and there is no default flow.
	ErrorCondition
	// ErrorExtractValue: an expression (job type, correlation key,
	// message name, timer, script) failed or gave a value of the wrong type.
	ErrorExtractValue
	// ErrorIOMapping: an input or output mapping failed.
	ErrorIOMapping
	// ErrorUnhandledErrorEvent: an error was thrown and nothing caught it.
	ErrorUnhandledErrorEvent
	// ErrorCalledDecision: a business rule task calls a decision that is
	// not deployed.
	ErrorCalledDecision
	// ErrorCalledElement: a call activity names a process that is not
	// deployed.
	ErrorCalledElement
	// ErrorDecisionEvaluation: a called decision failed to evaluate.
	ErrorDecisionEvaluation
)

var errorTypeNames = []string{ErrorUnknown: "UNKNOWN", ErrorJobNoRetries: "JOB_NO_RETRIES",
	ErrorCondition: "CONDITION_ERROR", ErrorExtractValue: "EXTRACT_VALUE_ERROR",
	ErrorIOMapping: "IO_MAPPING_ERROR", ErrorUnhandledErrorEvent: "UNHANDLED_ERROR_EVENT",
	ErrorCalledDecision: "CALLED_DECISION_ERROR", ErrorCalledElement: "CALLED_ELEMENT_ERROR",
	ErrorDecisionEvaluation: "DECISION_EVALUATION_ERROR"}

func (t ErrorType) String() string { return enumName(errorTypeNames, uint8(t)) }

// Text marshalling, so that the enumerations read as Zeebe's names in JSON.

// MarshalText implements encoding.TextMarshaler.
func (t RecordType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalText implements encoding.TextMarshaler.
func (t ValueType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalText implements encoding.TextMarshaler.
func (i Intent) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// MarshalText implements encoding.TextMarshaler.
func (t RejectionType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalText implements encoding.TextMarshaler.
func (t ElementType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalText implements encoding.TextMarshaler.
func (t EventType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalText implements encoding.TextMarshaler.
func (t ErrorType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *RecordType) UnmarshalText(b []byte) error {
	return unmarshalEnum(recordTypeNames, b, (*uint8)(t))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *ValueType) UnmarshalText(b []byte) error {
	return unmarshalEnum(valueTypeNames, b, (*uint8)(t))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (i *Intent) UnmarshalText(b []byte) error { return unmarshalEnum(intentNames, b, (*uint8)(i)) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *RejectionType) UnmarshalText(b []byte) error {
	return unmarshalEnum(rejectionTypeNames, b, (*uint8)(t))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *ElementType) UnmarshalText(b []byte) error {
	return unmarshalEnum(elementTypeNames, b, (*uint8)(t))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *EventType) UnmarshalText(b []byte) error {
	return unmarshalEnum(eventTypeNames, b, (*uint8)(t))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *ErrorType) UnmarshalText(b []byte) error {
	return unmarshalEnum(errorTypeNames, b, (*uint8)(t))
}

func unmarshalEnum(names []string, b []byte, dst *uint8) error {
	v, ok := enumValue(names, string(b))
	if !ok {
		return fmt.Errorf("engine: unknown name %q", b)
	}
	*dst = v
	return nil
}
