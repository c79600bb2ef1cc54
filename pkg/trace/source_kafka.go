package trace

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// KafkaOptions configure a read from brokers.
type KafkaOptions struct {
	// Stall is how long brokers may not answer while the replay waits for
	// them before it fails (see kafka.PacedOptions); 0 waits forever.
	Stall time.Duration
}

// Per partition, how many records may wait between the fetch and the
// merge: above high the partition is paused, below low resumed (and the
// reader polls for more only while some partition is low). The gap holds
// a whole fetch (1 MiB of a partition, ~17,000 demo records), so that
// partitions taken at an even pace are never paused: a pause drops what
// was fetched for the partition, to be fetched and decoded again.
const (
	partitionHigh = 32 << 10
	partitionLow  = 8 << 10
)

// RunKafka replays a topic history from brokers: every partition of
// every topic is fetched concurrently, mapped where it is read, and
// merged in event-time order (see the package documentation).
func (t *Tracer) RunKafka(ctx context.Context, cl *kgo.Client, h kafka.History, o KafkaOptions, progress Progress) (*Report, error) {
	plan, err := t.plan(ctx, cl, h, o)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	total := plannedRecords(plan) // before the reader counts what it delivers there
	streams := make([]*stream, 0, len(plan.Partitions))
	var feeders sync.WaitGroup
	open := func(resume func()) kafka.PartitionSink {
		ks := newKafkaStream(t, resume)
		out := make(chan []event, 4)
		st := newStream(out, ks.taken)
		ks.batch = st.batch
		streams = append(streams, st)
		feeders.Go(func() {
			defer close(out)
			ks.feed(ctx, false, func(b []event, _ bool) bool {
				if b == nil {
					return true
				}
				select {
				case out <- b:
					return true
				case <-ctx.Done():
					return false
				}
			})
		})
		return ks
	}
	readErr := make(chan error, 1)
	opened := make(chan struct{})
	go func() {
		err := kafka.ReadPaced(ctx, cl, plan, kafka.PacedOptions{Stall: o.Stall}, func(_ kafka.PartitionRange, resume func()) kafka.PartitionSink {
			s := open(resume)
			if len(streams) == len(plan.Partitions) {
				close(opened)
			}
			return s
		})
		if err != nil {
			cancel(err) // the streams wait for records that will not come
		}
		readErr <- err
	}()
	if len(plan.Partitions) > 0 {
		<-opened // open runs for every partition before anything is read
	}
	rep, err := t.replay(ctx, streams, total, progress)
	cancel(err)
	feeders.Wait()
	if rerr := <-readErr; rerr != nil && !errors.Is(rerr, context.Canceled) {
		return nil, rerr
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// plan takes the snapshot, giving up when brokers do not answer within
// the stall limit.
func (t *Tracer) plan(ctx context.Context, cl *kgo.Client, h kafka.History, o KafkaOptions) (*kafka.Snapshot, error) {
	if o.Stall > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*o.Stall)
		defer cancel()
	}
	return kafka.Plan(ctx, cl, h)
}

func plannedRecords(s *kafka.Snapshot) int64 {
	var n int64
	for i := range s.Partitions {
		n += s.Partitions[i].End - s.Partitions[i].Start
	}
	return n
}

// kafkaStream is one partition between the fetch loop and the merge: the
// fetch loop pushes records without blocking, feed maps them into events
// on a goroutine of its own, and the merge takes them.
type kafkaStream struct {
	m      *correlate.Mapper
	resume func()
	// batch returns a batch for n events (default: a new one).
	batch func(n int) []event

	mu       sync.Mutex
	cond     sync.Cond
	raw      [][]*kgo.Record
	caughtUp bool
	queued   int // records pushed and not yet taken by the merge
}

func newKafkaStream(t *Tracer, resume func()) *kafkaStream {
	ks := &kafkaStream{m: t.mapper, resume: resume}
	ks.cond.L = &ks.mu
	return ks
}

// Push is kafka.PartitionSink's.
func (ks *kafkaStream) Push(recs []*kgo.Record, caughtUp bool) bool {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if len(recs) > 0 {
		ks.raw = append(ks.raw, recs)
		ks.queued += len(recs)
	}
	ks.caughtUp = ks.caughtUp || caughtUp
	ks.cond.Signal()
	return ks.queued >= partitionHigh
}

// taken is the merge's word that it took n events.
func (ks *kafkaStream) taken(n int) {
	ks.mu.Lock()
	ks.queued -= n
	low := ks.queued <= partitionLow
	ks.mu.Unlock()
	if low {
		ks.resume()
	}
}

// feed maps pushed records into batches of events and sends them, until
// the partition has caught up (or ctx ends); send is told, once, when it
// has (with no events). Following, it goes on after that.
func (ks *kafkaStream) feed(ctx context.Context, follow bool, send func(b []event, caughtUp bool) bool) {
	stop := context.AfterFunc(ctx, func() {
		ks.mu.Lock()
		ks.cond.Broadcast()
		ks.mu.Unlock()
	})
	defer stop()
	var rec correlate.Record
	told := false
	for {
		ks.mu.Lock()
		for len(ks.raw) == 0 && (!ks.caughtUp || told) && ctx.Err() == nil {
			ks.cond.Wait()
		}
		if ctx.Err() != nil {
			ks.mu.Unlock()
			return
		}
		if len(ks.raw) == 0 { // caught up, and not yet told
			ks.mu.Unlock()
			told = true
			if !send(nil, true) || !follow {
				return
			}
			continue
		}
		recs := ks.raw[0]
		ks.raw[0] = nil
		ks.raw = ks.raw[1:]
		ks.mu.Unlock()
		for len(recs) > 0 {
			n := min(len(recs), batchSize)
			var b []event
			if ks.batch != nil {
				b = ks.batch(n)
			} else {
				b = make([]event, n)
			}
			for i, kr := range recs[:n] {
				correlate.FromKafka(kr, &rec)
				toEvent(ks.m, &rec, &b[i])
			}
			recs = recs[n:]
			if !send(b, false) {
				return
			}
		}
	}
}
