package trace

import (
	"context"
	"strings"

	"github.com/wfctl/wfctl/pkg/engine"
)

// stream is one partition's events in offset order, as the merge takes
// them: batches on a channel that is closed after the last.
type stream struct {
	in <-chan []event
	// taken, when set, is told how many events the merge took, so that a
	// paced reader can fetch more.
	taken func(n int)
	// free, when set, takes back the batches the merge is done with, for
	// the feeder to fill again (batches of events are large: allocating
	// each anew cost a tenth of a replay in page faults and GC).
	free chan []event
	cur  []event
	pos  int
}

// newStream is a stream fed by in, with a free list of batches.
func newStream(in <-chan []event, taken func(int)) *stream {
	return &stream{in: in, taken: taken, free: make(chan []event, 4)}
}

// batch returns a batch of n events (n ≤ batchSize) from the free list,
// or a new one.
func (s *stream) batch(n int) []event {
	select {
	case b := <-s.free:
		return b[:n]
	default:
		return make([]event, n, batchSize)
	}
}

// next moves to the stream's next event; false when it has ended.
func (s *stream) next(ctx context.Context) (bool, error) {
	s.pos++
	if s.pos < len(s.cur) {
		return true, nil
	}
	if s.free != nil && cap(s.cur) == batchSize {
		select { // the merge copied its events on: the batch is free
		case s.free <- s.cur[:0]:
		default:
		}
		s.cur = nil
	}
	for {
		select {
		case b, ok := <-s.in:
			if !ok {
				s.cur = nil
				return false, nil
			}
			if s.taken != nil {
				s.taken(len(b))
			}
			if len(b) > 0 {
				s.cur, s.pos = b, 0
				return true, nil
			}
		case <-ctx.Done():
			return false, context.Cause(ctx)
		}
	}
}

func (s *stream) head() *event { return &s.cur[s.pos] }

// merger takes events from every stream in event-time order: by time,
// then topic, partition and offset, so that the order depends on the
// records alone, not on how they were laid out or when they arrived.
type merger struct {
	heap []*stream
	// clock is the replay's time: the latest event time taken. An event
	// whose time is before it is replayed at the clock, and late.
	clock int64
	seq   int64
	late  int64
}

// before orders stream heads.
func before(a, b *stream) bool { return eventBefore(a.head(), b.head()) }

// eventBefore is the replay's order: event time, then topic, partition
// and offset.
func eventBefore(x, y *event) bool {
	if x.at != y.at {
		return x.at < y.at
	}
	if x.loc.Topic != y.loc.Topic {
		return strings.Compare(x.loc.Topic, y.loc.Topic) < 0
	}
	if x.loc.Partition != y.loc.Partition {
		return x.loc.Partition < y.loc.Partition
	}
	return x.loc.Offset < y.loc.Offset
}

// run merges the streams and hands each event to emit, with its seq set
// and its time no earlier than the clock.
func (m *merger) run(ctx context.Context, streams []*stream, emit func(*event)) error {
	m.heap = m.heap[:0]
	for _, s := range streams {
		s.pos = -1
		ok, err := s.next(ctx)
		if err != nil {
			return err
		}
		if ok {
			m.push(s)
		}
	}
	for len(m.heap) > 0 {
		s := m.heap[0]
		ev := s.head()
		m.stamp(ev)
		emit(ev)
		ok, err := s.next(ctx)
		if err != nil {
			return err
		}
		if ok {
			m.down(0)
		} else {
			m.pop()
		}
	}
	return nil
}

// stamp gives the next event its place in the order, and the time it is
// replayed at: its own, or the clock when it is late.
func (m *merger) stamp(ev *event) {
	m.seq++
	ev.seq = m.seq
	switch {
	case ev.at > maxMillis:
		ev.at = m.clock // past year 9999: garbage; the clock stays
	case ev.at < m.clock:
		ev.at = m.clock
		m.late++
	default:
		m.clock = ev.at
	}
}

var maxMillis = engine.MaxTime.UnixMilli()

func (m *merger) push(s *stream) {
	m.heap = append(m.heap, s)
	for i := len(m.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if !before(m.heap[i], m.heap[p]) {
			break
		}
		m.heap[i], m.heap[p] = m.heap[p], m.heap[i]
		i = p
	}
}

func (m *merger) pop() {
	last := len(m.heap) - 1
	m.heap[0] = m.heap[last]
	m.heap[last] = nil
	m.heap = m.heap[:last]
	if last > 0 {
		m.down(0)
	}
}

func (m *merger) down(i int) {
	h := m.heap
	for {
		l, r, min := 2*i+1, 2*i+2, i
		if l < len(h) && before(h[l], h[min]) {
			min = l
		}
		if r < len(h) && before(h[r], h[min]) {
			min = r
		}
		if min == i {
			return
		}
		h[i], h[min] = h[min], h[i]
		i = min
	}
}
