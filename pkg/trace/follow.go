package trace

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/kafka"
)

// FollowHandlers receive what a followed trace finds.
type FollowHandlers struct {
	// CaughtUp gets the report of the history, once every partition has
	// reached the end offsets taken at the start.
	CaughtUp func(*Report)
	// Stalled gets each instance when it crosses its threshold, once.
	Stalled func(Instance)
	// TimedOut gets each instance that takes a timer boundary path live.
	TimedOut func(Instance)
	// Now is the wall clock: live, the engines' clocks follow it too, so
	// timers fire while the topic is quiet.
	Now func() time.Time
	// Every is how often instances are checked (default 1s).
	Every time.Duration
}

// Follow replays the history, reports it, then keeps reading new records
// and reports instances as they stall, until ctx ends. It replays
// partitions apart: following needs records keyed by their correlation
// key.
func (t *Tracer) Follow(ctx context.Context, cl *kgo.Client, h kafka.History, hs FollowHandlers, progress Progress) error {
	h.Follow = true
	plan, err := kafka.Plan(ctx, cl, h)
	if err != nil {
		return err
	}
	every := hs.Every
	if every <= 0 {
		every = time.Second
	}
	r := t.newRun(false)
	start := time.Now()
	var read atomic.Int64
	var caughtUp atomic.Int64
	live := make(chan struct{})
	var once sync.Once
	parts := int64(len(plan.Partitions))
	onCaughtUp := func() {
		if caughtUp.Add(1) == parts {
			once.Do(func() { close(live) })
		}
	}
	if parts == 0 {
		once.Do(func() { close(live) })
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := kafka.ReadPartitions(ctx, cl, h, func(p kafka.PartitionRange) kafka.PartitionHandler {
			return &partitionFeed{run: r, topic: p.Topic, partition: p.Partition, read: &read, total: plan.Records(),
				progress: progress, caughtUp: onCaughtUp}
		})
		errc <- err
	}()
	select {
	case <-live:
	case err := <-errc:
		return err
	}
	rep := r.lockedReport(time.Since(start))
	hs.CaughtUp(rep)
	seen := map[string]bool{}
	for _, in := range rep.Stalled {
		seen[in.InstanceKey] = true
	}
	timedOut := r.timedOutCount()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
			return nil
		case <-tick.C:
			timedOut = r.followCheck(t, hs, seen, timedOut)
		}
	}
}

// lockedReport builds a report while partitions may still be replayed.
func (r *run) lockedReport(elapsed time.Duration) *Report {
	r.lockAll()
	defer r.unlockAll()
	return r.report(elapsed)
}

func (r *run) lockAll() {
	r.mu.Lock()
	for _, rp := range r.replays {
		rp.mu.Lock()
	}
}

func (r *run) unlockAll() {
	for _, rp := range r.replays {
		rp.mu.Unlock()
	}
	r.mu.Unlock()
}

func (r *run) timedOutCount() map[*replay]int {
	r.lockAll()
	defer r.unlockAll()
	n := map[*replay]int{}
	for _, rp := range r.replays {
		n[rp] = len(rp.timedOut)
	}
	return n
}

// followCheck advances every engine to now and hands on the instances
// that stalled or timed out since the last check.
func (r *run) followCheck(t *Tracer, hs FollowHandlers, seen map[string]bool, timedOut map[*replay]int) map[*replay]int {
	now := hs.Now()
	r.lockAll()
	defer r.unlockAll()
	for _, rp := range r.replays {
		if now.After(rp.lastTime) {
			rp.lastTime = now
			_, _ = rp.eng.Tick(now)
		}
		for _, in := range rp.timedOut[timedOut[rp]:] {
			hs.TimedOut(in)
		}
		timedOut[rp] = len(rp.timedOut)
		rep := &Report{}
		t.waiting(rp, now, map[string]*StuckAt{}, rep)
		for _, in := range rep.Stalled {
			if !seen[in.InstanceKey] {
				seen[in.InstanceKey] = true
				hs.Stalled(in)
			}
		}
	}
	return timedOut
}
