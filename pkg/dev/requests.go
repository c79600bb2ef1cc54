package dev

// Commands with a request id are idempotent: a command whose request id
// was run recently is not run again. Clients retry with the same id, and
// the broker may write a produce twice: kfake keeps a producer's
// sequence numbers, by which Kafka drops a retried batch it already
// wrote, only in memory and on a clean stop, so a batch a crash kept it
// from acknowledging is written again when the client retries. The window
// is the last requestWindow request ids, rebuilt at recovery from the
// Done markers; retries come within seconds.

// requestWindow is how many recent request ids are remembered.
const requestWindow = 1 << 17

// requestLog remembers the Done markers of the last requestWindow
// commands that had a request id.
type requestLog struct {
	done map[string]Done
	ring []string
	next int
}

func newRequestLog() *requestLog {
	return &requestLog{done: map[string]Done{}, ring: make([]string, 0, 1024)}
}

func (l *requestLog) lookup(id string) (Done, bool) {
	d, ok := l.done[id]
	return d, ok
}

func (l *requestLog) add(id string, d Done) {
	if _, ok := l.done[id]; ok {
		l.done[id] = d
		return
	}
	if len(l.ring) < requestWindow {
		l.ring = append(l.ring, id)
	} else {
		delete(l.done, l.ring[l.next])
		l.ring[l.next] = id
		l.next = (l.next + 1) % requestWindow
	}
	l.done[id] = d
}
