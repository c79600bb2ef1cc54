package engine

// Element behaviours, as Zeebe's BpmnElementProcessors: what an element
// does once activated, after its input mappings and start listeners.
// Each kind's behaviour lives in the file named for it (gateways in
// gateway.go and inclusive.go, events in escalation.go, signal.go,
// compensation.go, ..., activities in job.go, call.go, decision.go,
// adhoc.go, multiinstance.go) and is chosen here once, when the model is
// compiled: a new kind of element is its file plus one line below.

// behavior is an element kind's activation behaviour.
type behavior func(e *Engine, ei *elementInstance)

// behaviorOf chooses el's behaviour. The order matters where an element
// fits several lines: a multi-instance body first, then by type, then by
// what the element does.
func behaviorOf(el *element) behavior {
	throw := el.typ == ElementIntermediateThrowEvent || el.typ == ElementEndEvent
	switch {
	case el.mi != nil:
		return (*Engine).activateBody
	case el.typ == ElementExclusiveGateway:
		return (*Engine).activateExclusiveGateway
	case el.typ == ElementInclusiveGateway:
		return (*Engine).activateInclusiveGateway
	case el.typ == ElementParallelGateway:
		return (*Engine).activateParallelGateway
	case el.typ == ElementEventBasedGateway:
		return (*Engine).activateWaiting
	case el.typ == ElementSubProcess:
		return (*Engine).activateSubProcess
	case el.typ == ElementAdHocSubProcess:
		return (*Engine).activateAdHoc
	case el.typ == ElementEventSubProcess:
		return (*Engine).activateEventSubProcess
	case el.typ == ElementProcess:
		return (*Engine).activateProcess
	case el.call != nil:
		return (*Engine).activateCall
	case el.hasJob():
		return (*Engine).activateJobElement
	case el.waitsForEvent():
		return (*Engine).activateWaiting
	case el.typ == ElementEndEvent && el.evt == EventError:
		return (*Engine).throwErrorEnd
	case throw && el.evt == EventEscalation:
		return (*Engine).throwEscalation
	case throw && el.evt == EventSignal:
		return (*Engine).throwSignal
	case throw && el.evt == EventCompensation:
		return (*Engine).throwCompensation
	case el.script != nil:
		return (*Engine).activateScript
	case el.decision != "" || el.decisionExpr != nil:
		return (*Engine).activateDecision
	}
	return (*Engine).passThrough
}

// activateSubProcess opens the sub-process's boundary events and event
// sub-process starts, then activates its none start event.
func (e *Engine) activateSubProcess(ei *elementInstance) {
	if e.subscribeScope(ei) {
		e.lifecycle(ei, IntentElementActivated)
		e.enqueueActivate(ei.el.start, ei, nil)
	}
}

// activateEventSubProcess activates an event sub-process's start event
// with the variables of the event that triggered it.
func (e *Engine) activateEventSubProcess(ei *elementInstance) {
	e.lifecycle(ei, IntentElementActivated)
	e.enqueueActivate(ei.el.start, ei, e.espVars)
	e.espVars = nil
}

// activateProcess activates a process instance from its none start
// event (after its start listeners, or when an incident is resolved).
func (e *Engine) activateProcess(ei *elementInstance) {
	if x := ei.x; x != nil && x.start != nil {
		e.activateRoot(ei, x.start, x.startVars)
		return
	}
	e.activateRoot(ei, ei.el.start, nil)
}

// throwErrorEnd: an error end event throws its error from its scope.
func (e *Engine) throwErrorEnd(ei *elementInstance) { e.throwError(ei, ei.parent, ei.el.code, "", nil) }
