package engine

import "fmt"

// Call activities, as in Zeebe: the activity starts an instance of the
// latest version of the called process, with the variables it sees
// (propagateAllParentVariables, the default) or only its input-mapped
// ones, and completes when that instance completes, taking the child's
// variables as the event that completes it (propagateAllChildVariables,
// the default; without it only its output mappings see them).
// Terminating the activity terminates the called instance first; a called
// instance cannot be cancelled on its own.

func (e *Engine) activateCall(ei *elementInstance) {
	cd := ei.el.call
	id := cd.processID
	if cd.processIDExpr != nil {
		var ok bool
		if id, ok = e.evalString(ei, cd.processIDExpr, "process id"); !ok {
			return
		}
	}
	p := e.latest(id)
	switch {
	case p == nil:
		e.createIncident(ei, ErrorCalledElement, fmt.Sprintf("Expected process with BPMN process id '%s' to be deployed, but not found.", id), 0)
		return
	case p.root.start == nil:
		e.createIncident(ei, ErrorCalledElement, fmt.Sprintf("Expected process with BPMN process id '%s' to have a none start event, but not found.", id), 0)
		return
	}
	if !e.subscribeBoundaries(ei) {
		return
	}
	child := e.nextKey()
	vars := localDocument(ei)
	if cd.propagateAll {
		vars = visibleDocument(ei)
	}
	e.createVariables(child, p, vars)
	e.lifecycle(ei, IntentElementActivated)
	e.enqueue(step{kind: stepStartInstance, key: child, proc: p, el: p.root.start, ei: ei})
}

// returnToCaller runs when a called process instance ends (applied with
// its ELEMENT_COMPLETED or ELEMENT_TERMINATED): a completed one hands its
// variables to the call activity as the event that completes it.
func (e *Engine) returnToCaller(root *elementInstance, completed bool) {
	caller := root.x.caller
	if caller.x != nil {
		caller.x.child = nil
	}
	if !completed || len(root.vars) == 0 {
		return
	}
	if cd := caller.el.call; cd.propagateChild || len(caller.el.outputs) > 0 {
		x := caller.extra()
		x.trigger, x.hasTrigger = localDocument(root), true
	}
}
