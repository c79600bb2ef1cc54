// Package dev runs the engine on Kafka topics: `wfctl dev` is a local,
// Kafka-compatible broker (franz-go's kfake) with the engine attached, and
// the client commands (deploy, instance, message, job, records) talk to it
// through the same topics any Kafka client can use.
//
// # Topics
//
//   - wfctl.commands — engine commands, JSON as engine.Command encodes
//     them ({"valueType","intent","key","value"}); key = a routing key
//     (process id, correlation key or job key); header wfctl-request
//     carries the client's request id.
//   - wfctl.records — every engine record, JSON as engine.Record encodes
//     them (Zeebe's exporter shape). Each command's records are written in
//     one Kafka transaction, with header wfctl-request copied from the
//     command (or the domain record's topic/partition@offset in
//     wfctl-source), and end with a marker record that has header
//     wfctl-done (see Done). The transaction also holds a checkpoint
//     record (header wfctl-checkpoint, value a Checkpoint): the offsets of
//     wfctl.commands and the domain topics consumed so far. The engine's
//     state is the fold of this topic's events, and a restarted engine
//     resumes consuming after the last checkpoint, so no acknowledged
//     command is lost or applied twice.
//   - wfctl.deployments — compacted, key = process id: one Deployment per
//     deployed version (the latest wins).
//   - wfctl.jobs — key = job type: each job the engine activates for Kafka
//     workers, a Job. A worker completes it by producing a CompleteJob (or
//     FailJob) command to wfctl.commands.
//   - domain topics (--topics, or a zeebe:property wfctl.topic in a
//     model): their records become messages exactly as `wfctl trace` maps
//     them.
package dev

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
}

// TopicProperty is the zeebe:property that names a model's domain topics:
// <zeebe:property name="wfctl.topic" value="orders"/> (several topics
// separated by commas), on the process, a message, or any element. The
// server consumes the topics of every deployed model.
const TopicProperty = "wfctl.topic"

// Worker is the worker name of the jobs the server activates and pushes
// to wfctl.jobs (the Job records' "worker").
const Worker = "kafka"

// TransactionalID is the Kafka transactional id of the server's producer:
// fixed, so that a new server fences any previous incarnation still
// writing.
const TransactionalID = "wfctl-dev"
