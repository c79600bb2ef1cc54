package kafka

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// PartitionSink takes one partition's records in a [ReadPaced] read.
type PartitionSink interface {
	// Push hands over the partition's next records, in offset order;
	// caughtUp says the partition has just reached the end of its range.
	// Push must not block: it returns full when the sink holds as much as
	// it should, and the partition is then not fetched until the sink
	// calls the resume function it was opened with. The sink calls resume
	// too whenever it runs low (it may call it often): the read polls for
	// more only while some partition has run low since it last pushed to
	// it, so that, with partitions taken at an even pace, none fills up
	// and is paused (pausing drops what the consumer had fetched for the
	// partition, to be fetched again: 30% more records decoded in a
	// trace of the demo history, before this gate).
	Push(recs []*kgo.Record, caughtUp bool) (full bool)
}

// PacedOptions configure [ReadPaced].
type PacedOptions struct {
	// Follow keeps reading past the snapshot's ends until ctx ends.
	Follow bool
	// Stall is how long the read waits for brokers that do not answer
	// while it has partitions to fetch, before it fails with a
	// [*StallError]; 0 waits forever. franz-go retries and reconnects on
	// its own, so a broker that freezes or restarts for less than this is
	// only a pause.
	Stall time.Duration
}

// StallError is a read that stopped because no broker answered for
// longer than [PacedOptions.Stall]: the broker died, froze, or the
// network between went away. It is an infrastructure failure (errors.As
// finds the [*InfraError] it wraps) and says how far the read got.
type StallError struct {
	*InfraError
	// Read and Total count the records read and planned.
	Read, Total int64
}

func (e *StallError) Unwrap() error { return e.InfraError }

// ReadPaced reads a planned history ([Plan]) and hands each partition's
// records to its own sink, without ever blocking the fetch loop: a sink
// that is full pauses its partition (kgo.PauseFetchPartitions) until it
// resumes it, so memory stays bounded while a consumer takes partitions
// at different paces — an event-time merge of many partitions needs
// exactly that, since it waits on whichever partition is behind in time
// while the others must not be fetched without end. Records are read as
// [ReadHistory] reads them (no group, read committed, transaction markers
// counted). open is called for every partition of snap before anything
// is read.
func ReadPaced(ctx context.Context, cl *kgo.Client, snap *Snapshot, o PacedOptions, open func(p PartitionRange, resume func()) PartitionSink) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	p := &pacer{snap: snap, follow: o.Follow, parts: map[*PartitionRange]*pacedPartition{}}
	p.cond.L = &p.mu
	p.lastRead.Store(time.Now().UnixNano())
	for i := range snap.Partitions {
		pr := &snap.Partitions[i]
		pp := &pacedPartition{done: pr.Start >= pr.End, low: true}
		p.parts[pr] = pp
		pp.sink = open(*pr, func() { p.resume(pr) })
	}
	setup := func() ([]kgo.Opt, func(*kgo.Client)) {
		return []kgo.Opt{kgo.WithHooks(readHook{&p.lastRead})}, p.consumer.Store
	}
	if o.Stall > 0 {
		stop := make(chan struct{})
		defer close(stop)
		go p.watch(o.Stall, seedList(cl), cancel, stop)
	}
	return readSnapshot(ctx, cl, snap, o.Follow, p.deliver, setup, p.gate)
}

// gate waits until some partition wants records: it is not paused, not
// done (or followed), and has run low.
func (p *pacer) gate(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.wanting() {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		p.cond.Wait()
	}
	return nil
}

// wanting reports whether some partition waits for the brokers: not
// paused, not done (or followed), and low. p.mu is held.
func (p *pacer) wanting() bool {
	for _, pp := range p.parts {
		if pp.low && !pp.paused && (p.follow || !pp.done) {
			return true
		}
	}
	return false
}

// pacer pauses and resumes partitions for their sinks, and watches that
// brokers answer while there is something to fetch.
type pacer struct {
	snap     *Snapshot
	follow   bool
	consumer atomic.Pointer[kgo.Client]
	// mu orders a sink's Push and the pause it asks for against its
	// resume: a resume that comes between them waits, then undoes the
	// pause, rather than running first and leaving the partition paused
	// for good.
	mu       sync.Mutex
	cond     sync.Cond // on mu: a partition ran low or was resumed
	parts    map[*PartitionRange]*pacedPartition
	read     atomic.Int64
	lastRead atomic.Int64 // unix nanoseconds of the last answer read from a broker
}

type pacedPartition struct {
	sink   PartitionSink
	paused bool
	low    bool  // the sink ran low (or resumed) since the last push
	done   bool  // caught up
	read   int64 // records delivered
	next   int64 // the offset after the last record delivered
}

func (p *pacer) deliver(pr *PartitionRange, recs []*kgo.Record, caughtUp bool) error {
	p.read.Add(int64(len(recs)))
	p.mu.Lock()
	defer p.mu.Unlock()
	pp := p.parts[pr]
	pp.read += int64(len(recs))
	if len(recs) > 0 {
		pp.next = recs[len(recs)-1].Offset + 1
	}
	pp.done = pp.done || caughtUp
	if len(recs) > 0 {
		pp.low = false
	}
	if pp.sink.Push(recs, caughtUp) && !pp.paused && p.consumer.Load() != nil {
		pp.paused = true
		p.consumer.Load().PauseFetchPartitions(map[string][]int32{pr.Topic: {pr.Partition}})
	}
	return nil
}

func (p *pacer) resume(pr *PartitionRange) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pp := p.parts[pr]
	if pp.paused {
		pp.paused = false
		p.consumer.Load().ResumeFetchPartitions(map[string][]int32{pr.Topic: {pr.Partition}})
	}
	if !pp.low {
		pp.low = true
		p.cond.Broadcast()
	}
}

// fetching reports whether some partition waits for the brokers.
func (p *pacer) fetching() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.wanting()
}

// watch fails the read when brokers have not answered for longer than
// stall while partitions wait for them. A paused read waits for its
// consumer, not for the brokers, and does not count.
func (p *pacer) watch(stall time.Duration, brokers string, cancel context.CancelCauseFunc, stop <-chan struct{}) {
	every := min(max(stall/8, 10*time.Millisecond), time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if !p.fetching() {
			p.lastRead.Store(time.Now().UnixNano()) // the wait starts when fetching does
			continue
		}
		if silent := time.Since(time.Unix(0, p.lastRead.Load())); silent > stall {
			cancel(p.stallError(brokers, silent, stall))
			return
		}
	}
}

func (p *pacer) stallError(brokers string, silent, stall time.Duration) error {
	var total int64
	for i := range p.snap.Partitions {
		total += p.snap.Partitions[i].End - p.snap.Partitions[i].Start
	}
	read := p.read.Load()
	msg := fmt.Sprintf("broker %s has not answered for %s (request timeout %s: --request-timeout or -X request.timeout.ms): stopped after reading %d of %d records",
		brokers, silent.Round(100*time.Millisecond), stall, read, total)
	if behind := p.behind(); behind != "" {
		msg += "; not read to the end: " + behind
	}
	return &StallError{InfraError: &InfraError{Kind: ErrUnreachable, Msg: msg}, Read: read, Total: total}
}

// behind names the partitions not read to their end, with their position.
func (p *pacer) behind() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for i := range p.snap.Partitions {
		pr := &p.snap.Partitions[i]
		pp := p.parts[pr]
		if pp.done {
			continue
		}
		if len(parts) == 5 {
			parts = append(parts, "...")
			break
		}
		at := max(pp.next, pr.Start)
		parts = append(parts, fmt.Sprintf("%s/%d at offset %d of %d", pr.Topic, pr.Partition, at, pr.End))
	}
	return strings.Join(parts, ", ")
}

// readHook notes when a broker last answered.
type readHook struct{ last *atomic.Int64 }

func (h readHook) OnBrokerRead(_ kgo.BrokerMetadata, _ int16, _ int, _, _ time.Duration, err error) {
	if err == nil {
		h.last.Store(time.Now().UnixNano())
	}
}
