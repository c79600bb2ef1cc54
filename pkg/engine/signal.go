package engine

import (
	"slices"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Signals, as Zeebe runs them: a broadcast signal reaches every open
// subscription with its name, on every process and instance, at once and
// never later (a signal is not buffered). Subscriptions are opened by
// signal start events when their process version is deployed (a new
// version replaces the old one's), and by element instances while they
// wait: intermediate catch events, boundary events and the signal start
// events of event sub-processes, closed with them. A signal is broadcast
// by a command (wfctl signal broadcast) or by an intermediate throw or end
// event, whose local variables (its input mappings) it carries.

// signalDef is a signal event's signal name: static, or an expression
// evaluated when the subscription opens or the signal is thrown.
type signalDef struct {
	name     string
	nameExpr *feel.Expr
}

// signalSub is an open signal subscription: of a start event of a
// deployed version (ei nil) or of a waiting element instance.
type signalSub struct {
	key  int64
	name string
	proc *process
	el   *element
	ei   *elementInstance
	// closed is set when the subscription is deleted, so that a
	// broadcast iterating over a copy skips it.
	closed bool
}

// signalEvent compiles a signal event.
func (c *compiler) signalEvent(n *bpmn.FlowNode, el *element, ed *bpmn.EventDefinition) bool {
	el.evt = EventSignal
	if ed.Signal == nil || strings.TrimSpace(ed.Signal.Name) == "" {
		c.errorf(n, "a signal event needs a signal with a name (signalRef)")
		return false
	}
	x, static, err := parseExpression(ed.Signal.Name)
	if err != nil {
		c.errorf(n, "signal name: %v", err)
		return false
	}
	sd := &signalDef{nameExpr: x}
	if s, ok := static.(string); ok {
		sd.name = s
	}
	if el.typ == ElementStartEvent {
		if n.Parent != nil && !n.Parent.TriggeredByEvent {
			c.errorf(n, "signal start events are only supported in a process or an event sub-process")
			return false
		}
		if n.Parent == nil && x != nil {
			c.errorf(n, "the signal name of a signal start event must be static")
			return false
		}
	}
	el.signal = sd
	return true
}

// broadcast runs a Signal BROADCAST command.
func (e *Engine) broadcast(v *SignalValue) error {
	if v.SignalName == "" {
		return reject(InvalidArgument, "Expected to broadcast a signal with a name, but the name is empty")
	}
	e.broadcastSignal(v.SignalName, v.Variables)
	return nil
}

// broadcastSignal writes Signal BROADCASTED and triggers every
// subscription open for name, oldest first.
func (e *Engine) broadcastSignal(name string, vars map[string]any) {
	key := e.nextKey()
	var rec *SignalValue
	if e.recording {
		rec = &SignalValue{SignalName: name, Variables: vars}
	}
	e.note(ValueSignal, IntentBroadcasted, key, rec)
	e.lastSignal = key
	subs := slices.Clone(e.signalSubs[name])
	var interrupted []*elementInstance
	for _, s := range subs {
		switch {
		case s.closed:
		case s.ei == nil:
			e.queueEventStart(s.proc, s.el, vars)
			e.enqueue(step{kind: stepStartInstance, key: e.nextKey(), proc: s.proc, el: s.el, vars: vars})
		case s.ei.state != stateActivated || slices.Contains(interrupted, s.ei):
		default:
			ei, el := s.ei, s.el
			if el.canInterrupt() || el == ei.el {
				interrupted = append(interrupted, ei)
			}
			if el == ei.el && len(vars) > 0 {
				x := ei.extra()
				x.trigger, x.hasTrigger = vars, true
			}
			e.trigger(ei, el, vars)
		}
	}
}

// throwSignal runs a signal intermediate throw or end event: it
// broadcasts its signal with its local variables and completes.
func (e *Engine) throwSignal(ei *elementInstance) {
	name := ei.el.signal.name
	if x := ei.el.signal.nameExpr; x != nil {
		var ok bool
		if name, ok = e.evalString(ei, x, "signal name"); !ok {
			return
		}
	}
	var vars map[string]any
	if len(ei.vars) > 0 {
		vars = make(map[string]any, len(ei.vars))
		for _, v := range ei.vars {
			vars[v.name] = v.value
		}
	}
	e.lifecycle(ei, IntentElementActivated)
	e.broadcastSignal(name, vars)
	e.enqueue(step{kind: stepComplete, ei: ei})
}

// openSignalSub makes ei wait for the signal name for el.
func (e *Engine) openSignalSub(ei *elementInstance, el *element, name string) {
	e.signalSubEvent(IntentCreated, &signalSub{key: e.nextKey(), name: name, proc: ei.proc, el: el, ei: ei})
}

// signalSubEvent writes a SignalSubscription event about s and applies it.
func (e *Engine) signalSubEvent(in Intent, s *signalSub) {
	var rec *SignalSubscriptionValue
	if e.recording {
		rec = signalSubRecord(s)
	}
	e.note(ValueSignalSubscription, in, s.key, rec)
	if in == IntentCreated {
		e.addSignalSub(s)
	} else {
		e.removeSignalSub(s)
	}
}

func signalSubRecord(s *signalSub) *SignalSubscriptionValue {
	v := &SignalSubscriptionValue{ProcessDefinitionKey: s.proc.key, BPMNProcessID: s.proc.id, CatchEventID: s.el.id,
		CatchEventInstanceKey: -1, ProcessInstanceKey: -1, SignalName: s.name}
	if s.ei != nil {
		v.CatchEventInstanceKey, v.ProcessInstanceKey = s.ei.key, s.ei.root.key
	}
	return v
}

// applySignalSub folds a SignalSubscription event into the state.
func (e *Engine) applySignalSub(in Intent, key int64, v *SignalSubscriptionValue) {
	switch in {
	case IntentCreated:
		s := &signalSub{key: key, name: v.SignalName}
		if v.CatchEventInstanceKey > 0 {
			s.ei = e.instance(v.CatchEventInstanceKey, v.ProcessInstanceKey)
			s.proc, s.el = s.ei.proc, elementFor(s.ei, v.CatchEventID)
		} else {
			s.proc, s.el = e.elementOf(v.ProcessDefinitionKey, v.CatchEventID, ElementStartEvent)
		}
		e.addSignalSub(s)
	case IntentDeleted:
		for _, s := range e.signalSubs[v.SignalName] {
			if s.key == key {
				e.removeSignalSub(s)
				return
			}
		}
	}
}

func (e *Engine) addSignalSub(s *signalSub) {
	e.signalSubs[s.name] = append(e.signalSubs[s.name], s) // keys grow: the list stays in key order
	if s.ei != nil {
		x := s.ei.extra()
		x.signals = append(x.signals, s)
	}
}

func (e *Engine) removeSignalSub(s *signalSub) {
	s.closed = true
	list := slices.DeleteFunc(e.signalSubs[s.name], func(o *signalSub) bool { return o == s })
	if len(list) == 0 {
		delete(e.signalSubs, s.name)
	} else {
		e.signalSubs[s.name] = list
	}
	if s.ei != nil && s.ei.x != nil {
		s.ei.x.signals = slices.DeleteFunc(s.ei.x.signals, func(o *signalSub) bool { return o == s })
	}
}

// closeSignalSubs closes ei's signal subscriptions; with onlyEventSubs,
// those of event sub-process start events only.
func (e *Engine) closeSignalSubs(ei *elementInstance, onlyEventSubs bool) {
	if ei.x == nil || len(ei.x.signals) == 0 {
		return
	}
	for _, s := range slices.Clone(ei.x.signals) {
		if !onlyEventSubs || s.el.inEventSub() {
			e.signalSubEvent(IntentDeleted, s)
		}
	}
}

// replaceSignalStarts closes the signal start events of the version a
// deployment replaces and opens the new version's.
func (e *Engine) replaceSignalStarts(old, p *process) {
	if old != nil {
		for _, el := range old.signalStarts {
			for _, s := range slices.Clone(e.signalSubs[el.signal.name]) {
				if s.ei == nil && s.proc == old {
					e.signalSubEvent(IntentDeleted, s)
				}
			}
		}
	}
	for _, el := range p.signalStarts {
		e.signalSubEvent(IntentCreated, &signalSub{key: e.nextKey(), name: el.signal.name, proc: p, el: el})
	}
}

// applyBroadcast folds Signal BROADCASTED: the signal start events it
// triggers queue their start events as broadcastSignal did.
func (e *Engine) applyBroadcast(v *SignalValue) {
	for _, s := range e.signalSubs[v.SignalName] {
		if s.ei == nil && !s.closed {
			e.queueEventStart(s.proc, s.el, v.Variables)
		}
	}
}
