package engine

// ElementDone describes an element instance that just completed, for an
// [Observer]. A process instance's completion is one too: its ElementID
// is the process id.
type ElementDone struct {
	ProcessID string // the BPMN process id
	ElementID string
	// ActivatedAt and CompletedAt are the engine's clock, Unix
	// milliseconds: CompletedAt - ActivatedAt is the time spent in it.
	ActivatedAt, CompletedAt int64
}

// Observer is told, as commands run, of each element instance that
// completes and each sequence flow taken: how long each step takes and
// which paths instances go (wfctl trace's timings). A multi-instance
// activity's inner instances are reported, not its body. Terminated
// elements (an interrupting boundary event, a cancelled instance) did not
// complete and are not reported. Its methods run inside the command: they
// must be quick and must not call the engine.
type Observer interface {
	ElementCompleted(ElementDone)
	FlowTaken(processID, flowID string)
}

// WithObserver sets the engine's [Observer].
func WithObserver(o Observer) Option { return func(e *Engine) { e.observer = o } }

// observeCompleted tells the observer of a completed element instance.
func (e *Engine) observeCompleted(ei *elementInstance) {
	if e.observer != nil && ei.el.mi == nil {
		e.observer.ElementCompleted(ElementDone{ProcessID: ei.proc.id, ElementID: ei.el.id, ActivatedAt: ei.activatedAt, CompletedAt: e.now})
	}
}
