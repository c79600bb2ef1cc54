package dev

import (
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
	// Now is the wall clock the engine follows (default time.Now).
	Now func() time.Time
	// Notify receives what the server does that a user wants to know
	// about (a model deployed or rejected, a topic added). It is called
	// from the server's goroutines, one call at a time.
	Notify func(Notice)

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
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Notify == nil {
		o.Notify = func(Notice) {}
	}
	return nil
}

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
	// ModelRejected: the engine rejected a model file; Message holds
	// the validator's diagnostics.
	ModelRejected
	// ModelUnreadable: a model file could not be read.
	ModelUnreadable
	// TopicAdded: a domain topic is consumed from now on (created when
	// missing).
	TopicAdded
	// TopicInvalid: a model names a domain topic that cannot exist;
	// Message says why.
	TopicInvalid
)

// Notice is something the server did that a user wants to know about.
type Notice struct {
	Kind NoticeKind
	// Model is the model file (relative to the models folder) or "".
	Model string
	// Topic is the domain topic of a TopicAdded notice.
	Topic string
	// Processes are the processes a model deployed, new and duplicate.
	Processes []engine.ProcessMetadata
	// Message is the diagnostics of a rejected or unreadable model, or
	// what is wrong with a topic name.
	Message string
}
