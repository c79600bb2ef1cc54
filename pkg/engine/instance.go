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
	e.createVariables(key, p, v.Variables)
	e.note(ValueProcessInstanceCreation, IntentCreated, key, e.creationRecord(key, p, v.Variables)) // changes no state
	e.lastCreated = key
	e.enqueue(step{kind: stepStartInstance, key: key, proc: p, el: p.root.start})
	return nil
}

// creationRecord returns the value of ProcessInstanceCreation CREATED,
// or nil when records are not kept.
func (e *Engine) creationRecord(key int64, p *process, vars map[string]any) *ProcessInstanceCreationValue {
	if !e.recording {
		return nil
	}
	return e.arena.creation.put(ProcessInstanceCreationValue{BPMNProcessID: p.id, Version: p.version,
		ProcessDefinitionKey: p.key, ProcessInstanceKey: key, Variables: vars})
}

// createVariables writes the variables of a process instance being
// created, before it is activated, as Zeebe does.
func (e *Engine) createVariables(piKey int64, p *process, vars map[string]any) {
	for _, name := range e.sortedNames(vars) {
		key, value := e.nextKey(), vars[name]
		e.note(ValueVariable, IntentCreated, key, e.variableRecord(name, value, piKey, piKey, p))
		e.addRootVariable(piKey, variable{name: name, value: value, key: key})
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
	root := e.activating(key, p, p.root, nil, caller)
	if len(p.root.listeners[listenerStart-1]) > 0 && e.startListening(root, listenerStart) {
		return // activateProcess continues once the listeners completed
	}
	e.activateRoot(root, start, startVars)
}

// activateRoot opens the process's event sub-process start events and
// activates the start event. (When an incident stopped it, resolving
// retries it from the none start event.)
func (e *Engine) activateRoot(root *elementInstance, start *element, startVars map[string]any) {
	if !e.subscribeScope(root) {
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
	end := instanceEnd{proc: root.proc, corrKey: root.startCorrelationKey, completed: completed}
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

// activating writes ELEMENT_ACTIVATING of a new instance of el (of the
// deployed version p) in scope and returns the instance. A process
// instance has no scope; caller is the call activity that started it, if
// any.
func (e *Engine) activating(key int64, p *process, el *element, scope, caller *elementInstance) *elementInstance {
	e.note(ValueProcessInstance, IntentElementActivating, key, e.piRecord(p, el, key, scope, caller))
	return e.addInstance(key, p, el, scope, caller)
}

// lifecycle writes a lifecycle event of an existing element instance.
func (e *Engine) lifecycle(ei *elementInstance, in Intent) {
	e.note(ValueProcessInstance, in, ei.key, e.lifecycleRecord(ei))
	e.changeState(ei, in)
}

// lifecycleRecord returns the value of a lifecycle record of ei, or nil
// when records are not kept. (Without records, nothing here is read: the
// process instance, another cache miss, is not touched.)
func (e *Engine) lifecycleRecord(ei *elementInstance) *ProcessInstanceValue {
	if !e.recording {
		return nil
	}
	var caller *elementInstance
	if ei.parent == nil && ei.x != nil {
		caller = ei.x.caller
	}
	return e.piRecord(ei.proc, ei.el, ei.key, ei.parent, caller)
}

// piRecord returns the value of a ProcessInstance record about the
// instance key of el of version p in scope (nil for a process instance,
// which the call activity caller may have started), or nil when records
// are not kept.
func (e *Engine) piRecord(p *process, el *element, key int64, scope, caller *elementInstance) *ProcessInstanceValue {
	if !e.recording {
		return nil
	}
	scopeKey, piKey := int64(-1), key
	if scope != nil {
		scopeKey, piKey = scope.key, scope.root.key
	}
	v := e.arena.pi.put(ProcessInstanceValue{BPMNProcessID: p.id, Version: p.version, ProcessDefinitionKey: p.key,
		ProcessInstanceKey: piKey, ElementID: el.id, FlowScopeKey: scopeKey, BPMNElementType: el.typ, BPMNEventType: el.evt,
		ParentProcessInstanceKey: -1, ParentElementInstanceKey: -1})
	if el.typ == ElementProcess && caller != nil {
		v.ParentProcessInstanceKey, v.ParentElementInstanceKey = caller.root.key, caller.key
	}
	return v
}

func scopeKey(ei *elementInstance) int64 {
	if ei.parent == nil {
		return -1
	}
	return ei.parent.key
}
