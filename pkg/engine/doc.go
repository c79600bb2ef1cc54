// Package engine is an embedded, Zeebe-style BPMN workflow engine: one
// partition of Camunda 8's engine as a library. Commands go in, records
// come out; there is no I/O, no goroutine and no clock but the one the
// caller gives. Kafka, files and the command line wrap it (wfctl trace
// replays a topic through it, wfctl dev puts its records on a topic);
// nothing in it knows about them.
//
// # Commands and records
//
// [Engine.Process] takes a [Command] (a value type, an intent, a key and
// a value, as in Zeebe) and returns the [Record]s it caused: the command
// itself, then the events, each with a position, a key, a timestamp and
// the position of the command that caused it; or a rejection with a
// reason. A command runs to the end before Process returns: an instance
// created by it runs until every path waits (for a job, a message, a
// timer) or ends. Typed helpers build the commands:
//
//	e := engine.New(engine.WithPartition(1), engine.WithStartTime(t0))
//	procs, err := e.Deploy(engine.Resource{Name: "order.bpmn", Content: src})
//	pi, err := e.CreateInstance("order", map[string]any{"amount": 150})
//	jobs, err := e.ActivateJobs(engine.JobRequest{Type: "charge", MaxJobs: 10, Timeout: time.Minute})
//	err = e.CompleteJob(jobs[0].Key, map[string]any{"charged": true})
//	res, err := e.PublishMessage(engine.Message{Name: "PaymentReceived", CorrelationKey: "o-1"})
//	_, err = e.AdvanceTime(2 * time.Hour) // timers, job time-outs, message expiry
//
// Records and their values are reused: they are valid until the next call
// on the engine (copy one with [Record.Clone], or encode it). Values point
// into the deployed model for strings (element ids, job types) instead of
// copying them. [WithoutRecords] skips materialising records altogether
// when only the state matters. [PublishResult] says, per published
// message, whether it reached a waiting instance, started one, or matched
// nothing, without reading records.
//
// # State is a fold of the events
//
// Every state change is an event record, and the state changes only where
// an event is applied: [Engine.Apply] folds the records of a run into a
// new engine and rebuilds exactly the same state. [Engine.Snapshot] and
// [Restore] save and load the state as bytes for fast restarts. The same
// commands give the same records, byte for byte, on every run and after a
// restore: maps are iterated in sorted order, keys come from a counter,
// time from the commands.
//
// Keys are Zeebe's: the partition id in the high bits ([EncodeKey],
// [PartitionOf]), so that engines owning different partitions can run
// side by side (wfctl trace runs one per Kafka partition).
//
// # Time
//
// The clock starts at [WithStartTime] (default: the Unix epoch) and moves
// only with Tick and AdvanceTime commands (or, with [WithClock], to the
// given clock's time before each command). Moving it runs what fell due on
// the way in time order, each at its due time: timers fire (their records
// carry the due time), activated jobs time out, failed jobs come back
// after their back-off, buffered messages expire. Nothing happens between
// commands.
//
// # Behaviour
//
// Camunda 8 (Zeebe) semantics are the reference. Deployments are parsed
// and validated with the bpmn and bpmn/lint packages: parse errors and
// errors of engine rules ("wfctl/...") reject a deployment with the
// validator's diagnostics; modelling-style findings never block it.
// Versions are per process id; a resource whose name and checksum equal
// the latest version's is a duplicate. The engine runs none, message and
// timer start events; none, terminate and error end events; message,
// timer and link intermediate catch events and none and link throw
// events; service, send, script, business rule and user tasks as jobs
// (type, retries and headers from the model, expressions evaluated), FEEL
// script tasks, receive tasks, undefined and manual tasks; exclusive,
// parallel, event-based and forking inclusive gateways; embedded
// sub-processes, event sub-processes (message, timer and error starts,
// interrupting and not) and call activities; parallel and sequential
// multi-instance activities; timer, message and error boundary events,
// interrupting and not; variables with scopes, input and output mappings
// and Zeebe's propagation rules; messages with correlation keys, time to
// live, buffering and message ids (a message reaches at most one instance
// per process id); jobs with activation, completion, failure, retries,
// back-off, time-outs and BPMN errors; incidents and their resolution.
// What it does not run yet (compensation, signal and escalation events,
// joining inclusive gateways, ad-hoc sub-processes, links into
// sub-processes) rejects the deployment with a message naming it.
// Expressions are FEEL ([github.com/wfctl/wfctl/pkg/feel]), parsed once at
// deploy.
//
// # Deliberate differences from Zeebe
//
// One partition does all the work, so message correlation is immediate:
// there are no ProcessMessageSubscription records, only
// MessageSubscription CREATED, CORRELATED and DELETED. Internal follow-up
// commands (ACTIVATE_ELEMENT, COMPLETE_ELEMENT, ...) are not written; the
// engine runs them through an internal queue in Zeebe's order, so events
// come in the order Zeebe writes them. Job activation writes JobBatch
// ACTIVATED (as Zeebe does) and no per-job record. Clock TICK and TICKED
// records stand for Zeebe's scheduled work. Documents of variables are
// written in name order. A DecisionEvaluation record's decisionOutput is
// JSON text as in Zeebe, and its evaluatedDecisions are kept as JSON. A
// process instance that activates
// more than 10,000 elements in one command without waiting (an endless
// loop) gets an incident instead of running forever.
//
// # Queries
//
// [Engine.Instance], [Engine.Instances], [Engine.ActiveElements] (what an
// instance waits for and since when), [Engine.Jobs],
// [Engine.Subscriptions], [Engine.Timers], [Engine.Incidents],
// [Engine.Variables] and [Engine.ElementCounts] read the state for tools.
// Finished process instances are dropped from the state at once (only
// their counts remain), so a long replay keeps only what is in flight.
//
// An Engine is not safe for concurrent use: run one per partition.
// Engines that run the same models can share them: [CompileModels]
// parses, validates and compiles resources once, and
// [Engine.DeployModels] deploys the result into each engine, on any
// goroutine, as Deploy would.
//
// Dependencies: none beyond the module's (bpmn, bpmn/lint, pkg/feel and
// the standard library).
package engine
