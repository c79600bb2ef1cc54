package engine

import (
	"fmt"
	"slices"

	"github.com/wfctl/wfctl/bpmn"
)

// Compensation, as Camunda 8.8 runs it. An activity with a compensation
// boundary event is compensable: each time an instance of it completes,
// a compensation subscription remembers it (with its local variables).
// A compensation intermediate throw or end event triggers the
// subscriptions of its flow scope (of the event sub-process's parent
// scope, when thrown in one), including those of activities inside
// sub-processes of that scope that completed, or only those of the
// activity its activityRef names: the compensation handler associated
// with each boundary event (an activity marked isForCompensation) is
// activated once per completed instance, all at once, in reverse order
// of completion, in the throw event's scope, after its boundary event
// (activated and completed there, as Zeebe writes it), with the
// compensated instance's local variables. The throw event waits until every handler
// it started completed (Camunda 8 always waits: waitForCompletion="false"
// is refused by its tooling). Handlers of active or terminated activities
// are never invoked; a subscription is used once, and goes when its
// process instance ends or a scope it ran in is terminated.

// compSub is a compensation subscription: one completed instance of a
// compensable activity.
type compSub struct {
	key      int64
	root     int64 // the process instance
	proc     *process
	activity *element
	handler  *element
	// activityKey is the completed instance; scopes are the keys of its
	// flow scope instances, innermost first, up to the process instance,
	// and scopeEls their elements.
	activityKey int64
	scopes      []int64
	scopeEls    []*element
	vars        map[string]any
	// throwKey and handlerKey are set when the subscription is
	// triggered: the throw event waiting for the handler instance.
	throwKey, handlerKey int64
}

// compensationEvent compiles a compensation event: a boundary event
// (linked to its handler once every element exists) or a throw event.
func (c *compiler) compensationEvent(n *bpmn.FlowNode, el *element, ed *bpmn.EventDefinition) bool {
	el.evt = EventCompensation
	switch el.typ {
	case ElementBoundaryEvent:
		return true
	case ElementIntermediateThrowEvent, ElementEndEvent:
		el.compRef = ed.ActivityRef
		if ed.XML != nil && ed.XML.SelectAttrValue("waitForCompletion", "true") == "false" {
			c.errorf(n, "waitForCompletion=\"false\" is not supported by Camunda 8: a compensation throw event waits for its handlers")
			return false
		}
		return true
	}
	c.errorf(n, "compensation events are supported as boundary, intermediate throw and end events only (compensation event sub-processes are not supported by Camunda 8.8)")
	return false
}

// linkCompensation links each compensation boundary event's activity to
// the handler the boundary event is associated with.
func (c *compiler) linkCompensation(ct *bpmn.Container) {
	handlerOf := map[string]string{}
	ct.Walk(func(n *bpmn.FlowNode) {
		if n.Sub != nil {
			collectAssociations(n.Sub, handlerOf)
		}
	})
	collectAssociations(ct, handlerOf)
	for _, el := range c.p.elements {
		if el.evt != EventCompensation || el.typ != ElementBoundaryEvent || el.attachedTo == nil {
			continue
		}
		h := c.p.byID[handlerOf[el.id]]
		if h == nil || !h.forCompensation || len(el.out) > 0 {
			// Zeebe's own words for this rejection.
			c.errs = append(c.errs, "compensation boundary event \""+el.id+"\": Compensation boundary events must have a compensation association and no outgoing sequence flows "+
				"(associate it with an activity marked isForCompensation=\"true\")")
			continue
		}
		if act := el.attachedTo; act.mi != nil {
			act.mi.inner.compHandler = h // each completed iteration is compensated
		} else {
			act.compHandler = h
		}
	}
	for _, el := range c.p.elements {
		if el.compRef != "" && c.p.byID[el.compRef] == nil {
			c.errs = append(c.errs, fmt.Sprintf("compensation throw event %q: activityRef %q names no activity of the process", el.id, el.compRef))
		}
	}
}

func collectAssociations(ct *bpmn.Container, into map[string]string) {
	for _, a := range ct.Artifacts {
		if a.Kind == bpmn.KindAssociation && a.SourceRef != "" {
			into[a.SourceRef] = a.TargetRef
		}
	}
}

// compensable writes the compensation subscription of a compensable
// activity's instance that is completing; vars are its local variables.
func (e *Engine) compensable(ei *elementInstance) {
	s := &compSub{key: e.nextKey(), root: ei.root.key, proc: ei.proc, activity: ei.el, handler: ei.el.compHandler,
		activityKey: ei.key}
	for p := ei.parent; p != nil; p = p.parent {
		s.scopes = append(s.scopes, p.key)
		s.scopeEls = append(s.scopeEls, p.el)
	}
	if len(ei.vars) > 0 {
		s.vars = make(map[string]any, len(ei.vars))
		for _, v := range ei.vars {
			s.vars[v.name] = v.value
		}
	}
	e.note(ValueCompensationSubscription, IntentCreated, s.key, e.compRecord(s))
	e.addCompSub(s)
}

// throwCompensation runs a compensation throw event once activated.
func (e *Engine) throwCompensation(ei *elementInstance) {
	e.lifecycle(ei, IntentElementActivated)
	scope := ei.parent
	if scope.el.typ == ElementEventSubProcess && scope.parent != nil {
		scope = scope.parent
	}
	subs := e.compensationFor(scope, ei.el.compRef)
	if len(subs) == 0 {
		e.enqueue(step{kind: stepComplete, ei: ei})
		return
	}
	for _, s := range subs {
		s.throwKey, s.handlerKey = ei.key, e.nextKey()
		e.note(ValueCompensationSubscription, IntentTriggered, s.key, e.compRecord(s))
		e.compByHandler[s.handlerKey] = s
		// As in Zeebe, the compensation boundary event is activated and
		// completed first (in the throw event's scope), then its handler.
		key := e.nextKey()
		e.compBoundaries[key] = s
		e.enqueue(step{kind: stepActivate, key: key, el: compensationBoundary(s.activity), scope: scope})
	}
}

// compensationBoundary returns the compensation boundary event of a
// compensable activity (of its multi-instance body for an iteration).
func compensationBoundary(act *element) *element {
	if act.body != nil {
		act = act.body
	}
	for _, b := range act.boundaries {
		if b.evt == EventCompensation {
			return b
		}
	}
	return nil
}

// compensationBoundaryDone runs when a triggered compensation boundary
// event completed: its handler is activated beside it.
func (e *Engine) compensationBoundaryDone(ei *elementInstance) {
	s := e.compBoundaries[ei.key]
	delete(e.compBoundaries, ei.key)
	if s != nil {
		e.enqueue(step{kind: stepActivate, key: s.handlerKey, el: s.handler, scope: ei.parent, vars: s.vars})
	}
}

// compensationFor returns the untriggered subscriptions a throw event in
// scope triggers, newest first: those of activities that completed in
// scope or in a completed sub-process of it, limited to ref (an activity,
// or a sub-process whose activities are compensated) when set.
func (e *Engine) compensationFor(scope *elementInstance, ref string) []*compSub {
	var out []*compSub
	for _, s := range e.compSubs[scope.root.key] {
		if s.handlerKey != 0 {
			continue
		}
		i := slices.Index(s.scopes, scope.key)
		if i < 0 || !e.allEnded(s, i) {
			continue
		}
		if ref != "" && s.activity.id != ref && !slices.ContainsFunc(s.scopeEls[:i], func(el *element) bool { return el.id == ref }) {
			continue
		}
		out = append(out, s)
	}
	slices.Reverse(out)
	return out
}

// allEnded reports whether the scopes of s inside scopes[i] completed.
func (e *Engine) allEnded(s *compSub, i int) bool {
	for _, k := range s.scopes[:i] {
		if e.find(k, s.root) != nil {
			return false
		}
	}
	return true
}

// handlerCompleted runs when a compensation handler's instance completed:
// its subscription is used up, and the throw event that started it goes
// on once none of its handlers is left.
func (e *Engine) handlerCompleted(ei *elementInstance) {
	s := e.compByHandler[ei.key]
	if s == nil {
		return
	}
	e.note(ValueCompensationSubscription, IntentCompleted, s.key, e.compRecord(s))
	e.removeCompSub(s)
	for _, o := range e.compSubs[s.root] {
		if o.throwKey == s.throwKey {
			return
		}
	}
	if thrower := e.find(s.throwKey, s.root); thrower != nil && thrower.state == stateActivated {
		e.enqueue(step{kind: stepComplete, ei: thrower})
	}
}

// dropCompensation deletes the subscriptions that can no longer be
// triggered: all of a process instance that ends (scope is the process
// instance), or those that ran in a scope being terminated.
func (e *Engine) dropCompensation(scope *elementInstance) {
	subs := e.compSubs[scope.root.key]
	if len(subs) == 0 {
		return
	}
	for _, s := range slices.Clone(subs) {
		if scope.parent == nil || slices.Contains(s.scopes, scope.key) {
			e.note(ValueCompensationSubscription, IntentDeleted, s.key, e.compRecord(s))
			e.removeCompSub(s)
		}
	}
}

func (e *Engine) compRecord(s *compSub) *CompensationSubscriptionValue {
	if !e.recording {
		return nil
	}
	return compValue(s)
}

// compValue is the record value that describes s.
func compValue(s *compSub) *CompensationSubscriptionValue {
	v := &CompensationSubscriptionValue{ProcessInstanceKey: s.root, ProcessDefinitionKey: s.proc.key,
		CompensableActivityID: s.activity.id, CompensableActivityInstanceKey: s.activityKey,
		CompensableActivityScopeKey: s.scopes[0], CompensationHandlerID: s.handler.id,
		ThrowEventInstanceKey: -1, CompensationHandlerInstanceKey: -1, Variables: s.vars, ScopeKeys: s.scopes}
	for _, el := range s.scopeEls {
		v.ScopeElementIDs = append(v.ScopeElementIDs, el.id)
	}
	if s.handlerKey != 0 {
		v.ThrowEventInstanceKey, v.CompensationHandlerInstanceKey = s.throwKey, s.handlerKey
	}
	return v
}

// applyCompSub folds a CompensationSubscription event into the state.
func (e *Engine) applyCompSub(in Intent, key int64, v *CompensationSubscriptionValue) {
	if in == IntentCreated {
		p := e.processes[v.ProcessDefinitionKey]
		s := &compSub{key: key, root: v.ProcessInstanceKey, proc: p, activity: p.byID[v.CompensableActivityID],
			handler: p.byID[v.CompensationHandlerID], activityKey: v.CompensableActivityInstanceKey, scopes: v.ScopeKeys, vars: v.Variables}
		if s.activity.mi != nil {
			s.activity = s.activity.mi.inner
		}
		for i, id := range v.ScopeElementIDs {
			// A multi-instance activity's iteration (inner) and body share
			// an id: the inner one is the first of the two.
			inner := i+1 < len(v.ScopeElementIDs) && v.ScopeElementIDs[i+1] == id
			s.scopeEls = append(s.scopeEls, scopeElement(p, id, inner))
		}
		e.addCompSub(s)
		return
	}
	i := slices.IndexFunc(e.compSubs[v.ProcessInstanceKey], func(s *compSub) bool { return s.key == key })
	if i < 0 {
		return
	}
	s := e.compSubs[v.ProcessInstanceKey][i]
	switch in {
	case IntentTriggered:
		s.throwKey, s.handlerKey = v.ThrowEventInstanceKey, v.CompensationHandlerInstanceKey
		e.compByHandler[s.handlerKey] = s
	case IntentCompleted, IntentDeleted:
		e.removeCompSub(s)
	}
}

// scopeElement resolves a flow scope's element id: the process, a
// sub-process, a multi-instance body or (inner) its iteration.
func scopeElement(p *process, id string, inner bool) *element {
	if id == p.id {
		return p.root
	}
	el := p.byID[id]
	if inner && el != nil && el.mi != nil {
		return el.mi.inner
	}
	return el
}

func (e *Engine) addCompSub(s *compSub) {
	e.compSubs[s.root] = append(e.compSubs[s.root], s)
	if s.handlerKey != 0 {
		e.compByHandler[s.handlerKey] = s
	}
}

func (e *Engine) removeCompSub(s *compSub) {
	list := slices.DeleteFunc(e.compSubs[s.root], func(o *compSub) bool { return o == s })
	if len(list) == 0 {
		delete(e.compSubs, s.root)
	} else {
		e.compSubs[s.root] = list
	}
	if s.handlerKey != 0 {
		delete(e.compByHandler, s.handlerKey)
	}
}
