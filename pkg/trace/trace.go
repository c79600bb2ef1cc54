// Package trace replays Kafka history through the embedded engine and
// reports which process instances stalled, where and since when, which
// took a timeout path, and which records fit no instance.
//
// How a trace runs, and why:
//
//   - Event time is the one clock. Each partition (of every topic, or of
//     a file) is read in offset order, and its records become messages
//     where they are read (package correlate). A k-way merge then takes
//     them in event-time order across all partitions: by time, then
//     topic, partition and offset, so the order is the same however the
//     records are laid out or arrive. A record whose time goes backwards
//     (a producer's clock) is replayed at the current clock and counted
//     as late.
//   - Instances are sharded by correlation key over N engines, not by
//     Kafka partition: an order's payment on topic payments meets the
//     instance its order placed on topic orders started. Each engine sees
//     its records in event-time order and ticks to each record's time, so
//     its timers fire when they would have. When the model correlates
//     messages by different keys, or starts instances by timers, one
//     engine runs everything.
//   - At the end every engine's clock advances to as-of, so everything
//     due by then has fired, before stalls are judged.
//   - Only instances in flight are kept; completed ones are counted and
//     dropped. The models are parsed, linted and compiled once and shared
//     by every engine.
//
// The report is the same for any N, any topic layout and partition count,
// and any line order of a file.
package trace

import (
	"fmt"
	"time"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/engine"
)

// DefaultStallAfter is the stall threshold of an element without a timer
// boundary or a --stall-after of its own.
const DefaultStallAfter = 24 * time.Hour

// Model is a BPMN file to trace with.
type Model struct {
	Path string
	Src  []byte
}

// Options configure a trace.
type Options struct {
	Models []Model
	// Mapping overrides where message names, correlation keys and event
	// times come from (see package correlate).
	Mapping correlate.Options
	// StallAfter is the default threshold; StallAfterElement overrides it
	// per element id.
	StallAfter        time.Duration
	StallAfterElement map[string]time.Duration
	// AsOf is "now": engines' clocks advance to it at the end, and stall
	// ages are measured to it. When AsOfLast is set, or AsOf is zero, the
	// newest record's time is used instead.
	AsOf     time.Time
	AsOfLast bool
	// Parallel is how many engines instances are sharded over (default 1).
	Parallel int
	// Lint configures deploy-time validation of the models.
	Lint *lint.Config
}

// Tracer holds what every trace of a set of models shares: the compiled
// models, the record mapping and the model facts the report needs.
type Tracer struct {
	opts   Options
	models *compiledModels
	mapper *correlate.Mapper
	model  *modelInfo
	shards int
	single string           // why one engine runs everything, when it must
	docs   []*bpmn.Document // for the HTML report's diagrams
	// noTimings leaves the time per step out: BenchmarkTimings measures
	// what it costs.
	noTimings bool
}

// New parses, validates and compiles the models. A model the engine
// would reject is a *DeployError carrying the validator's diagnostics
// (file:line:col), as `wfctl validate` prints them.
func New(opts Options) (*Tracer, error) {
	if opts.StallAfter <= 0 {
		opts.StallAfter = DefaultStallAfter
	}
	var docs []*bpmn.Document
	var resources []engine.Resource
	for _, m := range opts.Models {
		doc, err := bpmn.Parse(m.Path, m.Src)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
		resources = append(resources, engine.Resource{Name: m.Path, Content: m.Src})
	}
	models, err := compileModels(opts.Lint, resources)
	if err != nil {
		return nil, &DeployError{Err: err}
	}
	mapper, err := correlate.NewMapper(docs, opts.Mapping)
	if err != nil {
		return nil, err
	}
	if !mapper.HasMessages() {
		return nil, fmt.Errorf("no model waits for a message: trace needs message start events, message catch events or receive tasks whose messages the records carry")
	}
	t := &Tracer{opts: opts, models: models, mapper: mapper, model: newModelInfo(docs), shards: max(opts.Parallel, 1), docs: docs}
	if r := mapper.Routing(); !r.Sharded {
		t.single = r.Why
	} else if t.model.timerStarts != "" {
		t.single = t.model.timerStarts
	}
	if t.single != "" {
		t.shards = 1
	}
	return t, nil
}

// DeployError is a model the engine rejects.
type DeployError struct{ Err error }

func (e *DeployError) Error() string { return "the engine rejects the model: " + e.Err.Error() }
func (e *DeployError) Unwrap() error { return e.Err }

// Engines is how many engines a trace runs, and, when it is one though
// more were asked for, why.
func (t *Tracer) Engines() (n int, why string) {
	if t.single != "" && t.opts.Parallel > 1 {
		return 1, t.single
	}
	return t.shards, ""
}

// WaitingElements are the ids of the elements an instance can wait at
// (receive tasks, catch events, tasks, ...): what --stall-after may name.
func (t *Tracer) WaitingElements() []string { return t.model.waitingIDs }

// threshold is how long an element may wait before its instance stalls.
func (t *Tracer) threshold(elementID string) time.Duration {
	if d, ok := t.opts.StallAfterElement[elementID]; ok {
		return d
	}
	if d, ok := t.model.thresholds[elementID]; ok {
		return d
	}
	return t.opts.StallAfter
}
