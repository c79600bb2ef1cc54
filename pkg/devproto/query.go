package devproto

import (
	"encoding/json"
	"time"

	"github.com/wfctl/wfctl/pkg/engine"
)

// # Queries
//
// `+"`wfctl instance list`"+`, `+"`instance show`"+` and `+"`wfctl status`"+` ask the server,
// which answers from the engine's state and an index of instances, not by
// reading wfctl.records: a query is a command on wfctl.commands,
// {"valueType":"QUERY","intent":"INSTANCES","value":{...InstanceQuery}},
// {"valueType":"QUERY","intent":"INSTANCE","value":{"key":K}} or
// {"valueType":"QUERY","intent":"STATUS"}, and its answer is the "result"
// of its Done marker (an InstanceList, an InstanceDetail or a Status), in
// the order of the commands: a query sees every command sent before it.
// The index holds every instance in flight and the last [EndedKept] that
// ended. An instance's record history is read from wfctl.records by the
// client, batch by batch (InstanceDetail.Batches: the Kafka timestamps of
// the batches that wrote its records, looked up by ListOffsets): linear in
// the instance's life, not in the topic's.

// Query intents.
const (
	QueryInstances = "INSTANCES"
	QueryInstance  = "INSTANCE"
	// QueryStatus asks how the engine is: a Status.
	QueryStatus = "STATUS"
)

// Status is the answer to a STATUS query.
type Status struct {
	// Processes are the deployed process versions, by key.
	Processes []engine.ProcessMetadata `json:"processes"`
	// Instances counts process instances by state.
	Active     int64 `json:"active"`
	Completed  int64 `json:"completed"`
	Terminated int64 `json:"terminated"`
	// Incidents counts the instances in flight with an open incident.
	Incidents int `json:"incidents"`
	// Clock is the engine's clock.
	Clock time.Time `json:"clock"`
	// Consumed maps each input "topic/partition" to the next offset the
	// engine reads: with the end offsets, how far behind it is.
	Consumed map[string]int64 `json:"consumed"`
}

// EndedKept is how many ended instances the index keeps, the last to
// end; older ones are only in wfctl.records.
const EndedKept = 100_000

// DefaultQueryLimit and MaxQueryLimit bound the instances a list answers
// with.
const (
	DefaultQueryLimit = 1000
	MaxQueryLimit     = 10_000
)

// QueryCommand is a query on wfctl.commands.
type QueryCommand struct {
	ValueType string          `json:"valueType"` // QUERY
	Intent    string          `json:"intent"`    // INSTANCES or INSTANCE
	Value     json.RawMessage `json:"value,omitempty"`
}

// InstanceQuery selects instances: all of them, or those of a process,
// in a state, or waiting at an element; the newest first, at most Limit
// (default DefaultQueryLimit).
type InstanceQuery struct {
	ProcessID string `json:"processId,omitempty"`
	// State is active, completed, terminated or incident (active with an
	// open incident).
	State string `json:"state,omitempty"`
	// Element is an element id: instances waiting at it.
	Element string `json:"element,omitempty"`
	Limit   int    `json:"limit,omitempty"`
	// Key, for an INSTANCE query, is the instance.
	Key int64 `json:"key,omitempty"`
}

// InstanceSummary is an instance as a list shows it.
type InstanceSummary struct {
	Key       int64      `json:"processInstanceKey"`
	ProcessID string     `json:"bpmnProcessId"`
	Version   int32      `json:"version"`
	State     string     `json:"state"` // active, completed, terminated
	Incidents int        `json:"incidents"`
	Started   time.Time  `json:"started"`
	Ended     *time.Time `json:"ended,omitempty"`
	// HistoryFrom is when its first record was written (Kafka time, Unix
	// ms): its history in wfctl.records starts there.
	HistoryFrom int64 `json:"historyFrom"`
	// Spans are where its records are in wfctl.records (in an INSTANCE
	// answer): the history is read span by span.
	Spans []RecordSpan `json:"spans,omitempty"`
}

// RecordSpan is where some of an instance's records are in wfctl.records:
// in the batch (transaction) whose records all carry Kafka timestamp TS,
// Unix ms, which no other batch has, at positions First to Last among the
// batch's records. The batch's first offset is the first offset at or
// after TS (ListOffsets by time) or, when commit markers of the batch
// before carry a later time, a few offsets before it: read from
// base+First to base+Last+SpanSlack, and keep the instance's records.
type RecordSpan struct {
	TS    int64 `json:"ts"`
	First int32 `json:"first"`
	Last  int32 `json:"last"`
}

// SpanSlack is how far past a span's last position a reader reads, for
// the commit markers a time lookup may count in.
const SpanSlack = 8

// InstanceList is the answer to an INSTANCES query.
type InstanceList struct {
	// Total is how many instances matched; Instances the first Limit.
	Total     int               `json:"total"`
	Instances []InstanceSummary `json:"instances"`
	// EndedKept says how many ended instances the server remembers.
	EndedKept int `json:"endedKept"`
}

// InstanceDetail is the answer to an INSTANCE query.
type InstanceDetail struct {
	InstanceSummary
	// Known is false when the server does not know the instance (never
	// was, or ended longer ago than it remembers).
	Known     bool               `json:"known"`
	Waiting   []WaitingElement   `json:"waiting"`
	Jobs      []InstanceJob      `json:"jobs"`
	Messages  []AwaitedMessage   `json:"messages"`
	Incidents []InstanceIncident `json:"incidents"`
	Variables map[string]any     `json:"variables,omitempty"` // while it is active
	Timers    []engine.TimerInfo `json:"timers,omitempty"`
}

// WaitingElement is where an active instance is.
type WaitingElement struct {
	Key         int64     `json:"elementInstanceKey"`
	ElementID   string    `json:"elementId"`
	ElementName string    `json:"elementName"`
	Type        string    `json:"type"`
	Since       time.Time `json:"since"`
	JobKey      int64     `json:"jobKey,omitempty"`
	JobType     string    `json:"jobType,omitempty"`
}

// InstanceJob is a job of an active instance.
type InstanceJob struct {
	Key          int64      `json:"key"`
	Type         string     `json:"type"`
	State        string     `json:"state"`
	ElementID    string     `json:"elementId"`
	Retries      int32      `json:"retries"`
	Worker       string     `json:"worker,omitempty"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	ErrorMessage string     `json:"errorMessage,omitempty"`
}

// AwaitedMessage is a message an active instance waits for.
type AwaitedMessage struct {
	Name           string `json:"messageName"`
	CorrelationKey string `json:"correlationKey"`
	ElementID      string `json:"elementId"`
}

// InstanceIncident is an open incident of an active instance.
type InstanceIncident struct {
	Key       int64  `json:"key"`
	Type      string `json:"errorType"`
	ElementID string `json:"elementId"`
	Message   string `json:"errorMessage"`
	JobKey    int64  `json:"jobKey,omitempty"`
}

// InstanceKeyOf is the process instance a record is about, or -1.
func InstanceKeyOf(r engine.Record) int64 {
	switch v := r.Value.(type) {
	case *engine.ProcessInstanceValue:
		return v.ProcessInstanceKey
	case *engine.JobValue:
		return v.ProcessInstanceKey
	case *engine.MessageSubscriptionValue:
		return v.ProcessInstanceKey
	case *engine.TimerValue:
		return v.ProcessInstanceKey
	case *engine.VariableValue:
		return v.ProcessInstanceKey
	case *engine.IncidentValue:
		return v.ProcessInstanceKey
	case *engine.ProcessInstanceCreationValue:
		return v.ProcessInstanceKey
	}
	return -1
}
