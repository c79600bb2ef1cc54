package trace

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Progress is told how many records were replayed of how many (total is
// 0 when unknown).
type Progress func(done, total int64)

// Warnf reports something the user should know that does not stop a
// trace (a fallback, skipped lines).
type Warnf func(format string, args ...any)

// run is one replay: the merge feeds a router, which hands each message
// to the shard that owns its correlation key.
type run struct {
	t      *Tracer
	ctx    context.Context
	cancel context.CancelCauseFunc
	shards []*shard
	in     []chan []event
	free   chan []event
	batch  [][]event
	wg     sync.WaitGroup

	merge       merger
	records     int64
	notModelled int64
	skipped     int64
	samples     []Unfit

	total    int64
	progress Progress
}

// shardQueue is how many batches a shard may have waiting.
const shardQueue = 16

func (t *Tracer) newRun(ctx context.Context, total int64, progress Progress) (*run, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	r := &run{t: t, ctx: ctx, cancel: cancel, total: total, progress: progress, free: make(chan []event, t.shards*(shardQueue+2))}
	for range t.shards {
		s, err := t.newShard()
		if err != nil {
			cancel(nil)
			return nil, err
		}
		in := make(chan []event, shardQueue)
		r.shards, r.in = append(r.shards, s), append(r.in, in)
		r.batch = append(r.batch, r.newBatch())
		r.wg.Go(func() { r.work(s, in) })
	}
	return r, nil
}

// work runs a shard's batches; after an error it drains its queue, so
// the router never blocks on it.
func (r *run) work(s *shard, in <-chan []event) {
	for b := range in {
		if r.ctx.Err() == nil {
			for i := range b {
				if err := s.run(&b[i]); err != nil {
					r.cancel(err)
					break
				}
			}
		}
		select {
		case r.free <- b:
		default:
		}
	}
}

func (r *run) newBatch() []event {
	select {
	case b := <-r.free:
		return b[:0]
	default:
		return make([]event, 0, batchSize)
	}
}

// emit takes the merge's next event.
func (r *run) emit(ev *event) {
	r.records++
	switch ev.kind {
	case evNotModelled:
		r.notModelled++
	case evSkipped:
		r.skipped++
		if len(r.samples) < maxSamples {
			r.samples = append(r.samples, Unfit{Location: ev.loc, MessageName: ev.name, Reason: ev.reason})
		}
	default:
		i := 0
		if len(r.shards) > 1 {
			i = int(hashKey(ev.key) % uint64(len(r.shards)))
		}
		r.batch[i] = append(r.batch[i], *ev)
		if len(r.batch[i]) == batchSize {
			r.send(i)
		}
	}
	if r.progress != nil && r.records&4095 == 0 {
		r.progress(r.records, r.total)
	}
}

func (r *run) send(i int) {
	select {
	case r.in[i] <- r.batch[i]:
	case <-r.ctx.Done():
	}
	r.batch[i] = r.newBatch()
}

// hashKey is FNV-1a: shards by correlation key, the same on every run.
func hashKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// replay merges the streams through the shards and builds the report.
func (t *Tracer) replay(ctx context.Context, streams []*stream, total int64, progress Progress) (*Report, error) {
	start := time.Now()
	r, err := t.newRun(ctx, total, progress)
	if err != nil {
		return nil, err
	}
	defer r.cancel(nil)
	err = r.merge.run(r.ctx, streams, r.emit)
	if err == nil {
		err = r.drain()
	} else {
		r.stop()
	}
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(r.records, max(total, r.records))
	}
	return r.finish(time.Since(start))
}

// flush hands every shard its batch so far.
func (r *run) flush() {
	for i := range r.shards {
		if len(r.batch[i]) > 0 {
			r.send(i)
		}
	}
}

// snapshot moves every shard's clock to asOf, between the records it has
// had, and returns what each holds.
func (r *run) snapshot(asOf time.Time) ([]*partial, error) {
	r.flush()
	reply := make(chan *partial, len(r.shards))
	for i := range r.shards {
		r.batch[i] = append(r.batch[i], event{ctl: &control{asOf: asOf, reply: reply}})
		r.send(i)
	}
	parts := make([]*partial, 0, len(r.shards))
	for range r.shards {
		select {
		case p := <-reply:
			parts = append(parts, p)
		case <-r.ctx.Done():
			return nil, context.Cause(r.ctx)
		}
	}
	return parts, nil
}

// drain hands the last batches to the shards and waits for them.
func (r *run) drain() error {
	r.flush()
	r.stop()
	if err := context.Cause(r.ctx); err != nil {
		return err
	}
	return nil
}

func (r *run) stop() {
	for _, in := range r.in {
		close(in)
	}
	r.wg.Wait()
}

// asOf is the time stalls are judged at: the option, or the newest
// record's time; zero when there is neither.
func (r *run) asOf() time.Time {
	o := r.t.opts
	if !o.AsOfLast && !o.AsOf.IsZero() {
		return o.AsOf.UTC()
	}
	if r.records == 0 {
		return time.Time{}
	}
	return time.UnixMilli(r.merge.clock).UTC()
}

// finish advances every shard to as-of and builds the report.
func (r *run) finish(elapsed time.Duration) (*Report, error) {
	asOf := r.asOf()
	parts := make([]*partial, len(r.shards))
	errs := make([]error, len(r.shards))
	var wg sync.WaitGroup
	for i, s := range r.shards {
		parts[i] = &partial{stuck: map[string]*StuckAt{}}
		wg.Go(func() {
			if !asOf.IsZero() {
				errs[i] = s.finish(asOf, parts[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rep, err := r.report(asOf, parts)
	if err != nil {
		return nil, err
	}
	rep.Summary.ReplaySeconds = elapsed.Seconds()
	if elapsed > 0 {
		rep.Summary.RecordsPerSec = float64(rep.Summary.Records) / elapsed.Seconds()
	}
	return rep, nil
}

// partial is one shard's share of a report.
type partial struct {
	started, completed int64
	unfit              []unfitAt
	unfitN             int
	incidents          int
	incidentUnfit      []Unfit
	timedOut, stalled  []Instance
	stuck              map[string]*StuckAt
	timings            *timings
}

func (r *run) report(asOf time.Time, parts []*partial) (*Report, error) {
	rep := &Report{StuckAt: []StuckAt{}, Stalled: []Instance{}, TimedOut: []Instance{}, Unfit: []Unfit{}, Skipped: []Unfit{}}
	s := &rep.Summary
	s.Records, s.NotModelled, s.Skipped, s.Late = r.records, r.notModelled, r.skipped, r.merge.late
	s.AsOf = asOf
	stuck := map[string]*StuckAt{}
	var unfit []unfitAt
	for _, p := range parts {
		s.Instances += p.started
		s.Completed += p.completed
		s.Unfit += p.unfitN + len(p.incidentUnfit)
		s.Incidents += p.incidents
		unfit = append(unfit, p.unfit...)
		rep.Unfit = append(rep.Unfit, p.incidentUnfit...)
		rep.Stalled = append(rep.Stalled, p.stalled...)
		rep.TimedOut = append(rep.TimedOut, p.timedOut...)
		for id, st := range p.stuck {
			if cur := stuck[id]; cur == nil {
				stuck[id] = st
			} else {
				cur.Count += st.Count
				cur.Stalled += st.Stalled
				if st.OldestSince.Before(cur.OldestSince) {
					cur.OldestSince = st.OldestSince
				}
			}
		}
	}
	// The first unfit records in event-time order, whatever the shards.
	sort.Slice(unfit, func(i, j int) bool { return unfit[i].seq < unfit[j].seq })
	for _, u := range unfit[:min(len(unfit), maxListed)] {
		rep.Unfit = append(rep.Unfit, u.Unfit)
	}
	rep.Skipped = append(rep.Skipped, r.samples...)
	s.InFlight = s.Instances - s.Completed
	s.Stalled = len(rep.Stalled)
	s.TimedOut = len(rep.TimedOut)
	for _, st := range stuck {
		rep.StuckAt = append(rep.StuckAt, *st)
	}
	sortReport(rep)
	return rep, r.timings(rep, parts)
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
			a, b := l[i], l[j]
			switch {
			case !a.WaitingSince.Equal(b.WaitingSince):
				return a.WaitingSince.Before(b.WaitingSince)
			case a.CorrelationKey != b.CorrelationKey:
				return a.CorrelationKey < b.CorrelationKey
			case a.ProcessID != b.ProcessID:
				return a.ProcessID < b.ProcessID
			}
			return seqOf(a.InstanceKey) < seqOf(b.InstanceKey)
		})
	}
	byAge(rep.Stalled)
	byAge(rep.TimedOut)
	sort.Slice(rep.Unfit, func(i, j int) bool {
		a, b := rep.Unfit[i], rep.Unfit[j]
		switch {
		case a.Topic != b.Topic:
			return a.Topic < b.Topic
		case a.Partition != b.Partition:
			return a.Partition < b.Partition
		case a.Offset != b.Offset:
			return a.Offset < b.Offset
		case a.Reason != b.Reason:
			return strings.Compare(a.Reason, b.Reason) < 0
		}
		return a.CorrelationKey < b.CorrelationKey
	})
}

func seqOf(key string) int64 {
	n, _ := strconv.ParseInt(key, 10, 64)
	return n
}
