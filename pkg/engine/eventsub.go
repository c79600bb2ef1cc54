package engine

// Event sub-processes, as in Zeebe: while a process or sub-process
// instance is active, the start events of its event sub-processes wait
// (message subscriptions and timers on the scope instance; error start
// events catch errors thrown inside the scope before its boundary events
// do). A non-interrupting start activates the event sub-process beside
// what runs; an interrupting one closes the other event sub-process
// starts, terminates everything in the scope, then activates the event
// sub-process; the scope completes when it does.

// triggerEventSub runs the event sub-process of start in scope.
func (e *Engine) triggerEventSub(scope *elementInstance, start *element, vars map[string]any) {
	if !start.interrupting {
		e.enqueueActivate(start.scope, scope, vars)
		return
	}
	e.closeEventStarts(scope)
	x := scope.extra()
	x.pendingStart, x.pendingStartVars = start, vars
	if scope.firstChild == nil {
		e.activateEventSub(scope)
		return
	}
	for _, c := range childrenByKey(scope) {
		e.enqueue(step{kind: stepTerminate, ei: c})
	}
}

// activateEventSub activates the interrupting event sub-process a scope
// waits for, once its other children are gone.
func (e *Engine) activateEventSub(scope *elementInstance) {
	x := scope.x
	start, vars := x.pendingStart, x.pendingStartVars
	x.pendingStart, x.pendingStartVars = nil, nil
	e.enqueueActivate(start.scope, scope, vars)
}

// closeEventStarts closes the event sub-process start events a scope
// waits for (its boundary events stay).
func (e *Engine) closeEventStarts(scope *elementInstance) {
	for t := scope.timers; t != nil; {
		next := t.nextOfEI
		if t.el.inEventSub() {
			e.timerEvent(IntentCanceled, t)
		}
		t = next
	}
	for s := scope.subs; s != nil; {
		next := s.nextOfEI
		if s.el.inEventSub() {
			e.deleteSubscription(s)
		}
		s = next
	}
	e.closeSignalSubs(scope, true)
}
