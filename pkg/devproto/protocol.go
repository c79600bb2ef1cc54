// Package devproto is the protocol between `wfctl dev` (package dev, the
// server) and its clients (package devclient, the wfctl commands, any
// Kafka client): the topics, the headers, and the values of the records
// both sides read and write. It knows nothing of Kafka clients or of the
// engine's state; see package dev for how the server uses the topics.
package devproto

import (
	"encoding/json"
	"time"
)

// Topic names.
const (
	TopicCommands    = "wfctl.commands"
	TopicRecords     = "wfctl.records"
	TopicDeployments = "wfctl.deployments"
	TopicJobs        = "wfctl.jobs"
)

// Header names.
const (
	// HeaderRequest is the client's request id on a command, copied onto
	// every record the command caused.
	HeaderRequest = "wfctl-request"
	// HeaderSource names the domain record a message came from:
	// topic/partition@offset.
	HeaderSource = "wfctl-source"
	// HeaderDone marks the last record of a command's transaction; its
	// value is "ok" or "rejected".
	HeaderDone = "wfctl-done"
	// HeaderCheckpoint marks a checkpoint record.
	HeaderCheckpoint = "wfctl-checkpoint"
	// HeaderFence marks the record of the fencing transaction a server
	// writes when it starts, which it always aborts: a read-committed
	// reader never sees it, but readers skip it all the same, since
	// kfake's crash recovery has been seen to let one through (it carries
	// no value).
	HeaderFence = "wfctl-fence"
)

// Done values.
const (
	DoneOK       = "ok"
	DoneRejected = "rejected"
)

// Checkpoint records how far the engine has consumed its inputs.
type Checkpoint struct {
	// Offsets maps "topic/partition" to the next offset to consume.
	Offsets map[string]int64 `json:"offsets"`
	// Clock is the engine clock, Unix milliseconds.
	Clock int64 `json:"clock"`
	// ClockOffset is how far clock control (CLOCK ADD) set the dev clock
	// ahead of the wall clock, in milliseconds; absent when none.
	ClockOffset int64 `json:"clockOffset,omitempty"`
	// ClockPin is the time the dev clock is pinned at (CLOCK PIN), Unix
	// milliseconds; absent when it is not pinned.
	ClockPin *int64 `json:"clockPin,omitempty"`
}

// Clock control: commands on wfctl.commands that the server runs itself,
// as Zeebe's clock actuator does, rather than the engine. The dev clock,
// which the server ticks the engine to, is the wall clock plus an offset,
// or a pinned time; only these commands change it, and the engine's clock
// never goes back:
//
//	{"valueType":"CLOCK","intent":"ADD","value":{"offset":3600000}}
//	{"valueType":"CLOCK","intent":"PIN","value":{"time":1798761600000}}
//	{"valueType":"CLOCK","intent":"RESET"}
//	{"valueType":"CLOCK","intent":"SHOW"}
//
// ADD moves the clock ahead by offset milliseconds (never negative) from
// the engine's time (the pinned time when pinned, which it stays); PIN
// stands it still at time, no earlier than the engine's time; RESET
// follows the wall clock again, and a clock that was ahead stays where it
// is until the wall clock catches up; SHOW changes nothing. What fell due
// by the new time happens at once, as the command's records (a CLOCK
// TICK). The Done marker carries the clock ([Done].Clock). The clock
// control is in every checkpoint, so it survives a restart.
const (
	ClockAdd   = "ADD"
	ClockPin   = "PIN"
	ClockReset = "RESET"
	ClockShow  = "SHOW"
)

// ClockCommand is a clock control command, as a client writes it to
// wfctl.commands.
type ClockCommand struct {
	// ValueType is "CLOCK".
	ValueType string `json:"valueType"`
	// Intent is ClockAdd, ClockPin, ClockReset or ClockShow.
	Intent string            `json:"intent"`
	Value  ClockCommandValue `json:"value"`
}

// ClockCommandValue is a clock control command's value.
type ClockCommandValue struct {
	// Offset is how far ADD moves the clock ahead, in milliseconds.
	Offset int64 `json:"offset,omitempty"`
	// Time is the time PIN pins the clock at, Unix milliseconds.
	Time int64 `json:"time,omitempty"`
}

// Clock is the dev clock, as a clock control command's Done marker
// reports it.
type Clock struct {
	// Time is the engine's clock after the command, Unix milliseconds.
	Time int64 `json:"time"`
	// Wall is the server's wall clock when it ran the command, Unix
	// milliseconds.
	Wall int64 `json:"wall"`
	// Offset is how far clock control set the clock ahead of the wall
	// clock, in milliseconds: 0 when pinned or reset. After a reset the
	// engine's clock may still be ahead (Time > Wall): it never goes back.
	Offset int64 `json:"offset"`
	// Pinned says the clock stands still at Time until a reset, or
	// another pin or add.
	Pinned bool `json:"pinned"`
}

// Deployment is a wfctl.deployments value.
type Deployment struct {
	ProcessID    string `json:"bpmnProcessId"`
	Version      int32  `json:"version"`
	Key          int64  `json:"processDefinitionKey"`
	ResourceName string `json:"resourceName"`
	Checksum     string `json:"checksum"`
	Resource     string `json:"resource"`
}

// Job is a wfctl.jobs value: an activated job, as a worker needs it.
type Job struct {
	Key                int64             `json:"key"`
	Type               string            `json:"type"`
	ProcessInstanceKey int64             `json:"processInstanceKey"`
	BPMNProcessID      string            `json:"bpmnProcessId"`
	ElementID          string            `json:"elementId"`
	Retries            int               `json:"retries"`
	Deadline           int64             `json:"deadline"`
	CustomHeaders      map[string]string `json:"customHeaders"`
	Variables          map[string]any    `json:"variables"`
}

// JobTimeout is how long a job pushed to wfctl.jobs stays with the
// workers before it times out and is pushed again.
const JobTimeout = 5 * time.Minute

// Marshal encodes a protocol value.
func Marshal(v any) []byte {
	b, _ := json.Marshal(v) // protocol values always marshal
	return b
}

// Done is the value of a command's marker record, the last record of the
// command on wfctl.records (header wfctl-done, whose value is Status).
// Every command read from wfctl.commands gets one, also a command that
// could not be decoded, so a client waiting for its request never waits
// forever; Command names the command's offset, for clients that send no
// request id.
type Done struct {
	// Status is DoneOK or DoneRejected.
	Status string `json:"status"`
	// Reason says why the command was rejected: the engine's rejection
	// reason (for a deployment, the validator's diagnostics, one a
	// line), or why the command could not be read.
	Reason string `json:"reason,omitempty"`
	// Command is where the command was read: wfctl.commands/0@17.
	Command string `json:"command"`
	// Position is the engine position of the command's own record
	// (COMMAND, then events or a COMMAND_REJECTION); 0 when the command
	// could not be decoded and the engine never saw it.
	Position int64 `json:"position,omitempty"`
	// DuplicateOf is set when the command repeats the request id of a
	// command run before (a client's retry, or the broker writing a
	// produce twice after a crash): it was not run again; Status and
	// Position are the first one's, and DuplicateOf is where it was read.
	DuplicateOf string `json:"duplicateOf,omitempty"`
	// Clock is the dev clock after a clock control command (also one
	// that was rejected).
	Clock *Clock `json:"clock,omitempty"`
	// Result is the answer to a query (see QueryCommand).
	Result json.RawMessage `json:"result,omitempty"`
}

// TopicProperty is the zeebe:property that names a model's domain topics:
// <zeebe:property name="wfctl.topic" value="orders"/> (several topics
// separated by commas), on the process, a message, or any element. The
// server consumes the topics of every deployed model.
const TopicProperty = "wfctl.topic"

// Worker is the worker name of the jobs the server activates and pushes
// to wfctl.jobs (the Job records' "worker").
const Worker = "kafka"

// TransactionalIDPrefix starts the Kafka transactional id of the server's
// producer: "wfctl-dev-", the end offset of wfctl.records when the server
// started and the start time, so each incarnation has its own (the end
// offset alone repeats when an incarnation dies before its fence reaches
// wfctl.records; its fence on wfctl.jobs then hid the next one's jobs from
// franz-go readers). A fixed id would fence
// a previous incarnation, but with kfake a crash then spoils the log for
// readers: kfake aborts a crashed transaction without writing its marker,
// and a read-committed consumer (franz-go's, Kafka's) then takes the next
// aborted transaction of the same producer id as covering the committed
// ones after it. The data folder's lock keeps a previous incarnation out
// instead.
const TransactionalIDPrefix = "wfctl-dev-"
