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
// With [Options].ModelsDir, every *.bpmn and *.dmn file under the folder is deployed
// at start, each as its own deployment, and again when it changes (the
// folder is polled; a file is deployed once it has been still for
// [ModelsDebounce]). A rejected model is reported (a [Notice] with the
// validator's diagnostics) and the watch goes on; a model deployed
// unchanged is a duplicate, no new version.
package dev

import "github.com/wfctl/wfctl/pkg/devproto"

// The protocol's names, as package devproto declares them: the server
// speaks it, clients import devproto alone.

// Topic names.
const (
	TopicCommands    = devproto.TopicCommands
	TopicRecords     = devproto.TopicRecords
	TopicDeployments = devproto.TopicDeployments
	TopicJobs        = devproto.TopicJobs
)

// Header names.
const (
	HeaderRequest    = devproto.HeaderRequest
	HeaderSource     = devproto.HeaderSource
	HeaderDone       = devproto.HeaderDone
	HeaderCheckpoint = devproto.HeaderCheckpoint
	HeaderFence      = devproto.HeaderFence
)

// Done values, clock intents, query intents, limits of the protocol.
const (
	DoneOK                = devproto.DoneOK
	DoneRejected          = devproto.DoneRejected
	ClockAdd              = devproto.ClockAdd
	ClockPin              = devproto.ClockPin
	ClockReset            = devproto.ClockReset
	ClockShow             = devproto.ClockShow
	QueryInstances        = devproto.QueryInstances
	QueryInstance         = devproto.QueryInstance
	QueryStatus           = devproto.QueryStatus
	EndedKept             = devproto.EndedKept
	DefaultQueryLimit     = devproto.DefaultQueryLimit
	MaxQueryLimit         = devproto.MaxQueryLimit
	JobTimeout            = devproto.JobTimeout
	TopicProperty         = devproto.TopicProperty
	Worker                = devproto.Worker
	TransactionalIDPrefix = devproto.TransactionalIDPrefix
)

// The protocol's values.
type (
	Checkpoint       = devproto.Checkpoint
	ClockCommand     = devproto.ClockCommand
	Clock            = devproto.Clock
	Deployment       = devproto.Deployment
	Job              = devproto.Job
	Done             = devproto.Done
	QueryCommand     = devproto.QueryCommand
	InstanceQuery    = devproto.InstanceQuery
	InstanceSummary  = devproto.InstanceSummary
	InstanceList     = devproto.InstanceList
	InstanceDetail   = devproto.InstanceDetail
	WaitingElement   = devproto.WaitingElement
	InstanceJob      = devproto.InstanceJob
	AwaitedMessage   = devproto.AwaitedMessage
	InstanceIncident = devproto.InstanceIncident
	Status           = devproto.Status
)

// Marshal is devproto.Marshal.
func Marshal(v any) []byte { return devproto.Marshal(v) }
