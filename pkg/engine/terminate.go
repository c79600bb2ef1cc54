package engine

// Termination: cancelling an instance, interrupting events and terminate
// end events terminate element instances, containers after their
// children.

func (e *Engine) terminate(ei *elementInstance) {
	if ei.state == 0 || ei.state == stateTerminating {
		return
	}
	e.lifecycle(ei, IntentElementTerminating)
	e.onTerminate(ei)
}

func (e *Engine) onTerminate(ei *elementInstance) {
	if j := ei.job; j != nil {
		e.jobEvent(IntentCanceled, j, nil)
	}
	e.unsubscribe(ei)
	e.resolveIncidentsOf(ei)
	if ei.x != nil && ei.x.child != nil {
		e.enqueue(step{kind: stepTerminate, ei: ei.x.child})
		return // terminated once its called process instance is
	}
	if ei.firstChild != nil {
		for _, c := range childrenByKey(ei) {
			e.enqueue(step{kind: stepTerminate, ei: c})
		}
		return // terminated once its last child is
	}
	e.finishTermination(ei)
}

func (e *Engine) finishTermination(ei *elementInstance) {
	e.dropCompensation(ei)
	parent := ei.parent
	var pending *element
	var vars map[string]any
	if ei.x != nil {
		pending, vars = ei.x.pending, ei.x.pendingVars
	}
	if parent == nil {
		end := e.endOf(ei, false)
		var caller *elementInstance
		if ei.x != nil {
			caller = ei.x.caller
		}
		e.lifecycle(ei, IntentElementTerminated)
		e.rootDone(end)
		if caller != nil && caller.state == stateTerminating {
			e.finishTermination(caller)
		}
		return
	}
	e.lifecycle(ei, IntentElementTerminated)
	switch {
	case pending != nil:
		e.enqueueActivate(pending, parent, vars)
	default:
		e.childTerminated(parent)
	}
}

// childTerminated finishes a flow scope waiting for its children: one
// being terminated, or one whose terminate end event was reached.
func (e *Engine) childTerminated(scope *elementInstance) {
	if scope.children > 0 {
		return
	}
	switch {
	case scope.state == stateTerminating:
		e.finishTermination(scope)
	case scope.state == stateActivated && scope.x != nil && scope.x.pendingStart != nil:
		e.activateEventSub(scope)
	case scope.state == stateActivated && scope.x != nil && scope.x.terminateEnd:
		e.enqueue(step{kind: stepComplete, ei: scope})
	}
}

// terminateSiblings runs when a terminate end event completed: every
// other element of its flow scope is terminated, then the scope completes.
func (e *Engine) terminateSiblings(scope *elementInstance) {
	if scope.firstChild == nil {
		e.enqueue(step{kind: stepComplete, ei: scope})
		return
	}
	for _, c := range childrenByKey(scope) {
		e.enqueue(step{kind: stepTerminate, ei: c})
	}
}

// interrupt terminates ei and then activates the boundary event (with its
// variables) that interrupted it.
func (e *Engine) interrupt(ei *elementInstance, boundary *element, vars map[string]any) {
	x := ei.extra()
	x.pending, x.pendingVars = boundary, vars
	e.enqueue(step{kind: stepTerminate, ei: ei})
}
