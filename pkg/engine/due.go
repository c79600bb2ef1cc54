package engine

import "time"

// The due list orders everything that happens with time: timers, job
// deadlines and back-offs, message expiry. Entries are not removed when
// what they are about goes away (a timer cancelled, a job completed);
// they are checked when they come up, and dropped when stale entries
// outnumber live ones.

// dueItem is an entry of the due list. A timer's entry points at the
// timer: timers of element instances are not indexed by key (they hang
// off their instance), which saves a map insert and delete per timer.
type dueItem struct {
	at    int64
	key   int64
	kind  dueKind
	slot  int32 // a timer's slot in Engine.timerSlots
	timer *timer
}

type dueHeap []dueItem

func (h dueHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	if a.at != b.at {
		return a.at < b.at
	}
	if a.key != b.key {
		return a.key < b.key
	}
	return a.kind < b.kind
}

// push adds an entry about a job or a message, by key.
func (h *dueHeap) push(at, key int64, kind dueKind) { h.add(dueItem{at: at, key: key, kind: kind}) }

// pushTimer adds a timer's entry.
func (h *dueHeap) pushTimer(t *timer) {
	h.add(dueItem{at: t.due, key: t.key, kind: dueTimer, slot: t.slot, timer: t})
}

func (h *dueHeap) add(it dueItem) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *dueHeap) pop() dueItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = dueItem{}
	s = s[:last]
	s.down(0)
	*h = s
	return top
}

func (h dueHeap) down(i int) {
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h.less(l, m) {
			m = l
		}
		if r < len(h) && h.less(r, m) {
			m = r
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// tick moves the clock to t, running due work in time order; each piece
// of work runs to the end (its follow-ups drained) before the next.
func (e *Engine) tick(t int64) error {
	if t > maxTimeMillis {
		return reject(InvalidArgument, "Expected to move the clock to a time up to %s, but it was %d (Unix ms)", MaxTime.Format(time.RFC3339Nano), t)
	}
	e.compactDue()
	e.tickTo = t
	defer func() { e.tickTo = 0 }()
	for len(e.due) > 0 && e.due[0].at <= t {
		it := e.due.pop()
		if it.at > e.now {
			e.now = it.at
		}
		e.runDue(it)
		e.drain()
	}
	if t > e.now {
		e.now = t
	}
	var v *ClockValue
	if e.recording {
		v = e.arena.clock.get()
		v.Time = e.now
	}
	e.note(ValueClock, IntentTicked, -1, v) // changes no state but the clock
	return nil
}

// MaxTime is the latest time the engine's clock can show, the end of
// year 9999 (the last ISO 8601 and FEEL date): a tick beyond it is
// rejected, and a timer due later is due then, so that no time
// arithmetic overflows.
var MaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)

var maxTimeMillis = MaxTime.UnixMilli()

// idleTick is Tick when no records are kept and nothing falls due by t:
// the command and its TICKED event would only take their positions and
// move the clock, so that is all it does. A replay ticks before every
// message, mostly with nothing due.
func (e *Engine) idleTick(t int64) bool {
	if e.recording || t > maxTimeMillis {
		return false
	}
	e.compactDue()
	if len(e.due) > 0 && e.due[0].at <= t {
		return false
	}
	e.position += 2
	e.now = max(e.now, t)
	return true
}

func (e *Engine) runDue(it dueItem) {
	switch it.kind {
	case dueTimer:
		if e.timerLive(it) {
			e.timerFired(it.timer)
		}
	case dueJobDeadline, dueJobBackoff:
		e.jobDue(it.key, it.at, it.kind)
	case dueMessage:
		e.messageDue(it.key, it.at)
	}
}

// timerLive reports whether a timer entry is not stale: its timer was
// neither triggered nor cancelled (nor, removed, reused for another).
// The slot tells, without reading the timer: most entries compaction
// checks are of timers cancelled long ago, no longer in any cache.
func (e *Engine) timerLive(it dueItem) bool {
	return e.timerSlots[it.slot] == it.key
}

// compactDue drops the stale entries when they outnumber live ones.
func (e *Engine) compactDue() {
	live := e.timerCount + len(e.messages) + len(e.jobs)
	if len(e.due) <= 2*live+1024 {
		return
	}
	kept := e.due[:0]
	for _, it := range e.due {
		if e.dueLive(it) {
			kept = append(kept, it)
		}
	}
	clear(e.due[len(kept):]) // let go of the timers they point at
	e.due = kept
	for i := len(kept)/2 - 1; i >= 0; i-- {
		kept.down(i)
	}
}

// dueLive reports whether an entry would still do something when it
// comes up (what runDue checks).
func (e *Engine) dueLive(it dueItem) bool {
	switch it.kind {
	case dueTimer:
		return e.timerLive(it)
	case dueMessage:
		m := e.messages[it.key]
		return m != nil && m.deadline == it.at
	}
	j := e.jobs[it.key]
	switch {
	case j == nil:
		return false
	case it.kind == dueJobDeadline:
		return j.state == jobActivated && j.deadline == it.at
	}
	return j.state == jobFailed && j.recurAt == it.at
}

// NextDue returns the time the earliest pending timer, job time-out, job
// back-off or buffered message's expiry falls due, and false when nothing
// is pending. A Tick to that time runs it; a Tick to any earlier time
// runs nothing. A replay that has read all its input can tick to it to
// see what would happen next, or tell that nothing will.
func (e *Engine) NextDue() (time.Time, bool) {
	// Entries of what is gone (a cancelled timer, a completed job) stay
	// until they come up: take those off the top, as a tick would.
	for len(e.due) > 0 && !e.dueLive(e.due[0]) {
		e.due.pop()
	}
	if len(e.due) == 0 {
		return time.Time{}, false
	}
	return msTime(e.due[0].at), true
}

// rebuildDue builds the due list from the state (after a restore).
func (e *Engine) rebuildDue() {
	e.due = e.due[:0]
	e.eachTimer(func(t *timer) { e.due.pushTimer(t) })
	for k, m := range e.messages {
		e.due.push(m.deadline, k, dueMessage)
	}
	for k, j := range e.jobs {
		switch {
		case j.state == jobActivated:
			e.due.push(j.deadline, k, dueJobDeadline)
		case j.state == jobFailed && j.recurAt > 0:
			e.due.push(j.recurAt, k, dueJobBackoff)
		}
	}
}
