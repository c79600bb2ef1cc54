package engine

import (
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// Escalations, as Zeebe runs them: an escalation intermediate throw or
// end event looks for a catch from its flow scope outwards (and from a
// called process into its call activity): in each scope an event
// sub-process whose escalation start event names the code, else one
// without a code, then a boundary event of the scope the same way. Zeebe
// writes Escalation ESCALATED with the catching element; an interrupting
// catch terminates the scope with the throw event in it, otherwise the
// throw event completes and goes on. An escalation nobody catches is
// NOT_ESCALATED, and the throw event goes on too: unlike an error, it
// does not stop the instance.

// escalationEvent compiles an escalation event. Throw events may give the
// code as an expression; catch events without a code catch every one.
func (c *compiler) escalationEvent(n *bpmn.FlowNode, el *element, ed *bpmn.EventDefinition) bool {
	el.evt = EventEscalation
	code := ""
	if ed.Escalation != nil {
		code = strings.TrimSpace(ed.Escalation.EscalationCode)
	}
	switch el.typ {
	case ElementIntermediateThrowEvent, ElementEndEvent:
		if code == "" {
			c.errorf(n, "an escalation throw event needs an escalation with an escalation code")
			return false
		}
		x, _, err := parseExpression(code)
		if err != nil {
			c.errorf(n, "escalation code: %v", err)
			return false
		}
		el.code, el.codeExpr = code, x
		return true
	case ElementBoundaryEvent:
		if n.AttachedTo != nil && !n.AttachedTo.Kind.IsSubProcess() && n.AttachedTo.Kind != bpmn.KindCallActivity {
			c.errorf(n, "escalation boundary events can only be attached to sub-processes and call activities")
			return false
		}
	case ElementStartEvent:
		if n.Parent == nil || !n.Parent.TriggeredByEvent {
			c.errorf(n, "escalation start events are only supported in event sub-processes")
			return false
		}
	default:
		c.errorf(n, "escalation events are supported as throw, end, boundary and event sub-process start events only")
		return false
	}
	if strings.HasPrefix(code, "=") {
		c.errorf(n, "the escalation code of a catch event must be static")
		return false
	}
	el.code, el.catchAll = code, code == ""
	return true
}

// throwEscalation runs an escalation throw event once activated.
func (e *Engine) throwEscalation(ei *elementInstance) {
	code := ei.el.code
	if ei.el.codeExpr != nil {
		var ok bool
		if code, ok = e.evalString(ei, ei.el.codeExpr, "escalation code"); !ok {
			return
		}
	}
	e.lifecycle(ei, IntentElementActivated)
	scope, catch := escalationCatch(ei, code)
	if catch == nil {
		e.note(ValueEscalation, IntentNotEscalated, e.nextKey(), e.escalationRecord(ei, code, ""))
		e.enqueue(step{kind: stepComplete, ei: ei})
		return
	}
	e.note(ValueEscalation, IntentEscalated, e.nextKey(), e.escalationRecord(ei, code, catch.id))
	switch {
	case catch.inEventSub():
		e.triggerEventSub(scope, catch, nil)
	case catch.interrupting:
		e.interrupt(scope, catch, nil)
	default:
		e.enqueueActivate(catch, scope.parent, nil)
	}
	if !catch.interrupting {
		e.enqueue(step{kind: stepComplete, ei: ei})
	}
}

// escalationCatch finds the event that catches an escalation thrown by
// ei, and the scope instance it catches it on.
func escalationCatch(ei *elementInstance, code string) (*elementInstance, *element) {
	for s := ei.parent; s != nil; {
		if start := catching(s.el.eventStarts, EventEscalation, code); start != nil {
			return s, start
		}
		if b := catching(s.el.boundaries, EventEscalation, code); b != nil {
			return s, b
		}
		if s.parent == nil && s.x != nil && s.x.caller != nil {
			s = s.x.caller // a call activity's boundary events catch what its process throws
			if b := catching(s.el.boundaries, EventEscalation, code); b != nil {
				return s, b
			}
		}
		s = s.parent
	}
	return nil, nil
}

// escalationRecord returns the value of an Escalation record, or nil
// when records are not kept.
func (e *Engine) escalationRecord(ei *elementInstance, code, catchID string) *EscalationValue {
	if !e.recording {
		return nil
	}
	return &EscalationValue{ProcessInstanceKey: ei.root.key, EscalationCode: code, ThrowElementID: ei.el.id, CatchElementID: catchID}
}
