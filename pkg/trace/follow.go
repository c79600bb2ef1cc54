package trace

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/kafka"
)

// FollowOptions configure a followed trace.
type FollowOptions struct {
	KafkaOptions
	// IdleAfter is how long a partition with nothing new may hold back
	// the watermark (default 5s), as stream processors treat idle
	// partitions.
	IdleAfter time.Duration
	// Every is how often instances are checked (default 1s).
	Every time.Duration
	// Now is the wall clock (default time.Now).
	Now func() time.Time
}

// FollowHandlers receive what a followed trace finds.
type FollowHandlers struct {
	// CaughtUp gets the report of the history, once every partition has
	// reached the end offsets taken at the start, as of Now.
	CaughtUp func(*Report)
	// Stalled gets each instance when it crosses its threshold, once.
	Stalled func(Instance)
	// TimedOut gets each instance that takes a timer boundary path live.
	TimedOut func(Instance)
}

// arrival is a partition's next events, as a followed read delivers them.
type arrival struct {
	s        *liveStream
	evs      []event
	caughtUp bool
}

// liveStream is a partition as a followed merge sees it.
type liveStream struct {
	queue    [][]event
	pos      int   // in queue[0]
	latest   int64 // the latest event time seen
	seen     bool  // some event arrived
	lastAt   time.Time
	caughtUp bool
	taken    func(int)
}

func (s *liveStream) empty() bool  { return len(s.queue) == 0 }
func (s *liveStream) head() *event { return &s.queue[0][s.pos] }

func (s *liveStream) advance() {
	s.pos++
	if s.pos == len(s.queue[0]) {
		if s.taken != nil {
			s.taken(len(s.queue[0]))
		}
		s.queue[0] = nil
		s.queue, s.pos = s.queue[1:], 0
	}
}

// Follow replays the history, reports it as of now, then keeps reading
// new records and reports instances as they stall or time out, until ctx
// ends. The history is merged in event-time order as RunKafka merges it;
// live, records are released up to the watermark: the earliest of the
// partitions' latest event times, where a partition with nothing new for
// IdleAfter no longer holds it back. The engines' clocks follow the
// watermark, or the wall clock when every partition is idle, so timers
// fire while the topics are quiet.
func (t *Tracer) Follow(ctx context.Context, cl *kgo.Client, h kafka.History, o FollowOptions, hs FollowHandlers, progress Progress) error {
	if o.IdleAfter <= 0 {
		o.IdleAfter = 5 * time.Second
	}
	if o.Every <= 0 {
		o.Every = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	h.Follow = true
	plan, err := t.plan(ctx, cl, h, o.KafkaOptions)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	total := plannedRecords(plan) // before the reader counts what it delivers there
	arrivals := make(chan arrival, 4*len(plan.Partitions)+1)
	streams := make([]*liveStream, len(plan.Partitions))
	for i := range streams {
		streams[i] = &liveStream{lastAt: o.Now()}
	}
	readErr := make(chan error, 1)
	go func() {
		i := 0
		err := kafka.ReadPaced(ctx, cl, plan, kafka.PacedOptions{Follow: true, Stall: o.Stall}, func(p kafka.PartitionRange, resume func()) kafka.PartitionSink {
			ks := newKafkaStream(t, resume)
			ls := streams[i] // open is called in the plan's order
			i++
			ls.taken = ks.taken
			go ks.feed(ctx, true, func(b []event, caughtUp bool) bool {
				select {
				case arrivals <- arrival{s: ls, evs: b, caughtUp: caughtUp}:
					return true
				case <-ctx.Done():
					return false
				}
			})
			return ks
		})
		if err == nil {
			err = context.Canceled
		}
		cancel(err)
		readErr <- err
	}()
	f := &follower{t: t, o: o, hs: hs, progress: progress, total: total, seen: map[string]bool{}, streams: streams}
	err = f.run(ctx, arrivals)
	if rerr := <-readErr; err == nil || errors.Is(err, context.Canceled) {
		err = rerr
	}
	if errors.Is(err, context.Canceled) {
		return nil // the caller ended the follow
	}
	return err
}

// follower is a followed trace's merge and router.
type follower struct {
	t        *Tracer
	o        FollowOptions
	hs       FollowHandlers
	progress Progress
	total    int64
	r        *run
	streams  []*liveStream // one per partition, in the plan's order
	live     bool          // the history is reported
	seen     map[string]bool
}

func (f *follower) run(ctx context.Context, arrivals <-chan arrival) error {
	r, err := f.t.newRun(ctx, f.total, f.progress)
	if err != nil {
		return err
	}
	f.r = r
	defer func() { r.cancel(nil); r.stop() }()
	tick := time.NewTicker(f.o.Every)
	defer tick.Stop()
	for {
		if err := f.release(); err != nil {
			return err
		}
		select {
		case a := <-arrivals:
			f.take(a)
		case <-tick.C:
			if f.live {
				if err := f.check(); err != nil {
					return err
				}
			}
		case <-r.ctx.Done():
			return context.Cause(r.ctx)
		}
	}
}

func (f *follower) take(a arrival) {
	s := a.s
	s.caughtUp = s.caughtUp || a.caughtUp
	if len(a.evs) == 0 {
		return
	}
	s.queue = append(s.queue, a.evs)
	s.seen, s.lastAt = true, f.o.Now()
	for i := range a.evs {
		s.latest = max(s.latest, a.evs[i].at)
	}
}

// release hands on every event the merge may release now: during the
// history, while every partition not caught up has an event waiting (the
// strict merge RunKafka does); live, every event up to the watermark.
func (f *follower) release() error {
	if !f.live {
		for f.r.ctx.Err() == nil {
			s := f.next(func(s *liveStream) bool { return !s.caughtUp })
			if s == nil {
				break
			}
			f.emit(s)
		}
		if !f.historyDone() {
			return nil
		}
		return f.caughtUp()
	}
	wm, ok := f.watermark()
	for f.r.ctx.Err() == nil {
		s := f.next(func(*liveStream) bool { return false })
		if s == nil || ok && s.head().at > wm {
			break
		}
		f.emit(s)
	}
	f.r.flush()
	return nil
}

// next is the stream whose head comes first, or nil when a stream that
// holds back (an empty one for which holds is true) has nothing waiting.
func (f *follower) next(holds func(*liveStream) bool) *liveStream {
	var best *liveStream
	for _, s := range f.streams {
		if s.empty() {
			if holds(s) {
				return nil
			}
			continue
		}
		if best == nil || headBefore(s, best) {
			best = s
		}
	}
	return best
}

func headBefore(a, b *liveStream) bool { return eventBefore(a.head(), b.head()) }

func (f *follower) emit(s *liveStream) {
	ev := s.head()
	f.r.merge.stamp(ev)
	f.r.emit(ev)
	s.advance()
}

func (f *follower) historyDone() bool {
	for _, s := range f.streams {
		if !s.caughtUp || !s.empty() {
			return false
		}
	}
	return true
}

// caughtUp reports the history as of now and starts following.
func (f *follower) caughtUp() error {
	f.live = true
	asOf := f.o.Now().UTC()
	parts, err := f.r.snapshot(asOf)
	if err != nil {
		return err
	}
	rep, err := f.r.report(asOf, parts)
	if err != nil {
		return err
	}
	for _, in := range rep.Stalled {
		f.seen["s"+in.InstanceKey] = true
	}
	for _, in := range rep.TimedOut {
		f.seen["t"+in.InstanceKey] = true
	}
	if f.progress != nil {
		f.progress(f.r.records, max(f.total, f.r.records))
	}
	f.hs.CaughtUp(rep)
	return nil
}

// watermark is the time every busy partition has reached; ok is false
// when every partition is idle (nothing holds records back).
func (f *follower) watermark() (int64, bool) {
	now := f.o.Now()
	wm, ok := int64(0), false
	for _, s := range f.streams {
		switch {
		case now.Sub(s.lastAt) >= f.o.IdleAfter:
			continue // idle: it no longer holds the others back
		case !s.seen:
			return f.r.merge.clock, true // its first record may come any moment
		case !ok || s.latest < wm:
			wm, ok = s.latest, true
		}
	}
	return wm, ok
}

// check moves the engines to the live clock and hands on the instances
// that stalled or timed out since the last check.
func (f *follower) check() error {
	if err := f.release(); err != nil {
		return err
	}
	at := f.o.Now().UTC()
	if wm, ok := f.watermark(); ok {
		at = time.UnixMilli(max(wm, f.r.merge.clock)).UTC()
	}
	parts, err := f.r.snapshot(at)
	if err != nil {
		return err
	}
	rep, err := f.r.report(at, parts)
	if err != nil {
		return err
	}
	for _, in := range rep.TimedOut {
		if !f.seen["t"+in.InstanceKey] {
			f.seen["t"+in.InstanceKey] = true
			f.hs.TimedOut(in)
		}
	}
	for _, in := range rep.Stalled {
		if !f.seen["s"+in.InstanceKey] {
			f.seen["s"+in.InstanceKey] = true
			f.hs.Stalled(in)
		}
	}
	return nil
}
