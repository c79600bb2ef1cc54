package dev

import "container/heap"

// The engine has no clock of its own: it moves only when ticked, and
// then does what fell due on the way (timers fire, activated jobs time
// out, failed jobs come back after their back-off, buffered messages
// expire). The server ticks it to the wall clock before each
// transaction's inputs, and between inputs only when something is due,
// so that an idle server writes nothing. dueSet knows when that is: the
// times the events announced (a timer's due date, a job's deadline, ...),
// each time once. A time stays in the set after what it was for went
// away (a job completed before its deadline); it then costs one tick
// that finds nothing, which is cheaper than tracking every cancellation.
type dueSet struct {
	times msHeap
	in    map[int64]struct{}
}

func newDueSet() dueSet { return dueSet{in: map[int64]struct{}{}} }

func (d *dueSet) add(ms int64) {
	if _, ok := d.in[ms]; ok {
		return
	}
	d.in[ms] = struct{}{}
	heap.Push(&d.times, ms)
}

// ready reports whether something is due at or before ms.
func (d *dueSet) ready(ms int64) bool { return len(d.times) > 0 && d.times[0] <= ms }

// popUntil forgets the times at or before ms: a tick to ms did their work.
func (d *dueSet) popUntil(ms int64) {
	for d.ready(ms) {
		delete(d.in, heap.Pop(&d.times).(int64))
	}
}

// len is the number of times pending.
func (d *dueSet) len() int { return len(d.times) }

type msHeap []int64

func (h msHeap) Len() int           { return len(h) }
func (h msHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h msHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *msHeap) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *msHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
