package engine

import "fmt"

// Element activation: ELEMENT_ACTIVATING, then the element's behaviour,
// which either waits (a job, a message, a timer) or moves on.

func (e *Engine) activate(s *step) {
	scope := s.scope
	if scope.state != stateActivated {
		return // the scope was terminated or completed meanwhile
	}
	if s.el.joins && !e.joinReady(scope, s.el) {
		return
	}
	ei := e.activating(s.key, scope.proc, s.el, scope, nil)
	switch {
	case s.el.typ == ElementEventSubProcess:
		e.espVars = s.vars // for its start event
	case len(s.vars) > 0:
		e.mergeLocal(ei, s.vars)
	}
	e.onActivate(ei)
}

// activateStopped activates an element with an incident instead of its
// behaviour: the loop guard stopped its process instance.
func (e *Engine) activateStopped(s *step) {
	if s.scope.state != stateActivated {
		return
	}
	ei := e.activating(s.key, s.scope.proc, s.el, s.scope, nil)
	e.createIncident(ei, ErrorUnknown, fmt.Sprintf("The process instance activated more than %d elements in one command without waiting: "+
		"an endless loop of elements that do not wait? Resolve the incident to let it go on.", guardSteps), 0)
}

// joinReady reports whether a joining gateway may activate in scope: a
// parallel one once every incoming flow has been taken, an inclusive one
// by its own rule (inclusive.go).
func (e *Engine) joinReady(scope *elementInstance, gw *element) bool {
	if gw.inclusive != nil {
		return e.inclusiveReady(scope, gw)
	}
	if scope.x == nil {
		return false
	}
	for _, f := range gw.in {
		if scope.x.joined[f.idx] == 0 {
			return false
		}
	}
	return true
}

// onActivate runs an element's activation behaviour. It also runs when an
// incident on an activating element is resolved.
func (e *Engine) onActivate(ei *elementInstance) {
	el := ei.el
	if len(el.inputs) > 0 && !ei.listening(listenerStart) && !ei.listening(listenerCreating) && !e.applyInputs(ei) {
		return
	}
	if len(el.listeners[listenerStart-1]) > 0 && e.startListening(ei, listenerStart) {
		return
	}
	el.behave(e, ei)
}

// passThrough activates and completes elements that do not wait: none
// events, undefined and manual tasks, start and boundary events.
func (e *Engine) passThrough(ei *elementInstance) {
	if !e.subscribeBoundaries(ei) {
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	e.enqueue(step{kind: stepComplete, ei: ei})
}

// activateWaiting opens the subscriptions and timers an element waits
// for (its own event and its boundary events, or an event-based gateway's
// targets) and marks it activated.
func (e *Engine) activateWaiting(ei *elementInstance) {
	if !e.subscribe(ei, ei.el.waits) {
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	if ei.subs != nil {
		e.enqueue(step{kind: stepCorrelateBuffered, ei: ei})
	}
}

// subscribeScope opens what a process or sub-process instance waits for:
// its boundary events and its event sub-processes' start events.
func (e *Engine) subscribeScope(ei *elementInstance) bool {
	events := ei.el.scopeEvents
	if len(events) == 0 {
		return true
	}
	ok := e.subscribe(ei, events)
	if ok && ei.subs != nil {
		e.enqueue(step{kind: stepCorrelateBuffered, ei: ei})
	}
	return ok
}

func (e *Engine) subscribeBoundaries(ei *elementInstance) bool {
	if len(ei.el.boundaries) == 0 {
		return true
	}
	ok := e.subscribe(ei, ei.el.boundaries)
	if ok && ei.subs != nil {
		e.enqueue(step{kind: stepCorrelateBuffered, ei: ei})
	}
	return ok
}

// activateScript evaluates a FEEL script task. As in Zeebe, the result
// is the event that completes the task: {resultVariable: result} is
// merged outwards on completion (or made local under output mappings).
// The trigger is set after ELEMENT_ACTIVATED and consumed by the
// completion queued with it, within this command.
func (e *Engine) activateScript(ei *elementInstance) {
	v, _ := e.evalWith(ei, ei.el.script, nil)
	if !e.subscribeBoundaries(ei) {
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	if ei.el.resultVar != "" {
		x := ei.extra()
		x.trigger, x.hasTrigger = map[string]any{ei.el.resultVar: v}, true
	}
	e.enqueue(step{kind: stepComplete, ei: ei})
}
