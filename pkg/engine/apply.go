package engine

import (
	"errors"
	"fmt"
)

// Apply folds one record of a log into the state, as the engine did when
// it wrote it: replaying the records of a run onto a new engine (same
// partition) rebuilds the same state. Commands and rejections only move
// the position and clock; events change the state. Records must be
// applied in log order.
func (e *Engine) Apply(r Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("engine: apply record %d (%s %s): %v", r.Position, r.ValueType, r.Intent, p)
		}
	}()
	if r.Value == nil && r.RecordType == RecordEvent {
		return errors.New("engine: apply: event without a value")
	}
	e.hintEI = nil
	e.recycle()
	e.apply(&r)
	e.settle()
	e.flushKey()
	return nil
}

func (e *Engine) apply(r *Record) {
	if r.Position > e.position {
		e.position = r.Position
	}
	if r.Timestamp > e.now {
		e.now = r.Timestamp
	}
	if r.RecordType != RecordEvent {
		return
	}
	if PartitionOf(r.Key) == e.partition {
		if n := r.Key - EncodeKey(e.partition, 0); n > e.keyCounter {
			e.keyCounter = n
		}
	}
	switch v := r.Value.(type) {
	case *ProcessInstanceValue:
		e.applyProcessInstance(r.Intent, r.Key, v)
	case *JobValue:
		e.applyJob(r.Intent, r.Key, v)
	case *JobBatchValue:
		e.applyJobBatch(v)
	case *VariableValue:
		e.applyVariable(r.Key, v)
	case *TimerValue:
		e.applyTimer(r.Intent, r.Key, v)
	case *MessageValue:
		e.applyMessage(r.Intent, r.Key, v)
	case *MessageSubscriptionValue:
		e.applySubscription(r.Intent, r.Key, v)
	case *MessageStartEventSubscriptionValue:
		e.applyStartSubscription(r.Intent, r.Key, v)
	case *SignalSubscriptionValue:
		e.applySignalSub(r.Intent, r.Key, v)
	case *SignalValue:
		if r.Intent == IntentBroadcasted {
			e.applyBroadcast(v)
		}
	case *CompensationSubscriptionValue:
		e.applyCompSub(r.Intent, r.Key, v)
	case *DecisionRequirementsValue:
		e.applyDRG(r.Key, v)
	case *DecisionValue:
		e.applyDecision(r.Key, v)
	case *IncidentValue:
		e.applyIncident(r.Intent, r.Key, v)
	case *ProcessValue:
		e.applyProcess(r.Key, v)
	}
}

func (e *Engine) applyProcessInstance(in Intent, key int64, v *ProcessInstanceValue) {
	switch in {
	case IntentElementActivating:
		e.applyActivating(key, v)
	case IntentSequenceFlowTaken:
		scope := e.instance(v.FlowScopeKey, v.ProcessInstanceKey)
		e.flowTaken(scope, e.processes[v.ProcessDefinitionKey].flowsByID[v.ElementID])
	default:
		e.changeState(e.instance(key, v.ProcessInstanceKey), in)
	}
}

// changeState applies a lifecycle event after ELEMENT_ACTIVATING.
func (e *Engine) changeState(ei *elementInstance, in Intent) {
	switch in {
	case IntentElementActivated:
		ei.state = stateActivated
	case IntentElementCompleting:
		ei.state = stateCompleting
	case IntentElementTerminating:
		ei.state = stateTerminating
	case IntentElementCompleted:
		e.removeInstance(ei, true)
	case IntentElementTerminated:
		e.removeInstance(ei, false)
	}
}

// flowTaken applies SEQUENCE_FLOW_TAKEN: a token waits in scope for the
// flow's target to consume it.
func (e *Engine) flowTaken(scope *elementInstance, fl *flow) {
	scope.flows++
	if fl.dst.joins {
		x := scope.extra()
		if x.joined == nil {
			x.joined = map[int]int32{}
		}
		x.joined[fl.idx]++
	}
}

func (e *Engine) applyActivating(key int64, v *ProcessInstanceValue) {
	var parent, caller *elementInstance
	if v.FlowScopeKey > 0 {
		parent = e.instance(v.FlowScopeKey, v.ProcessInstanceKey)
	}
	if v.ParentElementInstanceKey > 0 {
		caller = e.instance(v.ParentElementInstanceKey, v.ParentProcessInstanceKey)
	}
	p, el := e.elementOf(v.ProcessDefinitionKey, v.ElementID, v.BPMNElementType)
	e.addInstance(key, p, el, parent, caller)
}

// addInstance applies ELEMENT_ACTIVATING: a new instance of el of the
// deployed version p, in parent's flow scope or (parent nil) a process
// instance, started by caller if a call activity started it.
func (e *Engine) addInstance(key int64, p *process, el *element, parent, caller *elementInstance) *elementInstance {
	ei := e.newInstance(el)
	*ei = elementInstance{key: key, el: el, proc: p, parent: parent, state: stateActivating, activatedAt: e.now, sub0: ei.sub0}
	if parent == nil {
		e.addRoot(ei, caller)
	} else {
		e.addChild(parent, ei)
	}
	p.counts[el.idx].Active++
	e.hintEI = ei
	return ei
}

// addRoot indexes a new process instance with what waited for it: the
// variables written before it, its call activity, the correlation key of
// the message that started it.
func (e *Engine) addRoot(ei *elementInstance, caller *elementInstance) {
	ei.root, ei.fresh = ei, true
	e.fresh[ei.key] = ei
	e.stats.Created++
	e.stats.Active++
	if vars, ok := e.rootVars[ei.key]; ok {
		ei.vars = vars
		if ei.x != nil {
			ei.x.varIndex = nil
		}
		indexAllVars(ei)
		delete(e.rootVars, ei.key)
	}
	if caller != nil {
		ei.extra().caller = caller
		caller.extra().child = ei
	}
	e.takeEventStart(ei, caller)
	if e.pendingStart.piKey == ei.key {
		ei.startCorrelationKey = e.pendingStart.corrKey
		e.pendingStart = pendingStart{}
	}
}

// addChild links a new element instance into its flow scope.
func (e *Engine) addChild(parent, ei *elementInstance) {
	el := ei.el
	ei.root = parent.root
	if el.typ == ElementEventSubProcess && el.start.interrupting {
		parent.flows = 0 // the scope was interrupted: its pending tokens are gone
		if parent.x != nil {
			parent.x.joined = nil
		}
	}
	parent.children++
	if parent.el.mi != nil {
		parent.loop++
	}
	ei.nextSib = parent.firstChild
	if parent.firstChild != nil {
		parent.firstChild.prevSib = ei
	}
	parent.firstChild = ei
	e.consumeFlows(parent, el)
}

// consumeFlows takes the sequence flows an activation uses up off its
// flow scope: one, or one per incoming flow for a joining gateway.
func (e *Engine) consumeFlows(scope *elementInstance, el *element) {
	if !el.waitsForFlow() {
		return
	}
	if !el.joins {
		scope.flows--
		return
	}
	for _, f := range el.in {
		if scope.x != nil && scope.x.joined[f.idx] > 0 {
			scope.x.joined[f.idx]--
			scope.flows--
		}
	}
}

func (e *Engine) removeInstance(ei *elementInstance, completed bool) {
	switch {
	case ei.fresh:
		delete(e.fresh, ei.key)
	case ei.parent == nil:
		delete(e.roots, ei.key)
	}
	c := &ei.proc.counts[ei.el.idx]
	c.Active--
	if completed {
		c.Completed++
	} else {
		c.Terminated++
	}
	if p := ei.parent; p != nil {
		p.children--
		if ei.prevSib != nil {
			ei.prevSib.nextSib = ei.nextSib
		} else {
			p.firstChild = ei.nextSib
		}
		if ei.nextSib != nil {
			ei.nextSib.prevSib = ei.prevSib
		}
		if completed && ei.el.evt == EventTerminate {
			x := p.extra()
			x.terminateEnd, x.joined = true, nil
			p.flows = 0
		}
	} else {
		e.removeRoot(ei, completed)
	}
	e.releaseVars(ei.vars)
	ei.state, ei.vars = 0, nil
	if ei.x != nil {
		ei.x.varIndex = nil
	}
	if e.hintEI == ei {
		e.hintEI = nil
	}
	e.deadEIs = append(e.deadEIs, ei)
}

func (e *Engine) removeRoot(ei *elementInstance, completed bool) {
	if ei.x != nil && ei.x.caller != nil {
		e.returnToCaller(ei, completed)
	}
	e.stats.Active--
	if completed {
		e.stats.Completed++
	} else {
		e.stats.Terminated++
	}
	if ei.startCorrelationKey != "" {
		e.unmarkStarted(ei.proc.id, ei.startCorrelationKey)
	}
}

// applyVariable sets a variable; variables of a process instance being
// created come before the instance (as in Zeebe) and wait for it.
func (e *Engine) applyVariable(key int64, v *VariableValue) {
	scope := e.hintEI
	if scope == nil || scope.key != v.ScopeKey {
		scope = e.find(v.ScopeKey, v.ProcessInstanceKey)
	}
	if scope == nil && v.ScopeKey == v.ProcessInstanceKey {
		e.addRootVariable(v.ScopeKey, variable{name: v.Name, value: v.Value, key: key})
		return
	}
	e.setVariable(scope, v.Name, v.Value, key)
}

// indexAllVars indexes a scope's variables when they were set as a whole.
func indexAllVars(scope *elementInstance) {
	if len(scope.vars) > varIndexFrom {
		x := scope.extra()
		x.varIndex = make(map[string]int32, 2*len(scope.vars))
		for i := range scope.vars {
			x.varIndex[scope.vars[i].name] = int32(i)
		}
	}
}

// addRootVariable keeps a variable of a process instance about to be
// activated until it is.
func (e *Engine) addRootVariable(piKey int64, v variable) {
	if e.rootVars == nil {
		e.rootVars = map[int64][]variable{}
	}
	vars := e.rootVars[piKey]
	if vars == nil {
		vars = e.newVars()
	}
	e.rootVars[piKey] = append(vars, v)
}

// setVariable sets a variable of a scope, creating or replacing it.
func (e *Engine) setVariable(scope *elementInstance, name string, value any, key int64) {
	if i := scope.local(name); i >= 0 {
		scope.vars[i].value = value
		return
	}
	if scope.vars == nil {
		scope.vars = e.newVars()
	}
	scope.vars = append(scope.vars, variable{name: name, value: value, key: key})
	indexVars(scope)
}

// varIndexFrom is how many variables a scope holds before they are
// indexed by name: below, a scan of the slice is faster than a map.
const varIndexFrom = 32

// indexVars keeps the name index of a scope's variables up to date after
// one was appended (or, past varIndexFrom, builds it).
func indexVars(scope *elementInstance) {
	n := len(scope.vars)
	if n <= varIndexFrom {
		return
	}
	x := scope.extra()
	if x.varIndex == nil {
		x.varIndex = make(map[string]int32, 2*n)
		for i := range scope.vars {
			x.varIndex[scope.vars[i].name] = int32(i)
		}
		return
	}
	x.varIndex[scope.vars[n-1].name] = int32(n - 1)
}

func (e *Engine) applyIncident(in Intent, key int64, v *IncidentValue) {
	switch in {
	case IntentCreated:
		ei := e.instance(v.ElementInstanceKey, v.ProcessInstanceKey)
		inc := &incident{key: key, typ: v.ErrorType, msg: v.ErrorMessage, ei: ei, jobKey: v.JobKey, createdAt: e.now}
		e.incidents[key] = inc
		x := ei.extra()
		x.incidents = append(x.incidents, inc)
	case IntentResolved:
		inc := e.incidents[key]
		delete(e.incidents, key)
		if inc == nil {
			return
		}
		x := inc.ei.x
		for i, o := range x.incidents {
			if o == inc {
				x.incidents = append(x.incidents[:i], x.incidents[i+1:]...)
				break
			}
		}
		if j := e.jobs[inc.jobKey]; j != nil && (j.state == jobFailed || j.state == jobErrorThrown) && inc.ei.state != stateTerminating {
			e.makeActivatable(j)
		}
	}
}

func (e *Engine) applyProcess(key int64, v *ProcessValue) {
	m := e.compiled[key]
	delete(e.compiled, key)
	if m == nil {
		var err error
		if m, err = compileResource(v.ResourceName, v.Resource, v.BPMNProcessID); err != nil {
			panic(err)
		}
	}
	p := newProcess(m, key, v.Version)
	e.processes[key] = p
	e.versions[p.id] = append(e.versions[p.id], p)
}

// pendingStart carries the correlation key of a message start from its
// CORRELATED event to the process instance's ELEMENT_ACTIVATING event,
// which follows it directly.
type pendingStart struct {
	piKey   int64
	corrKey string
}
