package trace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/kafka"
)

// Progress is told how many records were read of how many (total is 0
// when unknown, as for a file).
type Progress func(read, total int64)

// Warnf reports something the user should know that does not stop a
// trace (a fallback, skipped lines).
type Warnf func(format string, args ...any)

// RunKafka replays a topic history from a broker. Partitions are replayed
// in parallel, one engine each; if a record's correlation key turns out
// not to be its record key, an instance's records may span partitions,
// and the history is replayed again through a single engine.
func (t *Tracer) RunKafka(ctx context.Context, cl *kgo.Client, h kafka.History, progress Progress, warn Warnf) (*Report, error) {
	plan, err := kafka.Plan(ctx, cl, h)
	if err != nil {
		return nil, err
	}
	total := plan.Records()
	start := time.Now()
	r := t.newRun(false)
	var read atomic.Int64
	_, err = kafka.ReadPartitions(ctx, cl, h, func(p kafka.PartitionRange) kafka.PartitionHandler {
		return &partitionFeed{run: r, topic: p.Topic, partition: p.Partition, read: &read, total: total, progress: progress}
	})
	if err != nil {
		return nil, err
	}
	if r.mismatched() {
		warn("some records' correlation key is not their record key: replaying again through one engine, in the order records arrive")
		r = t.newRun(true)
		read.Store(0)
		_, err = kafka.ReadHistory(ctx, cl, h, (&partitionFeed{run: r, read: &read, total: total, progress: progress}).Record)
		if err != nil {
			return nil, err
		}
	}
	return r.report(time.Since(start)), nil
}

// partitionFeed hands one partition's records to its replay.
type partitionFeed struct {
	run       *run
	topic     string
	partition int32
	rp        *replay
	read      *atomic.Int64
	total     int64
	progress  Progress
	rec       Record
	// caughtUp, when set, is told that the partition reached its end.
	caughtUp func()
}

func (f *partitionFeed) Record(kr *kgo.Record) error {
	rp := f.rp
	if rp == nil || f.run.merged {
		var err error
		if rp, err = f.run.replayFor(kr.Topic, kr.Partition); err != nil {
			return err
		}
		if !f.run.merged {
			f.rp = rp
		}
	}
	f.rec = Record{Topic: kr.Topic, Partition: kr.Partition, Offset: kr.Offset, Time: kr.Timestamp, Key: kr.Key, Value: kr.Value, Headers: f.rec.Headers[:0]}
	for _, h := range kr.Headers {
		f.rec.Headers = append(f.rec.Headers, Header{Key: h.Key, Value: h.Value})
	}
	rp.mu.Lock()
	err := rp.record(&f.rec)
	rp.mu.Unlock()
	if err != nil {
		return err
	}
	if n := f.read.Add(1); f.progress != nil && n%4096 == 0 {
		f.progress(n, f.total)
	}
	return nil
}

func (f *partitionFeed) CaughtUp() error {
	if f.caughtUp != nil {
		f.caughtUp()
	}
	return nil
}

// RunFile replays records from a kcat -J file (one envelope per line).
// Partitions are replayed apart, as from a broker, so both give the same
// report; lines that are not envelopes are counted, warned about and
// skipped.
func (t *Tracer) RunFile(open func() (io.ReadCloser, error), name string, progress Progress, warn Warnf) (*Report, error) {
	start := time.Now()
	r, err := t.runFile(open, name, false, progress, warn)
	if err != nil {
		return nil, err
	}
	if r.mismatched() {
		warn("some records' correlation key is not their record key: replaying again through one engine, in file order")
		if r, err = t.runFile(open, name, true, progress, func(string, ...any) {}); err != nil {
			return nil, err
		}
	}
	return r.report(time.Since(start)), nil
}

func (t *Tracer) runFile(open func() (io.ReadCloser, error), name string, merged bool, progress Progress, warn Warnf) (*run, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r := t.newRun(merged)
	er := kafka.NewEnvelopeReader(rc, name)
	var read atomic.Int64
	feed := &partitionFeed{run: r, read: &read, progress: progress}
	feeds := map[string]*partitionFeed{}
	bad := 0
	for {
		env, err := er.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *kafka.LineError
		if errors.As(err, &le) {
			if bad++; bad <= 3 {
				warn("%v (skipped)", le)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		f := feed
		if !merged {
			id := fmt.Sprintf("%s/%d", env.Topic, env.Partition)
			if f = feeds[id]; f == nil {
				f = &partitionFeed{run: r, read: &read, progress: progress}
				feeds[id] = f
			}
		}
		if err := f.Record(env.Record()); err != nil {
			return nil, err
		}
	}
	if bad > 3 {
		warn("%d more malformed lines skipped", bad-3)
	}
	r.badLines = int64(bad)
	return r, nil
}
