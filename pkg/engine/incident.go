package engine

// Incidents: a problem an instance cannot get past by itself (a job
// without retries, a failed expression, an uncaught error). The element
// waits in its state; resolving the incident (after fixing variables or
// retries) retries what failed, as Zeebe does.

func (e *Engine) createIncident(ei *elementInstance, typ ErrorType, msg string, jobKey int64) {
	v := e.arena.incident.get()
	p := ei.proc
	*v = IncidentValue{ErrorType: typ, ErrorMessage: msg, BPMNProcessID: p.id, ProcessDefinitionKey: p.key,
		ProcessInstanceKey: ei.root.key, ElementID: ei.el.id, ElementInstanceKey: ei.key, JobKey: jobKey,
		VariableScopeKey: ei.key}
	e.hintEI = ei
	e.event(ValueIncident, IntentCreated, e.nextKey(), v)
}

func (e *Engine) incidentEvent(in Intent, inc *incident) {
	v := e.arena.incident.get()
	ei := inc.ei
	p := ei.proc
	*v = IncidentValue{ErrorType: inc.typ, ErrorMessage: inc.msg, BPMNProcessID: p.id, ProcessDefinitionKey: p.key,
		ProcessInstanceKey: ei.root.key, ElementID: ei.el.id, ElementInstanceKey: ei.key, JobKey: inc.jobKey,
		VariableScopeKey: ei.key}
	e.hintEI = ei
	e.event(ValueIncident, in, inc.key, v)
}

// resolveIncident resolves an incident and retries what failed: a job
// incident makes the job activatable again (its retries must have been
// updated first); any other retries the element's activation or
// completion.
func (e *Engine) resolveIncident(key int64) error {
	inc := e.incidents[key]
	if inc == nil {
		return reject(NotFound, "Expected to resolve incident with key '%d', but no such incident was found", key)
	}
	if inc.jobKey > 0 {
		if j := e.jobs[inc.jobKey]; j != nil && j.retries <= 0 {
			return reject(InvalidState, "Expected to resolve incident with key '%d', but job with key '%d' has no retries left. Please update the job retries and retry resolving the incident", key, inc.jobKey)
		}
	}
	e.incidentEvent(IntentResolved, inc)
	if inc.jobKey > 0 {
		return nil
	}
	ei := inc.ei
	switch ei.state {
	case stateActivating:
		e.onActivate(ei)
	case stateCompleting:
		e.onComplete(ei, nil, nil)
	}
	return nil
}

// resolveIncidentsOf resolves the incidents of an element instance that
// is being terminated.
func (e *Engine) resolveIncidentsOf(ei *elementInstance) {
	if ei.x == nil {
		return
	}
	for len(ei.x.incidents) > 0 {
		e.incidentEvent(IntentResolved, ei.x.incidents[0])
	}
}
