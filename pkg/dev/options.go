package dev

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/engine"
)

// Defaults of [Options].
const (
	// DefaultListen is where the broker listens: loopback only.
	DefaultListen = broker.DefaultListenAddr
	// DefaultPartitions is how many partitions a domain topic the
	// server creates gets.
	DefaultPartitions = 6
	// TickEvery is how often the server checks whether anything fell due
	// (a timer, a job's deadline, a failed job's back-off, a buffered
	// message's expiry) and ticks the engine's clock to the wall clock.
	TickEvery = 100 * time.Millisecond
	// ModelsDebounce is how long a model file must stay unchanged before
	// it is deployed again, so an editor's save (truncate, write, rename)
	// deploys once.
	ModelsDebounce = 300 * time.Millisecond
	// MaxBatch bounds the records one transaction consumes: small enough
	// that a job reaches its worker while the engine processes the next
	// batch, large enough that a transaction's fixed costs are shared.
	MaxBatch = 2048
)

// Options configure [Start].
type Options struct {
	// Listen is the broker's host:port (default [DefaultListen]); port 0
	// picks a free port, read back with [Server.Addr].
	Listen string
	// Advertise is the host:port the broker tells clients to use, when
	// it is not the listen address (a container's host name).
	Advertise string
	// DataDir keeps the broker's log, and with it the engine's state, in
	// a folder ("" keeps everything in memory, lost on Close).
	DataDir string
	// Topics are domain topics to consume besides those the deployed
	// models name (see [TopicProperty]).
	Topics []string
	// Partitions is how many partitions a domain topic the server creates
	// gets (default [DefaultPartitions]).
	Partitions int
	// ModelsDir, when set, is deployed at start and watched: a model
	// that changes is deployed again.
	ModelsDir string
	// Gate, when set, judges each model of ModelsDir before it is
	// deployed (see [Gate]); without one, only the engine judges.
	Gate Gate
	// Now is the wall clock the engine follows (default time.Now).
	Now func() time.Time
	// Notify receives what the server does that a user wants to know
	// about (a model deployed or rejected, a topic added). It is called
	// from the server's goroutines, one call at a time.
	Notify func(Notice)

	// Users, when set, require SASL: clients authenticate as one of them
	// with SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN; the server's own
	// clients use the first.
	Users []User
	// TLS, when set, serves TLS with this configuration (it holds the
	// certificate).
	TLS *tls.Config

	// SnapshotEvery is how many records written to wfctl.records make a
	// snapshot of the state due, with a data folder (see
	// SnapshotFileName; default [DefaultSnapshotEvery], -1 never).
	SnapshotEvery int

	// Limits bound what one input may be and what it may make the engine
	// write (zero fields take the defaults, see [Limits]).
	Limits Limits

	// noFinalSnapshot leaves out the snapshot of a clean stop, as a crash
	// would: for tests of the fold after a snapshot.
	noFinalSnapshot bool

	// failOn makes the engine fail (panic) on the commands it selects:
	// for tests of the quarantine.
	failOn func(engine.Command) bool
}

func (o *Options) withDefaults() error {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.Partitions == 0 {
		o.Partitions = DefaultPartitions
	}
	if o.Partitions < 1 || o.Partitions > 10000 {
		return &OptionError{Option: "partitions", Err: fmt.Errorf("%d: want 1 to 10000", o.Partitions)}
	}
	for _, t := range o.Topics {
		if err := checkDomainTopic(t); err != nil {
			return &OptionError{Option: "topics", Err: err}
		}
	}
	for _, u := range o.Users {
		if u.Name == "" || u.Password == "" {
			return &OptionError{Option: "sasl-user", Err: fmt.Errorf("%q: want NAME:PASSWORD, both not empty", u.Name)}
		}
	}
	if o.SnapshotEvery == 0 {
		o.SnapshotEvery = DefaultSnapshotEvery
	}
	if o.SnapshotEvery < -1 {
		return &OptionError{Option: "snapshot-every", Err: fmt.Errorf("%d: want a number of records, or -1 for never", o.SnapshotEvery)}
	}
	if err := o.Limits.withDefaults(); err != nil {
		return err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Notify == nil {
		o.Notify = func(Notice) {}
	}
	return nil
}

// User is a SASL user of the broker.
type User struct{ Name, Password string }

// Limits bound the inputs of the server and what one input may make the
// engine write, as Zeebe's maxMessageSize does: what the broker accepts
// from clients and what the engine may write agree, so that nothing
// accepted can become unwritable. A command over a limit is rejected with
// a Done marker naming the limit before anything is written; an input
// whose records turn out over the limit is set aside (quarantined) and
// rejected, and the server goes on.
type Limits struct {
	// Command bounds a record on wfctl.commands or on a domain topic, in
	// bytes as produced (uncompressed): the broker's message.max.bytes
	// for those topics too (default [DefaultMaxCommandSize]).
	Command int
	// Document bounds a variable document (a command's variables, a
	// domain record's value) and a deployment resource, in bytes
	// (default [DefaultMaxDocumentSize]).
	Document int
	// Records bounds the records one input makes the engine write,
	// together, in bytes: max.message.bytes of wfctl.records, wfctl.jobs
	// and wfctl.deployments (default [DefaultMaxRecordsSize]).
	Records int
}

// Defaults of [Limits].
const (
	DefaultMaxCommandSize  = 8 << 20
	DefaultMaxDocumentSize = 4 << 20
	DefaultMaxRecordsSize  = 32 << 20
	// maxLimit keeps every limit below what Kafka clients read and write
	// by default (franz-go's and librdkafka's 100 MiB).
	maxLimit = 64 << 20
)

func (l *Limits) withDefaults() error {
	if l.Command == 0 {
		l.Command = DefaultMaxCommandSize
	}
	if l.Document == 0 {
		l.Document = DefaultMaxDocumentSize
	}
	if l.Records == 0 {
		l.Records = DefaultMaxRecordsSize
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"max-command-size", l.Command}, {"max-document-size", l.Document}, {"max-records-size", l.Records}} {
		if c.n < 1024 || c.n > maxLimit {
			return &OptionError{Option: c.name, Err: fmt.Errorf("%d bytes: want 1 KiB to 64 MiB", c.n)}
		}
	}
	if l.Document > l.Command {
		return &OptionError{Option: "max-document-size", Err: fmt.Errorf("%d bytes is over --max-command-size (%d): a command holds its document", l.Document, l.Command)}
	}
	if l.Records < 2*l.Command {
		return &OptionError{Option: "max-records-size", Err: fmt.Errorf("%d bytes: want at least twice --max-command-size (%d), since the engine's records repeat a command's document", l.Records, l.Command)}
	}
	return nil
}

// Gate judges a model of the models folder before the server deploys
// it: model is the file's name (slash-separated, relative to the models
// folder), content what would be deployed. A model the gate refuses (ok
// false) is not deployed and blocks no other; diagnostics, shown in the
// model's notice either way, say why (file:line:col) and what to do, or
// what a model that passed should still be told (warnings). `wfctl dev`
// passes the gate `wfctl deploy` uses, so that both deploy the same
// models. It is called on the server's goroutine, one model at a time.
type Gate func(model string, content []byte) (diagnostics string, ok bool)

// OptionError is an invalid option: a usage error, not an infrastructure
// one.
type OptionError struct {
	Option string
	Err    error
}

func (e *OptionError) Error() string { return fmt.Sprintf("%s: %v", e.Option, e.Err) }
func (e *OptionError) Unwrap() error { return e.Err }

// NoticeKind says what a [Notice] is about.
type NoticeKind int

// Notice kinds.
const (
	// ModelDeployed: a model file made new process versions.
	ModelDeployed NoticeKind = iota + 1
	// ModelUnchanged: a model file was deployed again, but equals the
	// latest version (a duplicate).
	ModelUnchanged
	// ModelRejected: a model file was not deployed: the gate (see
	// [Gate]) refused it, or the engine rejected it; Message holds the
	// diagnostics.
	ModelRejected
	// ModelUnreadable: a model file could not be read.
	ModelUnreadable
	// TopicAdded: a domain topic is consumed from now on (created when
	// missing).
	TopicAdded
	// TopicInvalid: a model names a domain topic that cannot exist;
	// Message says why.
	TopicInvalid
	// InputSetAside: an input (Input: its topic/partition@offset) was
	// quarantined, Message says why; the server rebuilt its state from
	// what was committed and goes on without it.
	InputSetAside
	// InputRefused: a domain record was not published, Message says why
	// (over a limit).
	InputRefused
	// SnapshotFailed: a snapshot could not be written, or the one in the
	// data folder could not be used (the whole history is folded);
	// Message says why. Nothing is lost.
	SnapshotFailed
)

// Notice is something the server did that a user wants to know about.
type Notice struct {
	Kind NoticeKind
	// Model is the model file (relative to the models folder) or "".
	Model string
	// Topic is the domain topic of a TopicAdded notice.
	Topic string
	// Processes are the processes a model deployed, new and duplicate;
	// Decisions the decisions a .dmn file deployed.
	Processes []engine.ProcessMetadata
	Decisions []engine.DecisionMetadata
	// Input is the input (topic/partition@offset) of an InputSetAside or
	// InputRefused notice.
	Input string
	// Message is the diagnostics of a rejected or unreadable model (or
	// the gate's warnings about a deployed one), or what is wrong with a
	// topic name or an input.
	Message string
}
