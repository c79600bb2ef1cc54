package kafka

import (
	"context"
	"errors"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// PartitionHandler receives one partition's records, in offset order, on
// a goroutine of its own.
type PartitionHandler interface {
	// Record is called for each record.
	Record(*kgo.Record) error
	// CaughtUp is called once, when the partition has reached the end of
	// its range; with Follow, records produced since keep coming after.
	CaughtUp() error
}

// ReadPartitions is [ReadHistory] with a handler per partition, each run on
// its own goroutine, so that partitions are replayed in parallel (wfctl
// trace runs one engine per partition when records are keyed by the
// correlation key). open is called for every partition of the snapshot,
// before any record is read, including partitions with nothing to read
// (whose CaughtUp comes at once). The first error from a handler stops
// every partition and is returned.
func ReadPartitions(ctx context.Context, cl *kgo.Client, h History, open func(PartitionRange) PartitionHandler) (*Snapshot, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	return read(ctx, cl, h, func(snap *Snapshot) (sink, func() error) {
		return newWorkers(ctx, cancel, snap, open)
	})
}

// workers runs a PartitionHandler per partition on its own goroutine, fed
// through a small buffered channel so that a slow partition holds back
// fetching (bounded memory) rather than buffering without end.
type workers struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	in     map[*PartitionRange]chan work
	wg     sync.WaitGroup
}

type work struct {
	recs     []*kgo.Record
	caughtUp bool
}

func newWorkers(ctx context.Context, cancel context.CancelCauseFunc, snap *Snapshot, open func(PartitionRange) PartitionHandler) (sink, func() error) {
	w := &workers{ctx: ctx, cancel: cancel, in: map[*PartitionRange]chan work{}}
	for i := range snap.Partitions {
		p := &snap.Partitions[i]
		ch := make(chan work, 8)
		w.in[p] = ch
		handler := open(*p)
		w.wg.Go(func() { w.work(handler, ch) })
	}
	return w.send, w.finish
}

func (w *workers) work(h PartitionHandler, in <-chan work) {
	for job := range in {
		if w.ctx.Err() != nil {
			continue // drain, so the sender never blocks on a dead worker
		}
		if err := w.handle(h, job); err != nil {
			w.cancel(err)
		}
	}
}

func (w *workers) handle(h PartitionHandler, job work) error {
	for _, r := range job.recs {
		if err := h.Record(r); err != nil {
			return err
		}
	}
	if job.caughtUp {
		return h.CaughtUp()
	}
	return nil
}

func (w *workers) send(p *PartitionRange, recs []*kgo.Record, caughtUp bool) error {
	select {
	case w.in[p] <- work{recs, caughtUp}:
		return nil
	case <-w.ctx.Done():
		return context.Cause(w.ctx)
	}
}

// finish lets every worker drain its queue and returns the first handler
// error, if any.
func (w *workers) finish() error {
	for _, ch := range w.in {
		close(ch)
	}
	w.wg.Wait()
	if cause := context.Cause(w.ctx); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
		return cause
	}
	return nil
}
