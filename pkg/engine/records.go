package engine

import (
	"slices"
	"time"
)

// Record is one entry of the engine's log: a command that came in, an
// event that changed the state, or the rejection of a command. Its shape
// follows Zeebe's records (and its JSON form, see [Record.MarshalJSON],
// Zeebe's exporter JSON), so people who know Zeebe can read it.
//
// Records returned by [Engine.Process] and the typed helpers are reused:
// a Record and its Value are valid until the next call on the same
// engine. Keep one with [Record.Clone], or encode it to JSON before the
// next call.
type Record struct {
	// Position is the record's place in the log, counting from 1 and
	// without gaps: commands, events and rejections all take one.
	Position int64
	// SourceRecordPosition is the position of the command that caused
	// the record; for a command (and a rejection) it is its own position.
	SourceRecordPosition int64
	// Key identifies the entity the record is about (an element instance,
	// a job, a message, ...), as in Zeebe. Keys carry the partition id in
	// their high bits (see [PartitionOf]). A command about no existing
	// entity has key -1.
	Key int64
	// Timestamp is the engine clock, in Unix milliseconds, when the record
	// was written. Events caused by time (a timer, a job timeout) carry
	// the time they fell due.
	Timestamp int64
	// PartitionID is the engine's partition.
	PartitionID int32
	// RecordType tells commands, events and rejections apart.
	RecordType RecordType
	// ValueType says what Value holds.
	ValueType ValueType
	// Intent is what happened (for an event) or is asked (for a command).
	Intent Intent
	// RejectionType and RejectionReason explain a rejection; both are
	// empty otherwise.
	RejectionType   RejectionType
	RejectionReason string
	// Value holds the record's data: a pointer to the struct of
	// ValueType, e.g. *ProcessInstanceValue.
	Value Value
}

// Time returns Timestamp as a time.Time in UTC.
func (r *Record) Time() time.Time { return time.UnixMilli(r.Timestamp).UTC() }

// IsEvent reports whether the record is an event, the records whose
// application builds the state (see [Engine.Apply]).
func (r *Record) IsEvent() bool { return r.RecordType == RecordEvent }

// Clone returns a copy of r whose Value is a fresh copy too, safe to keep
// after the next call on the engine. Maps and slices inside the value
// (variables, resources) are shared: the engine never modifies them.
func (r Record) Clone() Record {
	if r.Value != nil {
		r.Value = r.Value.clone()
	}
	return r
}

// Value is the data of a record: one of the *...Value types of this
// package, chosen by the record's ValueType.
type Value interface {
	// ValueType returns the value type the value belongs to.
	ValueType() ValueType
	clone() Value
}

// RecordType tells commands, events and rejections apart.
type RecordType uint8

// Record types, as Zeebe names them.
const (
	// RecordCommand is a request to change the state.
	RecordCommand RecordType = iota + 1
	// RecordEvent is a state change that happened; the state is the fold
	// of the events.
	RecordEvent
	// RecordRejection says a command was refused, and why.
	RecordRejection
)

var recordTypeNames = []string{RecordCommand: "COMMAND", RecordEvent: "EVENT", RecordRejection: "COMMAND_REJECTION"}

func (t RecordType) String() string { return enumName(recordTypeNames, uint8(t)) }

// ValueType says what a record is about.
type ValueType uint8

// Value types, as Zeebe names them.
const (
	ValueDeployment ValueType = iota + 1
	ValueProcess
	ValueProcessInstance
	ValueProcessInstanceCreation
	ValueJob
	ValueJobBatch
	ValueMessage
	ValueMessageSubscription
	ValueMessageStartEventSubscription
	ValueTimer
	ValueVariable
	ValueVariableDocument
	ValueIncident
	ValueClock
	ValueEscalation
	ValueSignal
	ValueSignalSubscription
	ValueCompensationSubscription
	ValueDecisionRequirements
	ValueDecision
	ValueDecisionEvaluation
	valueTypeCount
)

var valueTypeNames = []string{
	ValueDeployment:                    "DEPLOYMENT",
	ValueProcess:                       "PROCESS",
	ValueProcessInstance:               "PROCESS_INSTANCE",
	ValueProcessInstanceCreation:       "PROCESS_INSTANCE_CREATION",
	ValueJob:                           "JOB",
	ValueJobBatch:                      "JOB_BATCH",
	ValueMessage:                       "MESSAGE",
	ValueMessageSubscription:           "MESSAGE_SUBSCRIPTION",
	ValueMessageStartEventSubscription: "MESSAGE_START_EVENT_SUBSCRIPTION",
	ValueTimer:                         "TIMER",
	ValueVariable:                      "VARIABLE",
	ValueVariableDocument:              "VARIABLE_DOCUMENT",
	ValueIncident:                      "INCIDENT",
	ValueClock:                         "CLOCK",
	ValueEscalation:                    "ESCALATION",
	ValueSignal:                        "SIGNAL",
	ValueSignalSubscription:            "SIGNAL_SUBSCRIPTION",
	ValueCompensationSubscription:      "COMPENSATION_SUBSCRIPTION",
	ValueDecisionRequirements:          "DECISION_REQUIREMENTS",
	ValueDecision:                      "DECISION",
	ValueDecisionEvaluation:            "DECISION_EVALUATION",
}

func (t ValueType) String() string { return enumName(valueTypeNames, uint8(t)) }

// Intent is what a record says happened or is asked. One enumeration
// serves every value type; each value type uses the intents Zeebe gives
// it (for example Job: CREATED, COMPLETE, COMPLETED, FAIL, FAILED, ...).
type Intent uint8

// Intents. Commands are in the imperative (Create, Complete), events in
// the past tense (Created, Completed).
const (
	IntentCreate Intent = iota + 1
	IntentCreated
	IntentCancel
	IntentElementActivating
	IntentElementActivated
	IntentElementCompleting
	IntentElementCompleted
	IntentElementTerminating
	IntentElementTerminated
	IntentSequenceFlowTaken
	IntentActivate
	IntentActivated
	IntentComplete
	IntentCompleted
	IntentFail
	IntentFailed
	IntentTimedOut
	IntentThrowError
	IntentErrorThrown
	IntentUpdateRetries
	IntentRetriesUpdated
	IntentRecurredAfterBackoff
	IntentCanceled
	IntentPublish
	IntentPublished
	IntentExpired
	IntentCorrelated
	IntentDeleted
	IntentTriggered
	IntentUpdate
	IntentUpdated
	IntentResolve
	IntentResolved
	IntentTick
	IntentTicked
	IntentYield
	IntentYielded
	IntentEscalated
	IntentNotEscalated
	IntentBroadcast
	IntentBroadcasted
	IntentEvaluated
	IntentEvaluate
	intentCount
)

var intentNames = []string{
	IntentCreate:               "CREATE",
	IntentCreated:              "CREATED",
	IntentCancel:               "CANCEL",
	IntentElementActivating:    "ELEMENT_ACTIVATING",
	IntentElementActivated:     "ELEMENT_ACTIVATED",
	IntentElementCompleting:    "ELEMENT_COMPLETING",
	IntentElementCompleted:     "ELEMENT_COMPLETED",
	IntentElementTerminating:   "ELEMENT_TERMINATING",
	IntentElementTerminated:    "ELEMENT_TERMINATED",
	IntentSequenceFlowTaken:    "SEQUENCE_FLOW_TAKEN",
	IntentActivate:             "ACTIVATE",
	IntentActivated:            "ACTIVATED",
	IntentComplete:             "COMPLETE",
	IntentCompleted:            "COMPLETED",
	IntentFail:                 "FAIL",
	IntentFailed:               "FAILED",
	IntentTimedOut:             "TIMED_OUT",
	IntentThrowError:           "THROW_ERROR",
	IntentErrorThrown:          "ERROR_THROWN",
	IntentUpdateRetries:        "UPDATE_RETRIES",
	IntentRetriesUpdated:       "RETRIES_UPDATED",
	IntentRecurredAfterBackoff: "RECURRED_AFTER_BACKOFF",
	IntentCanceled:             "CANCELED",
	IntentPublish:              "PUBLISH",
	IntentPublished:            "PUBLISHED",
	IntentExpired:              "EXPIRED",
	IntentCorrelated:           "CORRELATED",
	IntentDeleted:              "DELETED",
	IntentTriggered:            "TRIGGERED",
	IntentUpdate:               "UPDATE",
	IntentUpdated:              "UPDATED",
	IntentResolve:              "RESOLVE",
	IntentResolved:             "RESOLVED",
	IntentTick:                 "TICK",
	IntentTicked:               "TICKED",
	IntentYield:                "YIELD",
	IntentYielded:              "YIELDED",
	IntentEscalated:            "ESCALATED",
	IntentNotEscalated:         "NOT_ESCALATED",
	IntentBroadcast:            "BROADCAST",
	IntentBroadcasted:          "BROADCASTED",
	IntentEvaluated:            "EVALUATED",
	IntentEvaluate:             "EVALUATE",
}

func (i Intent) String() string { return enumName(intentNames, uint8(i)) }

// RejectionType classifies why a command was rejected, as in Zeebe.
type RejectionType uint8

// Rejection types.
const (
	RejectionNone RejectionType = iota
	// InvalidArgument: the command is malformed (a missing name, a model
	// that does not validate).
	InvalidArgument
	// NotFound: the command names an entity that does not exist (any
	// more).
	NotFound
	// AlreadyExists: the command would create something that exists.
	AlreadyExists
	// InvalidState: the entity exists but is not in a state that allows
	// the command.
	InvalidState
)

var rejectionTypeNames = []string{RejectionNone: "", InvalidArgument: "INVALID_ARGUMENT",
	NotFound: "NOT_FOUND", AlreadyExists: "ALREADY_EXISTS", InvalidState: "INVALID_STATE"}

func (t RejectionType) String() string { return enumName(rejectionTypeNames, uint8(t)) }

func enumName(names []string, i uint8) string {
	if int(i) < len(names) && (i == 0 || names[i] != "") {
		return names[i]
	}
	return "UNKNOWN"
}

func enumValue(names []string, s string) (uint8, bool) {
	for i, n := range names {
		if n == s && (n != "" || i == 0) {
			return uint8(i), true
		}
	}
	return 0, false
}

// ValueTypeNames lists the value types' names, as records carry them.
func ValueTypeNames() []string { return namesOf(valueTypeNames) }

// IntentNames lists the intents' names, as records carry them.
func IntentNames() []string { return namesOf(intentNames) }

func namesOf(names []string) []string {
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
