package engine

// Element completion: ELEMENT_COMPLETING, output mappings, closing of
// subscriptions, ELEMENT_COMPLETED, then the outgoing sequence flows.

// complete completes an activated element. With taken set, those flows
// are taken (a gateway's choice) instead of all outgoing ones, and vars
// are handed to the elements they lead to.
func (e *Engine) complete(ei *elementInstance, taken []*flow, vars map[string]any) {
	e.lifecycle(ei, IntentElementCompleting)
	e.onComplete(ei, taken, vars)
}

// onComplete runs from ELEMENT_COMPLETING; it runs again when an incident
// on a completing element is resolved.
func (e *Engine) onComplete(ei *elementInstance, taken []*flow, vars map[string]any) {
	if !ei.listening(listenerEnd) {
		if !e.applyOutputs(ei) {
			return
		}
		if ei.el.body != nil {
			e.collectOutput(ei)
		}
		e.unsubscribe(ei)
	}
	if len(ei.el.listeners[listenerEnd-1]) > 0 && e.startListening(ei, listenerEnd) {
		return
	}
	parent := ei.parent
	if parent == nil {
		e.dropCompensation(ei)
		end := e.endOf(ei, true)
		var caller *elementInstance
		if ei.x != nil {
			caller = ei.x.caller
		}
		e.lifecycle(ei, IntentElementCompleted)
		e.observeCompleted(ei)
		e.rootDone(end)
		if caller != nil {
			e.enqueue(step{kind: stepComplete, ei: caller})
		}
		return
	}
	if ei.el.compHandler != nil {
		e.compensable(ei)
	}
	e.lifecycle(ei, IntentElementCompleted)
	e.observeCompleted(ei)
	if ei.el.forCompensation {
		e.handlerCompleted(ei)
	}
	if ei.el.evt == EventCompensation && ei.el.typ == ElementBoundaryEvent {
		e.compensationBoundaryDone(ei)
		return
	}
	if taken == nil {
		taken = ei.el.out
	}
	if parent.el.adhoc != nil && e.adHocFulfilled(parent) {
		return
	}
	switch {
	case ei.el.evt == EventTerminate:
		e.terminateSiblings(parent)
	case ei.el.link != nil:
		e.enqueueActivate(ei.el.link, parent, nil)
	case parent.el.mi != nil:
		e.innerCompleted(parent)
	case len(taken) > 0:
		for _, f := range taken {
			e.takeFlow(f, parent, vars)
		}
	default:
		e.pathEnded(parent)
	}
}

// takeFlow writes SEQUENCE_FLOW_TAKEN and schedules the activation of the
// flow's target (a joining gateway once all its incoming flows were taken).
func (e *Engine) takeFlow(f *flow, scope *elementInstance, vars map[string]any) {
	e.note(ValueProcessInstance, IntentSequenceFlowTaken, e.nextKey(), e.flowRecord(f, scope))
	e.flowTaken(scope, f)
	if e.observer != nil {
		e.observer.FlowTaken(scope.proc.id, f.id)
	}
	if f.dst.joins && !e.joinReady(scope, f.dst) {
		return
	}
	e.enqueueActivate(f.dst, scope, vars)
}

// flowRecord returns the value of the SEQUENCE_FLOW_TAKEN record of f in
// scope, or nil when records are not kept.
func (e *Engine) flowRecord(f *flow, scope *elementInstance) *ProcessInstanceValue {
	if !e.recording {
		return nil
	}
	p := scope.proc
	return e.arena.pi.put(ProcessInstanceValue{BPMNProcessID: p.id, Version: p.version, ProcessDefinitionKey: p.key,
		ProcessInstanceKey: scope.root.key, ElementID: f.id, FlowScopeKey: scope.key,
		BPMNElementType: ElementSequenceFlow, BPMNEventType: EventUnspecified,
		ParentProcessInstanceKey: -1, ParentElementInstanceKey: -1})
}

// pathEnded runs when an element without outgoing flows completed: its
// flow scope completes once nothing in it is active or on its way.
func (e *Engine) pathEnded(scope *elementInstance) {
	e.recheckInclusiveJoins(scope)
	if scope.state == stateActivated && scope.children == 0 && scope.flows == 0 {
		e.enqueue(step{kind: stepComplete, ei: scope})
	}
}
