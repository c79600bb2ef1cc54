package kafka

import (
	"context"
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ReadHistory reads the records of a snapshot ([Plan]) and calls fn for
// each, one at a time: in offset order within a partition, interleaved
// across partitions as they arrive. It returns the snapshot with the counts
// delivered, once every partition has reached its end, or, with Follow,
// when ctx ends (a follow read's normal end, so then the error is nil).
// An error from fn stops the read and is returned as is.
//
// How it reads, and why:
//
//   - The end offsets are listed before anything is read, so the history is
//     what the topics held at that moment, however fast producers write.
//   - No consumer group: every partition is assigned directly
//     (kgo.ConsumePartitions) at the offset the plan resolved, so nothing is
//     committed, nothing rebalances, and no group is left behind.
//   - The isolation level is cl's (read_committed unless isolation.level
//     says otherwise; see [Config.Opts]): records of aborted transactions
//     are never delivered.
//   - A partition is done when its position reaches the end offset, counting
//     transaction markers, which take offsets but are never delivered (they
//     are fetched with kgo.KeepControlRecords and dropped here): a log whose
//     last offset is a commit marker would otherwise never look finished.
//
// cl is used as it is configured (from [NewClient]); the records are read
// with a second client built from cl's options.
func ReadHistory(ctx context.Context, cl *kgo.Client, h History, fn func(*kgo.Record) error) (*Snapshot, error) {
	return read(ctx, cl, h, func(*Snapshot) (sink, func() error) {
		return func(_ *PartitionRange, recs []*kgo.Record, _ bool) error {
			for _, r := range recs {
				if err := fn(r); err != nil {
					return err
				}
			}
			return nil
		}, func() error { return nil }
	})
}

// sink takes a partition's next records and whether it has just caught up.
type sink func(p *PartitionRange, recs []*kgo.Record, caughtUp bool) error

type partitionState struct {
	rng      *PartitionRange
	caughtUp bool
}

func read(ctx context.Context, cl *kgo.Client, h History, newSink func(*Snapshot) (sink, func() error)) (snap *Snapshot, err error) {
	snap, err = Plan(ctx, cl, h)
	if err != nil {
		return nil, err
	}
	deliver, finish := newSink(snap)
	defer func() {
		if ferr := finish(); err == nil {
			err = ferr
		}
	}()
	var setup func() ([]kgo.Opt, func(*kgo.Client))
	if len(h.Consumer) > 0 {
		setup = func() ([]kgo.Opt, func(*kgo.Client)) { return h.Consumer, nil }
	}
	return snap, readSnapshot(ctx, cl, snap, h.Follow, deliver, setup, nil)
}

// readSnapshot reads a planned history. setup, when not nil, adds options
// to the consumer it builds (hooks), and is told the consumer once built.
// gate, when not nil, is waited on before each poll: a reader whose
// sinks hold enough does not poll, so the consumer, which buffers one
// fetch per broker, stops fetching (backpressure without pausing).
func readSnapshot(ctx context.Context, cl *kgo.Client, snap *Snapshot, follow bool, deliver sink, setup func() ([]kgo.Opt, func(*kgo.Client)), gate func(context.Context) error) error {
	r := &reader{follow: follow, deliver: deliver, gate: gate, states: map[string]map[int32]*partitionState{}}
	starts, err := r.assign(snap)
	if err != nil || r.pending == 0 && !follow {
		return err
	}
	opts := append(slices.Clone(cl.Opts()),
		kgo.ConsumePartitions(starts),
		kgo.KeepControlRecords(), // to see offsets taken by transaction markers
	)
	var built func(*kgo.Client)
	if setup != nil {
		var extra []kgo.Opt
		extra, built = setup()
		opts = append(opts, extra...)
	}
	consumer, err := kgo.NewClient(opts...)
	if err != nil {
		return &ConfigError{Err: fmt.Errorf("kafka consumer: %w", err)}
	}
	defer consumer.Close()
	r.consumer = consumer
	if built != nil {
		built(consumer)
	}
	return r.run(ctx)
}

// assign sets up each partition's state and returns the offsets to start
// consuming from. A partition with nothing to read is caught up at once,
// and not consumed at all unless following.
func (r *reader) assign(snap *Snapshot) (map[string]map[int32]kgo.Offset, error) {
	starts := map[string]map[int32]kgo.Offset{}
	for i := range snap.Partitions {
		p := &snap.Partitions[i]
		st := &partitionState{rng: p, caughtUp: p.Start >= p.End}
		if st.caughtUp {
			if err := r.deliver(p, nil, true); err != nil {
				return nil, err
			}
		}
		if st.caughtUp && !r.follow {
			continue
		}
		if r.states[p.Topic] == nil {
			r.states[p.Topic], starts[p.Topic] = map[int32]*partitionState{}, map[int32]kgo.Offset{}
		}
		r.states[p.Topic][p.Partition] = st
		starts[p.Topic][p.Partition] = kgo.NewOffset().At(p.Start)
		if !st.caughtUp {
			r.pending++
		}
	}
	return starts, nil
}

type reader struct {
	consumer *kgo.Client
	states   map[string]map[int32]*partitionState
	follow   bool
	deliver  sink
	gate     func(context.Context) error
	pending  int // partitions not yet caught up
}

func (r *reader) run(ctx context.Context) error {
	for r.pending > 0 || r.follow {
		if r.gate != nil {
			if err := r.gate(ctx); err != nil {
				if r.follow && context.Cause(ctx) == ctx.Err() {
					return nil
				}
				return err
			}
		}
		fetches := r.consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			if r.follow && context.Cause(ctx) == ctx.Err() {
				return nil // the caller ended the follow
			}
			return context.Cause(ctx)
		}
		done := map[string][]int32{}
		for _, f := range fetches {
			for _, t := range f.Topics {
				for _, p := range t.Partitions {
					if err := r.partition(t.Topic, p, done); err != nil {
						return err
					}
				}
			}
		}
		if len(done) > 0 {
			r.consumer.RemoveConsumePartitions(done)
		}
	}
	return nil
}

// partition handles one fetched partition: drops control records, stops
// at the range's end, and notes when the partition catches up.
func (r *reader) partition(topic string, p kgo.FetchPartition, done map[string][]int32) error {
	if p.Err != nil {
		return classify(fmt.Errorf("reading %s/%d: %w", topic, p.Partition, p.Err), seedBrokers(r.consumer), nil)
	}
	st := r.states[topic][p.Partition]
	if st == nil || st.caughtUp && !r.follow {
		return nil // a fetch that was in flight when the partition finished
	}
	recs := make([]*kgo.Record, 0, len(p.Records))
	caughtUpNow := false
	for _, rec := range p.Records {
		if !st.caughtUp && rec.Offset >= st.rng.End {
			st.caughtUp, caughtUpNow = true, true
		}
		if st.caughtUp && !r.follow {
			break
		}
		if !rec.Attrs.IsControl() {
			recs = append(recs, rec)
		}
		if !st.caughtUp && rec.Offset+1 >= st.rng.End {
			st.caughtUp, caughtUpNow = true, true
		}
	}
	st.rng.Delivered += int64(len(recs))
	if caughtUpNow {
		r.pending--
		if !r.follow {
			done[topic] = append(done[topic], p.Partition)
		}
	}
	if len(recs) == 0 && !caughtUpNow {
		return nil
	}
	return r.deliver(st.rng, recs, caughtUpNow)
}
