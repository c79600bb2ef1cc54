package engine

// Gateways: exclusive, inclusive (forking; its join is in inclusive.go)
// and parallel. An event-based gateway waits like a catch event
// (activateWaiting) for the first of its targets' events.

// activateParallelGateway: a parallel gateway (once its join is ready)
// completes at once, taking every outgoing flow.
func (e *Engine) activateParallelGateway(ei *elementInstance) {
	e.lifecycle(ei, IntentElementActivated)
	e.complete(ei, nil, nil)
}

// activateExclusiveGateway picks the first outgoing flow whose condition
// is true (in model order), else the default flow; without either it
// raises an incident, as Zeebe does. The gateway completes at once.
func (e *Engine) activateExclusiveGateway(ei *elementInstance) {
	el := ei.el
	var chosen *flow
	for _, f := range el.out {
		if f == el.def {
			continue
		}
		if !f.hasCond {
			chosen = f
			break
		}
		ok, taken := e.evalCondition(ei, f)
		if !ok {
			return
		}
		if taken {
			chosen = f
			break
		}
	}
	if chosen == nil {
		chosen = el.def
	}
	if chosen == nil {
		if len(el.out) == 0 {
			e.lifecycle(ei, IntentElementActivated)
			e.complete(ei, nil, nil)
			return
		}
		e.createIncident(ei, ErrorCondition, "Expected at least one condition to evaluate to true, or to have a default flow", 0)
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	e.complete(ei, chosen.self, nil)
}

// activateInclusiveGateway takes every outgoing flow whose condition is
// true, else the default flow; without either it raises an incident.
// A joining one has waited for its tokens first (inclusive.go).
func (e *Engine) activateInclusiveGateway(ei *elementInstance) {
	el := ei.el
	var taken []*flow
	for _, f := range el.out {
		if f == el.def {
			continue
		}
		ok, holds := true, true
		if f.hasCond {
			ok, holds = e.evalCondition(ei, f)
		}
		if !ok {
			return
		}
		if holds {
			taken = append(taken, f)
		}
	}
	if len(taken) == 0 && el.def != nil {
		taken = el.def.self
	}
	if len(taken) == 0 && len(el.out) > 0 {
		e.createIncident(ei, ErrorCondition, "Expected at least one condition to evaluate to true, or to have a default flow", 0)
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	e.complete(ei, taken, nil)
}
