package engine

// The due list orders everything that happens with time: timers, job
// deadlines and back-offs, message expiry. Entries are not removed when
// what they are about goes away (a timer cancelled, a job completed);
// they are checked when they come up, and the list is rebuilt from the
// state when stale entries outnumber live ones.

type dueItem struct {
	at   int64
	key  int64
	kind dueKind
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

func (h *dueHeap) push(at, key int64, kind dueKind) {
	*h = append(*h, dueItem{at, key, kind})
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
	s = s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s.less(l, m) {
			m = l
		}
		if r < len(s) && s.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// tick moves the clock to t, running due work in time order; each piece
// of work runs to the end (its follow-ups drained) before the next.
func (e *Engine) tick(t int64) error {
	e.compactDue()
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
	v := e.arena.clock.get()
	v.Time = e.now
	e.event(ValueClock, IntentTicked, -1, v)
	return nil
}

func (e *Engine) runDue(it dueItem) {
	switch it.kind {
	case dueTimer:
		if t := e.timers[it.key]; t != nil && t.due == it.at {
			e.timerFired(t)
		}
	case dueJobDeadline, dueJobBackoff:
		e.jobDue(it.key, it.at, it.kind)
	case dueMessage:
		e.messageDue(it.key, it.at)
	}
}

// compactDue rebuilds the due list from the state when most entries are
// stale.
func (e *Engine) compactDue() {
	live := len(e.timers) + len(e.messages) + len(e.jobs)
	if len(e.due) <= 2*live+1024 {
		return
	}
	e.rebuildDue()
}

func (e *Engine) rebuildDue() {
	e.due = e.due[:0]
	for k, t := range e.timers {
		e.due.push(t.due, k, dueTimer)
	}
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
