package engine

import "slices"

// A command's follow-up work runs through a FIFO queue of steps, as
// Zeebe's follow-up commands (ACTIVATE_ELEMENT, COMPLETE_ELEMENT,
// TERMINATE_ELEMENT) run through its log: breadth first, so that records
// come in Zeebe's order. The queue is empty between commands; it is
// processing scratch, not state.

type stepKind uint8

const (
	stepActivate stepKind = iota + 1
	stepComplete
	stepTerminate
	stepCorrelateBuffered
	stepStartBuffered
	stepStartInstance
	stepListened
)

type step struct {
	kind  stepKind
	key   int64
	el    *element
	scope *elementInstance
	ei    *elementInstance
	flow  *flow
	vars  map[string]any
	proc  *process
	corr  string
}

func (e *Engine) enqueue(s step) { e.queue = append(e.queue, s) }

// enqueueActivate schedules the activation of el in scope, with a key
// handed out now (as Zeebe keys the ACTIVATE_ELEMENT command).
func (e *Engine) enqueueActivate(el *element, scope *elementInstance, vars map[string]any) {
	e.enqueue(step{kind: stepActivate, key: e.nextKey(), el: el, scope: scope, vars: vars})
}

// Loop guard: a process instance that activates element after element
// without ever waiting (a loop of gateways and pass-through tasks) would
// keep one command running forever. Past guardSteps steps in a command,
// the engine counts activations per process instance; one that exceeds
// guardSteps more gets an incident at the element it was activating,
// and waits there until the incident is resolved.
const guardSteps = 10_000

func (e *Engine) guarded(s *step) bool {
	e.steps++
	if e.steps <= guardSteps {
		return false
	}
	if e.guard == nil {
		e.guard = map[*elementInstance]int{}
	}
	root := s.scope.root
	e.guard[root]++
	return e.guard[root] > guardSteps
}

func (e *Engine) drain() {
	for i := 0; i < len(e.queue); i++ {
		// A step may queue more and move the queue; s stays valid, in
		// the array it was in.
		e.qpos = i
		e.runStep(&e.queue[i])
	}
	clear(e.queue) // let go of what the steps point at
	e.queue, e.qpos = e.queue[:0], 0
}

func (e *Engine) runStep(s *step) {
	switch s.kind {
	case stepActivate:
		if e.guarded(s) {
			e.activateStopped(s)
			return
		}
		e.activate(s)
	case stepComplete:
		if s.ei.state == stateActivated {
			var taken []*flow
			if s.flow != nil {
				taken = s.flow.self
			}
			e.complete(s.ei, taken, s.vars)
		}
	case stepTerminate:
		e.terminate(s.ei)
	case stepCorrelateBuffered:
		e.correlateBuffered(s.ei)
	case stepStartBuffered:
		e.startBuffered(s.proc, s.corr)
	case stepStartInstance:
		e.startInstance(s.key, s.proc, s.el, s.vars, s.ei)
	case stepListened:
		e.listened(s.ei)
	}
}

// childrenByKey returns a flow scope's active children in key order.
func childrenByKey(scope *elementInstance) []*elementInstance {
	var out []*elementInstance
	for c := scope.firstChild; c != nil; c = c.nextSib {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *elementInstance) int { return cmpInt64(a.key, b.key) })
	return out
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
