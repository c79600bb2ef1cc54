package engine

// Process instance creation and cancellation.

import "time"

func (e *Engine) createInstanceCommand(v *ProcessInstanceCreationValue) error {
	p, err := e.processFor(v)
	if err != nil {
		return err
	}
	if p.root.start == nil {
		return reject(InvalidArgument, "Expected to create an instance of process '%s' with a none start event, but it has none (it starts by message or timer)", p.id)
	}
	key := e.nextKey()
	c := e.arena.creation.get()
	*c = ProcessInstanceCreationValue{BPMNProcessID: p.id, Version: p.version, ProcessDefinitionKey: p.key,
		ProcessInstanceKey: key, Variables: v.Variables}
	e.createVariables(key, p, v.Variables)
	e.event(ValueProcessInstanceCreation, IntentCreated, key, c)
	e.lastCreated = key
	e.enqueue(step{kind: stepStartInstance, key: key, proc: p, el: p.root.start})
	return nil
}

// createVariables writes the variables of a process instance being
// created, before it is activated, as Zeebe does.
func (e *Engine) createVariables(piKey int64, p *process, vars map[string]any) {
	for _, name := range e.sortedNames(vars) {
		v := e.arena.variable.get()
		*v = VariableValue{Name: name, Value: vars[name], ScopeKey: piKey, ProcessInstanceKey: piKey,
			ProcessDefinitionKey: p.key, BPMNProcessID: p.id}
		e.hintEI = nil
		e.event(ValueVariable, IntentCreated, e.nextKey(), v)
	}
}

// processFor finds the process a creation command names: by key, or by
// id and version (the latest when Version is 0 or -1).
func (e *Engine) processFor(v *ProcessInstanceCreationValue) (*process, error) {
	if v.ProcessDefinitionKey > 0 {
		if p := e.processes[v.ProcessDefinitionKey]; p != nil {
			return p, nil
		}
		return nil, reject(NotFound, "Expected to find process definition with key '%d', but none found", v.ProcessDefinitionKey)
	}
	vs := e.versions[v.BPMNProcessID]
	if len(vs) == 0 {
		return nil, reject(NotFound, "Expected to find process definition with process ID '%s', but none found", v.BPMNProcessID)
	}
	if v.Version <= 0 {
		return vs[len(vs)-1], nil
	}
	for _, p := range vs {
		if p.version == v.Version {
			return p, nil
		}
	}
	return nil, reject(NotFound, "Expected to find process definition with process ID '%s' and version '%d', but none found", v.BPMNProcessID, v.Version)
}

// startInstance activates a process instance with the given key and its
// start event; startVars (a message's) become local variables of the
// start event.
func (e *Engine) startInstance(key int64, p *process, start *element, startVars map[string]any, caller *elementInstance) {
	if caller != nil && caller.state != stateActivated {
		return // the call activity was terminated before its process started
	}
	e.caller = caller
	e.piEvent(IntentElementActivating, key, p.root, -1, key)
	e.caller = nil
	e.activateRoot(e.root(key), start, startVars)
}

// activateRoot opens the process's event sub-process start events and
// activates the start event. (When an incident stopped it, resolving
// retries it from the none start event.)
func (e *Engine) activateRoot(root *elementInstance, start *element, startVars map[string]any) {
	if !e.subscribeScope(root, nil) {
		return
	}
	e.lifecycle(root, IntentElementActivated)
	if start != nil {
		e.enqueueActivate(start, root, startVars)
	}
}

func (e *Engine) cancelInstance(key int64) error {
	ei := e.root(key)
	if ei == nil || ei.parent != nil {
		return reject(NotFound, "Expected to cancel a process instance with key '%d', but no such process instance was found", key)
	}
	if ei.x != nil && ei.x.caller != nil {
		return reject(InvalidState, "Expected to cancel a process instance with key '%d', but it is created by a parent process instance. Cancel the root process instance '%d' instead.", key, ei.x.caller.root.key)
	}
	if ei.state == stateTerminating {
		return reject(InvalidState, "Expected to cancel process instance '%d', but it is already being terminated", key)
	}
	e.terminate(ei)
	return nil
}

// InstanceEnd describes a process instance that just ended, for
// [WithInstanceEnded].
type InstanceEnd struct {
	InstanceInfo
	// Completed is false when the instance was terminated (cancelled).
	Completed bool
	EndedAt   time.Time
}

// WithInstanceEnded calls fn when a process instance completes or is
// terminated, before its state is dropped: a replay that keeps only
// in-flight instances (wfctl trace) learns there how each ended, for
// instance whether it went through a timer boundary event
// (InstanceInfo.TimedOut). fn runs inside the command; it must not call
// the engine.
func WithInstanceEnded(fn func(InstanceEnd)) Option { return func(e *Engine) { e.onEnded = fn } }

// endOf captures what rootDone needs before the instance's state goes.
func (e *Engine) endOf(root *elementInstance, completed bool) instanceEnd {
	end := instanceEnd{proc: root.el.proc, completed: completed}
	if root.x != nil {
		end.corrKey = root.x.startCorrelationKey
	}
	if e.onEnded != nil {
		end.info = e.instanceInfo(root)
	}
	return end
}

type instanceEnd struct {
	proc      *process
	corrKey   string
	completed bool
	info      InstanceInfo
}

// rootDone runs after a process instance completed or was terminated. A
// message-started instance frees its correlation key: a buffered message
// with that key may now start the next instance (Zeebe's message start
// uniqueness).
func (e *Engine) rootDone(end instanceEnd) {
	if e.onEnded != nil {
		e.onEnded(InstanceEnd{InstanceInfo: end.info, Completed: end.completed, EndedAt: msTime(e.now)})
	}
	if end.corrKey != "" && len(end.proc.msgStarts) > 0 {
		e.enqueue(step{kind: stepStartBuffered, proc: end.proc, corr: end.corrKey})
	}
}

// piEvent writes a ProcessInstance event about element el.
func (e *Engine) piEvent(in Intent, key int64, el *element, scopeKey, piKey int64) {
	e.hintEl = el
	v := e.arena.pi.get()
	p := el.proc
	*v = ProcessInstanceValue{BPMNProcessID: p.id, Version: p.version, ProcessDefinitionKey: p.key,
		ProcessInstanceKey: piKey, ElementID: el.id, FlowScopeKey: scopeKey, BPMNElementType: el.typ, BPMNEventType: el.evt,
		ParentProcessInstanceKey: -1, ParentElementInstanceKey: -1}
	if el.typ == ElementProcess && e.caller != nil {
		v.ParentProcessInstanceKey, v.ParentElementInstanceKey = e.caller.root.key, e.caller.key
	}
	e.event(ValueProcessInstance, in, key, v)
}

// lifecycle writes a lifecycle event of an existing element instance.
func (e *Engine) lifecycle(ei *elementInstance, in Intent) {
	e.hintEI = ei
	if ei.parent == nil && ei.x != nil {
		e.caller = ei.x.caller
	}
	e.piEvent(in, ei.key, ei.el, scopeKey(ei), ei.root.key)
	e.caller = nil
}

func scopeKey(ei *elementInstance) int64 {
	if ei.parent == nil {
		return -1
	}
	return ei.parent.key
}
