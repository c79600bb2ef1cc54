package engine

// arena hands out record values for one command without allocating per
// record: values live in slabs that are reset when the next command
// starts, which is why records are valid only until then.
type arena struct {
	pi       slab[ProcessInstanceValue]
	creation slab[ProcessInstanceCreationValue]
	job      slab[JobValue]
	batch    slab[JobBatchValue]
	msg      slab[MessageValue]
	sub      slab[MessageSubscriptionValue]
	start    slab[MessageStartEventSubscriptionValue]
	timer    slab[TimerValue]
	variable slab[VariableValue]
	doc      slab[VariableDocumentValue]
	incident slab[IncidentValue]
	clock    slab[ClockValue]
}

func (a *arena) reset() {
	a.pi.reset()
	a.creation.reset()
	a.job.reset()
	a.batch.reset()
	a.msg.reset()
	a.sub.reset()
	a.start.reset()
	a.timer.reset()
	a.variable.reset()
	a.doc.reset()
	a.incident.reset()
	a.clock.reset()
}

// slab is a growable array of T whose elements keep their address: when
// it is full, a new, larger array is started and the old one is left to
// the records that point into it.
type slab[T any] struct{ items []T }

// get returns a zero T.
func (s *slab[T]) get() *T {
	var zero T
	return s.put(zero)
}

// put returns a copy of v: get for a value built whole, which saves
// zeroing it first.
func (s *slab[T]) put(v T) *T {
	if len(s.items) == cap(s.items) {
		s.items = make([]T, 0, max(16, 2*cap(s.items)))
	}
	s.items = append(s.items, v)
	return &s.items[len(s.items)-1]
}

func (s *slab[T]) reset() { s.items = s.items[:0] }
