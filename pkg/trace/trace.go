// Package trace replays a Kafka topic's history through the embedded
// engine and reports which process instances stalled, where and since
// when, which took a timeout path, and which records fit no instance.
//
// Records become messages the way Zeebe's Kafka connectors do: the name
// from the CloudEvents ce_type header or the JSON field "type", the
// correlation key from the model's own zeebe:subscription expression, the
// record's timestamp as the engine's clock (so timers fire in replayed
// time). Only instances in flight are kept; completed ones are counted
// and dropped. When every record's correlation key is its record key,
// partitions are replayed in parallel, one engine each.
package trace

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
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
	// Name and CorrelationKey override where message names and keys come
	// from (nil: the defaults, see Mapper).
	Name, CorrelationKey *Source
	// StallAfter is the default threshold; StallAfterElement overrides it
	// per element id.
	StallAfter        time.Duration
	StallAfterElement map[string]time.Duration
	// AsOf is "now" for stall ages; when AsOfLast is set, the newest
	// record's timestamp is used instead.
	AsOf     time.Time
	AsOfLast bool
	// Lint configures deploy-time validation of the models.
	Lint *lint.Config
}

// Tracer holds the parsed models and the record mapping.
type Tracer struct {
	opts      Options
	resources []engine.Resource
	mapper    *Mapper
	model     *modelInfo
}

// New parses and checks the models. A model the engine would reject is
// an error that carries the validator's diagnostics (*DeployError).
func New(opts Options) (*Tracer, error) {
	if opts.StallAfter <= 0 {
		opts.StallAfter = DefaultStallAfter
	}
	var defs []*bpmn.Definitions
	t := &Tracer{opts: opts}
	for _, m := range opts.Models {
		doc, err := bpmn.Parse(m.Path, m.Src)
		if err != nil {
			return nil, err
		}
		defs = append(defs, doc.Definitions)
		t.resources = append(t.resources, engine.Resource{Name: m.Path, Content: m.Src})
	}
	mapper, err := NewMapper(defs, opts.Name, opts.CorrelationKey)
	if err != nil {
		return nil, err
	}
	if len(mapper.known) == 0 {
		return nil, fmt.Errorf("no model waits for a message: trace needs message start events, message catch events or receive tasks whose messages the topic's records carry")
	}
	t.mapper, t.model = mapper, newModelInfo(defs)
	if _, err := t.newEngine(0); err != nil {
		return nil, err
	}
	return t, nil
}

// DeployError is a model the engine rejects.
type DeployError struct{ Err error }

func (e *DeployError) Error() string { return "the engine rejects the model: " + e.Err.Error() }
func (e *DeployError) Unwrap() error { return e.Err }

func (t *Tracer) newEngine(partition int32, extra ...engine.Option) (*engine.Engine, error) {
	opts := append([]engine.Option{engine.WithPartition(partition + 1), engine.WithStartTime(time.Unix(0, 0))}, extra...)
	if t.opts.Lint != nil {
		opts = append(opts, engine.WithLintConfig(t.opts.Lint))
	}
	eng := engine.New(opts...)
	if _, err := eng.Deploy(t.resources...); err != nil {
		return nil, &DeployError{Err: err}
	}
	return eng, nil
}

// Mapper returns the record mapping (for the CLI to describe it).
func (t *Tracer) Mapper() *Mapper { return t.mapper }

// run collects the replays of one trace.
type run struct {
	t       *Tracer
	mu      sync.Mutex
	replays map[string]*replay // by "topic/partition", or "" when merged
	merged  bool
	// badLines counts file lines that were not record envelopes.
	badLines int64
}

func (t *Tracer) newRun(merged bool) *run {
	return &run{t: t, replays: map[string]*replay{}, merged: merged}
}

// replayFor returns the replay a record belongs to.
func (r *run) replayFor(topic string, partition int32) (*replay, error) {
	id := ""
	if !r.merged {
		id = topic + "/" + strconv.Itoa(int(partition))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rp := r.replays[id]; rp != nil {
		return rp, nil
	}
	rp := newReplay(r.t.mapper, r.t.model)
	// The engine's partition follows the Kafka partition, so instance keys
	// are the same however the records arrive (broker or file). Topics
	// with the same partition numbers may repeat keys; reports name the
	// topic with every instance.
	eng, err := r.t.newEngine(partition, engine.WithoutRecords(), engine.WithInstanceEnded(rp.ended))
	if err != nil {
		return nil, err
	}
	rp.eng = eng
	r.replays[id] = rp
	return rp, nil
}

// mismatched reports whether some record's correlation key differed from
// its record key, so that a partitioned replay is not to be trusted.
func (r *run) mismatched() bool {
	for _, rp := range r.replays {
		if rp.keyMismatch > 0 {
			return true
		}
	}
	return false
}

// report builds the report from every replay's state.
func (r *run) report(elapsed time.Duration) *Report {
	rep := &Report{StuckAt: []StuckAt{}, Stalled: []Instance{}, TimedOut: []Instance{}, Unfit: []Unfit{}, Skipped: []Unfit{}}
	s := &rep.Summary
	var last time.Time
	ids := make([]string, 0, len(r.replays))
	for id, rp := range r.replays {
		ids = append(ids, id)
		if rp.lastTime.After(last) {
			last = rp.lastTime
		}
	}
	sort.Strings(ids)
	s.AsOf = r.t.opts.AsOf
	if r.t.opts.AsOfLast || s.AsOf.IsZero() {
		s.AsOf = last
	}
	stuck := map[string]*StuckAt{}
	for _, id := range ids {
		rp := r.replays[id]
		s.Records += rp.records
		s.Instances += rp.started
		s.Completed += rp.completed
		s.NotModelled += rp.notModelled
		s.Skipped += rp.skipped
		s.Unfit += rp.unfitN
		rep.Unfit = append(rep.Unfit, rp.unfit...)
		rep.TimedOut = append(rep.TimedOut, rp.timedOut...)
		if len(rep.Skipped) < maxSamples {
			rep.Skipped = append(rep.Skipped, rp.samples[:min(len(rp.samples), maxSamples-len(rep.Skipped))]...)
		}
		r.t.waiting(rp, s.AsOf, stuck, rep)
	}
	s.Skipped += r.badLines
	s.InFlight = s.Instances - s.Completed
	s.Stalled = len(rep.Stalled)
	s.TimedOut = len(rep.TimedOut)
	for _, st := range stuck {
		rep.StuckAt = append(rep.StuckAt, *st)
	}
	sortReport(rep)
	s.ReplaySeconds = elapsed.Seconds()
	if elapsed > 0 {
		s.RecordsPerSec = float64(s.Records) / elapsed.Seconds()
	}
	return rep
}

// waiting finds, for every instance in flight, the element it has waited
// at longest, counts it in stuck, and reports it when it waited past its
// threshold.
func (t *Tracer) waiting(rp *replay, asOf time.Time, stuck map[string]*StuckAt, rep *Report) {
	for _, info := range rp.eng.Instances() {
		live := rp.live[info.StartCorrelationKey]
		if live == nil || live.instance != info.Key {
			live = &liveInstance{instance: info.Key, key: info.StartCorrelationKey}
		}
		// Still in flight after a timeout path (one that waits again).
		if t, ok := rp.timedOutAt(info, live, time.Time{}); ok {
			rep.TimedOut = append(rep.TimedOut, t)
		}
		if info.Incidents > 0 {
			rep.Summary.Incidents++
			for _, inc := range rp.eng.InstanceIncidents(info.Key) {
				rep.Unfit = append(rep.Unfit, Unfit{Location: live.lastRecord, CorrelationKey: live.key,
					Reason: "incident at " + inc.ElementID + ": " + inc.ErrorMessage})
				rep.Summary.Unfit++
			}
		}
		el, ok := oldestWaiting(rp.eng.ActiveElements(info.Key))
		if !ok {
			continue
		}
		st := stuck[el.ElementID]
		if st == nil {
			st = &StuckAt{ElementID: el.ElementID, ElementName: el.ElementName, OldestSince: el.Since}
			stuck[el.ElementID] = st
		}
		st.Count++
		if el.Since.Before(st.OldestSince) {
			st.OldestSince = el.Since
		}
		if asOf.Sub(el.Since) <= t.threshold(el.ElementID) {
			continue
		}
		st.Stalled++
		in := Instance{InstanceKey: strconv.FormatInt(info.Key, 10), ProcessID: info.BPMNProcessID, CorrelationKey: info.StartCorrelationKey,
			ElementID: el.ElementID, ElementName: el.ElementName, WaitingSince: el.Since, AgeSeconds: int64(asOf.Sub(el.Since) / time.Second)}
		in.LastRecord = live.lastRecord
		if in.CorrelationKey == "" {
			in.CorrelationKey = live.key
		}
		rep.Stalled = append(rep.Stalled, in)
	}
}

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

// oldestWaiting picks the element waiting longest, ignoring the scopes
// (process, sub-processes) that wait only because their children do.
func oldestWaiting(els []engine.ActiveElement) (engine.ActiveElement, bool) {
	var best engine.ActiveElement
	found := false
	for _, el := range els {
		switch el.ElementType {
		case engine.ElementProcess, engine.ElementSubProcess, engine.ElementMultiInstanceBody:
			continue
		}
		if !found || el.Since.Before(best.Since) {
			best, found = el, true
		}
	}
	return best, found
}

func sortReport(rep *Report) {
	sort.Slice(rep.StuckAt, func(i, j int) bool {
		a, b := rep.StuckAt[i], rep.StuckAt[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.ElementID < b.ElementID
	})
	byAge := func(l []Instance) {
		sort.Slice(l, func(i, j int) bool {
			if !l[i].WaitingSince.Equal(l[j].WaitingSince) {
				return l[i].WaitingSince.Before(l[j].WaitingSince)
			}
			return l[i].CorrelationKey < l[j].CorrelationKey
		})
	}
	byAge(rep.Stalled)
	byAge(rep.TimedOut)
	sort.Slice(rep.Unfit, func(i, j int) bool {
		a, b := rep.Unfit[i].Location, rep.Unfit[j].Location
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.Offset < b.Offset
	})
}
