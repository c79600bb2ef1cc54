package trace

import (
	"errors"
	"time"

	"github.com/wfctl/wfctl/pkg/correlate"
)

// eventKind is what a record turned out to be.
type eventKind uint8

const (
	evMessage     eventKind = iota // a message for the engine
	evNotModelled                  // a name no model waits for
	evSkipped                      // not a message: not JSON, no name, no key, ...
)

// event is one record on its way through a trace: mapped where its
// partition is read, ordered by the merge, run by a shard.
type event struct {
	at   int64 // event time, Unix ms; after the merge, the time it is replayed at
	seq  int64 // position in event-time order, from 1 (set by the merge)
	loc  correlate.Location
	kind eventKind
	name string
	key  string
	vars map[string]any
	// reason says why a record was skipped.
	reason string
	// ctl, when set, makes this no record but a request to the shard.
	ctl *control
}

// control asks a shard, between records, to move its clock to asOf and
// say what it holds (following traces report while they replay).
type control struct {
	asOf  time.Time
	reply chan<- *partial
}

// batchSize is how many events travel together between goroutines.
const batchSize = 256

// toEvent maps a record into ev. Names of modelled messages are the
// model's strings, shared by every event.
// toEvent maps a record into ev. Names of modelled messages are the
// model's strings, shared by every event.
func toEvent(m *correlate.Mapper, r *correlate.Record, ev *event) {
	msg, err := m.Map(r)
	*ev = event{at: msg.Time.UnixMilli(), loc: r.Where(), name: msg.Name}
	switch {
	case err == nil:
		ev.key, ev.vars = msg.CorrelationKey, msg.Variables
	case errors.Is(err, correlate.ErrNotModelled):
		ev.kind, ev.name = evNotModelled, ""
	default:
		ev.kind, ev.reason = evSkipped, err.Error()
	}
}
