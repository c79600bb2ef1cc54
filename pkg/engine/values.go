package engine

import "encoding/json"

// The record values. Their JSON field names (struct tags) are Zeebe's
// exporter names and are stable: fields may be added, never renamed or
// removed. Strings that come from a model (element ids, job types,
// headers) reference the deployed model and are never copied; maps and
// slices are shared and must not be modified.

// ProcessInstanceValue is the value of ValueProcessInstance records: one
// element instance's lifecycle (ELEMENT_ACTIVATING ... ELEMENT_COMPLETED
// or ELEMENT_TERMINATED; the key is the element instance key), a taken
// sequence flow (SEQUENCE_FLOW_TAKEN; ElementID is the flow's id), and the
// CANCEL command (the key is the process instance key).
type ProcessInstanceValue struct {
	BPMNProcessID        string      `json:"bpmnProcessId"`
	Version              int32       `json:"version"`
	ProcessDefinitionKey int64       `json:"processDefinitionKey"`
	ProcessInstanceKey   int64       `json:"processInstanceKey"`
	ElementID            string      `json:"elementId"`
	FlowScopeKey         int64       `json:"flowScopeKey"`
	BPMNElementType      ElementType `json:"bpmnElementType"`
	BPMNEventType        EventType   `json:"bpmnEventType"`
	// ParentProcessInstanceKey and ParentElementInstanceKey name the call
	// activity that started a process instance, on the records of the
	// process element itself; -1 otherwise.
	ParentProcessInstanceKey int64 `json:"parentProcessInstanceKey"`
	ParentElementInstanceKey int64 `json:"parentElementInstanceKey"`
}

// ProcessInstanceCreationValue is the value of the CREATE command and the
// CREATED event of a process instance. Version -1 (or 0) in the command
// means the latest version.
type ProcessInstanceCreationValue struct {
	BPMNProcessID        string         `json:"bpmnProcessId"`
	Version              int32          `json:"version"`
	ProcessDefinitionKey int64          `json:"processDefinitionKey"`
	ProcessInstanceKey   int64          `json:"processInstanceKey"`
	Variables            map[string]any `json:"variables"`
}

// JobValue is the value of ValueJob records. The key is the job key.
// Commands use Variables (COMPLETE, THROW_ERROR), Retries and RetryBackoff
// (FAIL, UPDATE_RETRIES), ErrorCode and ErrorMessage (THROW_ERROR, FAIL).
type JobValue struct {
	Type                     string            `json:"type"`
	Worker                   string            `json:"worker"`
	Retries                  int32             `json:"retries"`
	RetryBackoff             int64             `json:"retryBackoff"`
	Deadline                 int64             `json:"deadline"`
	CustomHeaders            map[string]string `json:"customHeaders"`
	Variables                map[string]any    `json:"variables"`
	ErrorCode                string            `json:"errorCode"`
	ErrorMessage             string            `json:"errorMessage"`
	ElementID                string            `json:"elementId"`
	ElementInstanceKey       int64             `json:"elementInstanceKey"`
	BPMNProcessID            string            `json:"bpmnProcessId"`
	ProcessDefinitionVersion int32             `json:"processDefinitionVersion"`
	ProcessDefinitionKey     int64             `json:"processDefinitionKey"`
	ProcessInstanceKey       int64             `json:"processInstanceKey"`
	// JobKind is EXECUTION_LISTENER for an execution listener's job (and
	// empty, Zeebe's BPMN_ELEMENT, otherwise); JobListenerEventType is
	// then START or END.
	JobKind              string `json:"jobKind,omitempty"`
	JobListenerEventType string `json:"jobListenerEventType,omitempty"`
}

// JobBatchValue is the value of the JobBatch ACTIVATE command and the
// ACTIVATED event, which lists the jobs handed to the worker (with the
// variables they see) and moves them to the activated state.
type JobBatchValue struct {
	Type              string     `json:"type"`
	Worker            string     `json:"worker"`
	Timeout           int64      `json:"timeout"`
	MaxJobsToActivate int32      `json:"maxJobsToActivate"`
	JobKeys           []int64    `json:"jobKeys"`
	Jobs              []JobValue `json:"jobs"`
	Truncated         bool       `json:"truncated"`
}

// MessageValue is the value of ValueMessage records: PUBLISH (command),
// PUBLISHED, EXPIRED. TimeToLive is in milliseconds; Deadline is when a
// buffered message expires (Unix ms).
type MessageValue struct {
	Name           string         `json:"name"`
	CorrelationKey string         `json:"correlationKey"`
	MessageID      string         `json:"messageId"`
	TimeToLive     int64          `json:"timeToLive"`
	Deadline       int64          `json:"deadline"`
	Variables      map[string]any `json:"variables"`
}

// MessageSubscriptionValue is the value of ValueMessageSubscription
// records: CREATED when an element starts waiting for a message,
// CORRELATED when a message reaches it (MessageKey and Variables are the
// message's), DELETED when the element stops waiting. The key is the
// subscription key; ElementID is the catching element (a catch event,
// receive task or boundary event) and ElementInstanceKey the instance
// that waits (for a boundary event, the activity it is attached to).
type MessageSubscriptionValue struct {
	BPMNProcessID      string         `json:"bpmnProcessId"`
	ProcessInstanceKey int64          `json:"processInstanceKey"`
	ElementInstanceKey int64          `json:"elementInstanceKey"`
	ElementID          string         `json:"elementId"`
	MessageName        string         `json:"messageName"`
	CorrelationKey     string         `json:"correlationKey"`
	MessageKey         int64          `json:"messageKey"`
	Interrupting       bool           `json:"interrupting"`
	Variables          map[string]any `json:"variables"`
}

// MessageStartEventSubscriptionValue is the value of
// ValueMessageStartEventSubscription records: CREATED when a process
// version with a message start event is deployed, DELETED when a newer
// version replaces it, CORRELATED when a message starts an instance
// (ProcessInstanceKey is the new instance).
type MessageStartEventSubscriptionValue struct {
	ProcessDefinitionKey int64          `json:"processDefinitionKey"`
	BPMNProcessID        string         `json:"bpmnProcessId"`
	StartEventID         string         `json:"startEventId"`
	MessageName          string         `json:"messageName"`
	CorrelationKey       string         `json:"correlationKey"`
	MessageKey           int64          `json:"messageKey"`
	ProcessInstanceKey   int64          `json:"processInstanceKey"`
	Variables            map[string]any `json:"variables"`
}

// TimerValue is the value of ValueTimer records: CREATED, TRIGGERED,
// CANCELED. TargetElementID is the timer's event (a start, catch or
// boundary event); ElementInstanceKey the instance that waits for it (-1
// for a timer start event). Repetitions is what is left of a cycle (-1:
// without end). DueDate is Unix ms.
type TimerValue struct {
	ElementInstanceKey   int64  `json:"elementInstanceKey"`
	ProcessInstanceKey   int64  `json:"processInstanceKey"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	TargetElementID      string `json:"targetElementId"`
	DueDate              int64  `json:"dueDate"`
	Repetitions          int32  `json:"repetitions"`
}

// VariableValue is the value of ValueVariable records: CREATED and
// UPDATED. Value is the variable's value as encoding/json decodes JSON
// (nil, bool, float64 or json.Number, string, []any, map[string]any);
// values given by Go callers may be other Go types and are encoded with
// encoding/json.
type VariableValue struct {
	Name                 string `json:"name"`
	Value                any    `json:"value"`
	ScopeKey             int64  `json:"scopeKey"`
	ProcessInstanceKey   int64  `json:"processInstanceKey"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	BPMNProcessID        string `json:"bpmnProcessId"`
}

// VariableDocumentValue is the value of the VariableDocument UPDATE
// command (set variables on a scope) and its UPDATED event. With Local
// the variables are set on the scope itself; without, each is set where
// a variable of that name is visible from the scope, else on the process
// instance (Zeebe's PROPAGATE semantics).
type VariableDocumentValue struct {
	ScopeKey  int64          `json:"scopeKey"`
	Local     bool           `json:"local"`
	Variables map[string]any `json:"variables"`
}

// IncidentValue is the value of ValueIncident records: CREATED, RESOLVE
// (command, key = incident key) and RESOLVED.
type IncidentValue struct {
	ErrorType            ErrorType `json:"errorType"`
	ErrorMessage         string    `json:"errorMessage"`
	BPMNProcessID        string    `json:"bpmnProcessId"`
	ProcessDefinitionKey int64     `json:"processDefinitionKey"`
	ProcessInstanceKey   int64     `json:"processInstanceKey"`
	ElementID            string    `json:"elementId"`
	ElementInstanceKey   int64     `json:"elementInstanceKey"`
	JobKey               int64     `json:"jobKey"`
	VariableScopeKey     int64     `json:"variableScopeKey"`
}

// Resource is one file of a deployment.
type Resource struct {
	Name    string `json:"resourceName"`
	Content []byte `json:"resource"`
}

// ProcessMetadata describes one process of a deployment.
type ProcessMetadata struct {
	BPMNProcessID        string `json:"bpmnProcessId"`
	Version              int32  `json:"version"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	ResourceName         string `json:"resourceName"`
	Checksum             string `json:"checksum"`
	// Duplicate is set when the resource equals the latest version's
	// (same name and checksum): no new version was made.
	Duplicate bool `json:"duplicate"`
}

// DeploymentValue is the value of the Deployment CREATE command and the
// CREATED event (which lists the processes, new or duplicate).
type DeploymentValue struct {
	Resources []Resource        `json:"resources"`
	Processes []ProcessMetadata `json:"processesMetadata"`
	// Decisions and DecisionRequirements list the decisions and DRGs of
	// the .dmn resources, new or duplicate.
	Decisions            []DecisionMetadata             `json:"decisionsMetadata,omitempty"`
	DecisionRequirements []DecisionRequirementsMetadata `json:"decisionRequirementsMetadata,omitempty"`
}

// ProcessValue is the value of the Process CREATED event: a new version
// of a process, with the resource it was read from (replaying the event
// compiles the resource again).
type ProcessValue struct {
	ProcessMetadata
	Resource []byte `json:"resource"`
}

// ClockValue is the value of the Clock TICK command and TICKED event:
// the engine clock moves to Time (Unix ms) and whatever fell due on the
// way happens (timers, job timeouts and back-offs, message expiry).
type ClockValue struct {
	Time int64 `json:"time"`
}

// EscalationValue is the value of the Escalation ESCALATED event (an
// escalation was caught) and NOT_ESCALATED (nothing caught it, and the
// instance went on), as Zeebe writes them.
type EscalationValue struct {
	ProcessInstanceKey int64  `json:"processInstanceKey"`
	EscalationCode     string `json:"escalationCode"`
	ThrowElementID     string `json:"throwElementId"`
	CatchElementID     string `json:"catchElementId"`
}

// SignalValue is the value of the Signal BROADCAST command and the
// BROADCASTED event.
type SignalValue struct {
	SignalName string         `json:"signalName"`
	Variables  map[string]any `json:"variables"`
}

// SignalSubscriptionValue is the value of SignalSubscription CREATED
// and DELETED: a signal start event of a deployed process
// (CatchEventInstanceKey -1), or an element instance waiting for a
// signal (a catch event, a boundary event, an event sub-process start).
type SignalSubscriptionValue struct {
	ProcessDefinitionKey  int64  `json:"processDefinitionKey"`
	BPMNProcessID         string `json:"bpmnProcessId"`
	CatchEventID          string `json:"catchEventId"`
	CatchEventInstanceKey int64  `json:"catchEventInstanceKey"`
	ProcessInstanceKey    int64  `json:"processInstanceKey"`
	SignalName            string `json:"signalName"`
}

// CompensationSubscriptionValue is the value of CompensationSubscription
// CREATED (a compensable activity's instance completed), TRIGGERED (a
// throw event started its handler), COMPLETED (the handler completed)
// and DELETED (its process instance ended, or a scope it ran in was
// terminated), as Zeebe writes them. ScopeKeys and ScopeElementIDs are
// wfctl's: the flow scopes the activity ran in, innermost first, which a
// replay needs to know what a later throw event reaches.
type CompensationSubscriptionValue struct {
	ProcessInstanceKey             int64          `json:"processInstanceKey"`
	ProcessDefinitionKey           int64          `json:"processDefinitionKey"`
	CompensableActivityID          string         `json:"compensableActivityId"`
	CompensableActivityInstanceKey int64          `json:"compensableActivityInstanceKey"`
	CompensableActivityScopeKey    int64          `json:"compensableActivityScopeKey"`
	ThrowEventInstanceKey          int64          `json:"throwEventInstanceKey"`
	CompensationHandlerID          string         `json:"compensationHandlerId"`
	CompensationHandlerInstanceKey int64          `json:"compensationHandlerInstanceKey"`
	Variables                      map[string]any `json:"variables"`
	ScopeKeys                      []int64        `json:"scopeKeys"`
	ScopeElementIDs                []string       `json:"scopeElementIds"`
}

// DecisionRequirementsMetadata describes a deployed version of a
// decision requirements graph (a .dmn resource).
type DecisionRequirementsMetadata struct {
	DecisionRequirementsID      string `json:"decisionRequirementsId"`
	DecisionRequirementsName    string `json:"decisionRequirementsName"`
	DecisionRequirementsVersion int32  `json:"decisionRequirementsVersion"`
	DecisionRequirementsKey     int64  `json:"decisionRequirementsKey"`
	ResourceName                string `json:"resourceName"`
	Checksum                    string `json:"checksum"`
	Duplicate                   bool   `json:"duplicate"`
}

// DecisionMetadata describes a deployed version of a decision.
type DecisionMetadata struct {
	DecisionID              string `json:"decisionId"`
	DecisionName            string `json:"decisionName"`
	Version                 int32  `json:"version"`
	DecisionKey             int64  `json:"decisionKey"`
	DecisionRequirementsID  string `json:"decisionRequirementsId"`
	DecisionRequirementsKey int64  `json:"decisionRequirementsKey"`
	Duplicate               bool   `json:"duplicate"`
}

// DecisionRequirementsValue is the value of DecisionRequirements CREATED:
// a new version of a DRG with its resource (replaying the event parses
// it again).
type DecisionRequirementsValue struct {
	DecisionRequirementsMetadata
	Resource []byte `json:"resource"`
}

// DecisionValue is the value of Decision CREATED: a new version of a
// decision of a DRG.
type DecisionValue struct {
	DecisionMetadata
}

// DecisionEvaluationValue is the value of DecisionEvaluation EVALUATED
// and FAILED, written by a business rule task that calls a decision.
// DecisionOutput is the output as JSON text, as Zeebe gives it;
// EvaluatedDecisions lists every decision evaluated (required ones first)
// with its inputs and matched rules.
type DecisionEvaluationValue struct {
	DecisionKey              int64           `json:"decisionKey"`
	DecisionID               string          `json:"decisionId"`
	DecisionName             string          `json:"decisionName"`
	DecisionVersion          int32           `json:"decisionVersion"`
	DecisionRequirementsID   string          `json:"decisionRequirementsId"`
	DecisionRequirementsKey  int64           `json:"decisionRequirementsKey"`
	DecisionOutput           string          `json:"decisionOutput"`
	BPMNProcessID            string          `json:"bpmnProcessId"`
	ProcessDefinitionKey     int64           `json:"processDefinitionKey"`
	ProcessInstanceKey       int64           `json:"processInstanceKey"`
	ElementID                string          `json:"elementId"`
	ElementInstanceKey       int64           `json:"elementInstanceKey"`
	EvaluatedDecisions       json.RawMessage `json:"evaluatedDecisions,omitempty"`
	EvaluationFailureMessage string          `json:"evaluationFailureMessage,omitempty"`
	FailedDecisionID         string          `json:"failedDecisionId,omitempty"`
	// Variables are the EVALUATE command's: what the decision is
	// evaluated against, as Zeebe's EvaluateDecision command takes them.
	Variables map[string]any `json:"variables,omitempty"`
}

// ValueType implementations.
func (*ProcessInstanceValue) ValueType() ValueType { return ValueProcessInstance }

// ValueType implements [Value].
func (*ProcessInstanceCreationValue) ValueType() ValueType { return ValueProcessInstanceCreation }

// ValueType implements [Value].
func (*JobValue) ValueType() ValueType { return ValueJob }

// ValueType implements [Value].
func (*JobBatchValue) ValueType() ValueType { return ValueJobBatch }

// ValueType implements [Value].
func (*MessageValue) ValueType() ValueType { return ValueMessage }

// ValueType implements [Value].
func (*MessageSubscriptionValue) ValueType() ValueType { return ValueMessageSubscription }

// ValueType implements [Value].
func (*MessageStartEventSubscriptionValue) ValueType() ValueType {
	return ValueMessageStartEventSubscription
}

// ValueType implements [Value].
func (*TimerValue) ValueType() ValueType { return ValueTimer }

// ValueType implements [Value].
func (*VariableValue) ValueType() ValueType { return ValueVariable }

// ValueType implements [Value].
func (*VariableDocumentValue) ValueType() ValueType { return ValueVariableDocument }

// ValueType implements [Value].
func (*IncidentValue) ValueType() ValueType { return ValueIncident }

// ValueType implements [Value].
func (*DeploymentValue) ValueType() ValueType { return ValueDeployment }

// ValueType implements [Value].
func (*ProcessValue) ValueType() ValueType { return ValueProcess }

// ValueType implements [Value].
func (*ClockValue) ValueType() ValueType { return ValueClock }

// ValueType implements [Value].
func (*EscalationValue) ValueType() ValueType { return ValueEscalation }

// ValueType implements [Value].
func (*SignalValue) ValueType() ValueType { return ValueSignal }

// ValueType implements [Value].
func (*CompensationSubscriptionValue) ValueType() ValueType { return ValueCompensationSubscription }

// ValueType implements [Value].
func (*DecisionRequirementsValue) ValueType() ValueType { return ValueDecisionRequirements }

// ValueType implements [Value].
func (*DecisionValue) ValueType() ValueType { return ValueDecision }

// ValueType implements [Value].
func (*DecisionEvaluationValue) ValueType() ValueType { return ValueDecisionEvaluation }

// ValueType implements [Value].
func (*SignalSubscriptionValue) ValueType() ValueType { return ValueSignalSubscription }

func (v *ProcessInstanceValue) clone() Value         { c := *v; return &c }
func (v *ProcessInstanceCreationValue) clone() Value { c := *v; return &c }
func (v *JobValue) clone() Value                     { c := *v; return &c }
func (v *JobBatchValue) clone() Value                { c := *v; return &c }
func (v *MessageValue) clone() Value                 { c := *v; return &c }
func (v *MessageSubscriptionValue) clone() Value     { c := *v; return &c }
func (v *MessageStartEventSubscriptionValue) clone() Value {
	c := *v
	return &c
}
func (v *TimerValue) clone() Value                { c := *v; return &c }
func (v *VariableValue) clone() Value             { c := *v; return &c }
func (v *VariableDocumentValue) clone() Value     { c := *v; return &c }
func (v *IncidentValue) clone() Value             { c := *v; return &c }
func (v *DeploymentValue) clone() Value           { c := *v; return &c }
func (v *ProcessValue) clone() Value              { c := *v; return &c }
func (v *ClockValue) clone() Value                { c := *v; return &c }
func (v *EscalationValue) clone() Value           { c := *v; return &c }
func (v *SignalValue) clone() Value               { c := *v; return &c }
func (v *DecisionRequirementsValue) clone() Value { c := *v; return &c }
func (v *DecisionValue) clone() Value             { c := *v; return &c }
func (v *DecisionEvaluationValue) clone() Value   { c := *v; return &c }
func (v *CompensationSubscriptionValue) clone() Value {
	c := *v
	return &c
}
func (v *SignalSubscriptionValue) clone() Value {
	c := *v
	return &c
}

// newValue returns a zero value of type t, for decoding.
func newValue(t ValueType) Value {
	switch t {
	case ValueDeployment:
		return &DeploymentValue{}
	case ValueProcess:
		return &ProcessValue{}
	case ValueProcessInstance:
		return &ProcessInstanceValue{}
	case ValueProcessInstanceCreation:
		return &ProcessInstanceCreationValue{}
	case ValueJob:
		return &JobValue{}
	case ValueJobBatch:
		return &JobBatchValue{}
	case ValueMessage:
		return &MessageValue{}
	case ValueMessageSubscription:
		return &MessageSubscriptionValue{}
	case ValueMessageStartEventSubscription:
		return &MessageStartEventSubscriptionValue{}
	case ValueTimer:
		return &TimerValue{}
	case ValueVariable:
		return &VariableValue{}
	case ValueVariableDocument:
		return &VariableDocumentValue{}
	case ValueIncident:
		return &IncidentValue{}
	case ValueClock:
		return &ClockValue{}
	case ValueEscalation:
		return &EscalationValue{}
	case ValueSignal:
		return &SignalValue{}
	case ValueSignalSubscription:
		return &SignalSubscriptionValue{}
	case ValueCompensationSubscription:
		return &CompensationSubscriptionValue{}
	case ValueDecisionRequirements:
		return &DecisionRequirementsValue{}
	case ValueDecision:
		return &DecisionValue{}
	case ValueDecisionEvaluation:
		return &DecisionEvaluationValue{}
	}
	return nil
}
