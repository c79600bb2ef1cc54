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
//
// # The server
//
// [Start] runs `wfctl dev`: the broker of package broker (on-disk log with
// synced writes in the data folder, which it locks), the protocol's
// topics (one partition each, so that the commands have one total order;
// wfctl.deployments compacted; nothing deleted by time), and the engine,
// on one goroutine. It consumes wfctl.commands and the domain topics,
// read committed, from the last checkpoint's offsets (a partition never
// read before from its beginning). Each poll batch (at most [MaxBatch]
// records) is processed in order within each partition: a command is
// decoded and run with engine.Process; a domain record becomes a message
// (name, correlation key and variables as correlate.Mapper maps them, time to
// live 0: it reaches the instances waiting now or starts one, and is not
// buffered for instances that start waiting later, which is what the
// record meant and what `wfctl trace` does with the same topic). Before
// the batch's inputs the engine's clock is ticked to the dev clock (see
// Time).
//
// A command whose wfctl-request id was run recently (the last 131,072
// request ids, across restarts) is not run again: its Done marker says
// DuplicateOf. Clients may retry with the same id; and kfake, which does
// not keep a producer's sequence numbers across a crash, may write a
// client's retried produce twice after `wfctl dev` was killed.
//
// # Transactions and checkpoints
//
// A batch's records on wfctl.records (the engine's records with the
// input's headers, a Done marker after each command, the activation of
// the jobs that became activatable, and last a checkpoint with the
// offsets consumed and the engine clock) are written in one Kafka
// transaction; the jobs pushed to wfctl.jobs and the process versions
// written to wfctl.deployments follow in a second. Two, not one, because
// kfake writes a transaction's markers partition by partition and aborts
// what has no marker when it restarts: one transaction over several
// partitions could be committed in one and aborted in another by a crash.
// The state lives in wfctl.records alone; the other two are derived from
// it. Batches are pipelined: the engine processes the next batch while
// the last one commits, and hands it over once that commit succeeded. A
// failed commit stops the server (the engine has moved on in memory);
// starting it again recovers what was committed.
//
// The producer's transactional id is [TransactionalIDPrefix], the end
// offset of wfctl.records at start and the start time, new for each
// incarnation (see there why not fixed); the data folder's lock keeps out
// a second server.
//
// # Recovery
//
// At start the server first writes an aborted transaction to its topics
// (a fence: it leaves an abort marker after whatever a crashed incarnation
// left open, which kfake aborts without a marker), then reads
// wfctl.records from the beginning to its end offset, read committed,
// and folds every record into a fresh engine with engine.Apply
// (decoding on every core, applying in order). Every transaction ends
// with a checkpoint and only committed transactions are read, so the
// folded state and the checkpoint's offsets belong together: a batch a
// crash interrupted is consumed and processed again, a committed one is
// not. The last batch's jobs and deployments are published again when
// the ends of wfctl.jobs and wfctl.deployments show that their
// transaction did not commit (so a job may reach workers twice after a
// crash, never not at all). `kill -9` at any moment loses nothing the
// broker acknowledged and applies nothing twice.
//
// # Time
//
// The engine's clock follows the dev clock: the wall clock
// ([Options].Now) plus an offset, or a pinned time, which only clock
// control changes (CLOCK ADD, PIN, RESET: see [ClockAdd]); the clock
// control is in every checkpoint. Besides the tick before each batch, the
// server checks every [TickEvery] whether anything fell due (timers, job
// deadlines, back-offs of failed jobs, buffered messages' expiry), as
// announced by the events, and ticks only then: an idle server writes
// nothing. The engine's clock never goes back, so a raw CLOCK TICK ahead
// of the dev clock is rejected: it would leave every timer and job
// deadline waiting for the wall clock to catch up with it.
//
// # Jobs for Kafka workers
//
// When jobs become activatable (created, timed out, back from a back-off,
// failed with retries left, their incident resolved), the server
// activates them for worker [Worker] with timeout [JobTimeout] and writes
// each as a [Job] to wfctl.jobs, keyed by job type. Any Kafka client is a
// worker: it reads wfctl.jobs (read committed), does the work, and
// produces {"valueType":"JOB","intent":"COMPLETE","key":JOBKEY,
// "value":{"variables":{...}}} to wfctl.commands (or FAIL with "retries"
// and "errorMessage", or THROW_ERROR with "errorCode"). A job not
// completed within JobTimeout is pushed again.
//
// # Models
//
// With [Options].ModelsDir, every *.bpmn file under the folder is deployed
// at start, each as its own deployment, and again when it changes (the
// folder is polled; a file is deployed once it has been still for
// [ModelsDebounce]). A rejected model is reported (a [Notice] with the
// validator's diagnostics) and the watch goes on; a model deployed
// unchanged is a duplicate, no new version.
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
