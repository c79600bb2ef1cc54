package engine

import (
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

var eventElementTypes = map[bpmn.Kind]ElementType{
	bpmn.KindStartEvent:             ElementStartEvent,
	bpmn.KindEndEvent:               ElementEndEvent,
	bpmn.KindIntermediateCatchEvent: ElementIntermediateCatchEvent,
	bpmn.KindIntermediateThrowEvent: ElementIntermediateThrowEvent,
	bpmn.KindBoundaryEvent:          ElementBoundaryEvent,
}

// event compiles a start, end, intermediate or boundary event.
func (c *compiler) event(n *bpmn.FlowNode, el *element) bool {
	typ, ok := eventElementTypes[n.Kind]
	if !ok {
		c.errorf(n, "%s elements are not supported by the wfctl engine", n.Kind)
		return false
	}
	el.typ = typ
	if len(n.EventDefinitions) > 1 {
		c.errorf(n, "events with several event definitions are not supported")
		return false
	}
	if len(n.EventDefinitions) == 0 {
		el.evt = EventNone
		if typ == ElementIntermediateCatchEvent || typ == ElementBoundaryEvent {
			c.errorf(n, "a catch event needs an event definition")
			return false
		}
		return true
	}
	ed := n.EventDefinitions[0]
	switch ed.Kind {
	case bpmn.KindMessageEventDefinition:
		return c.messageEvent(n, el, ed)
	case bpmn.KindTimerEventDefinition:
		return c.timerEvent(n, el, ed)
	case bpmn.KindErrorEventDefinition:
		return c.errorEvent(n, el, ed)
	case bpmn.KindCompensateEventDefinition:
		return c.compensationEvent(n, el, ed)
	case bpmn.KindSignalEventDefinition:
		return c.signalEvent(n, el, ed)
	case bpmn.KindEscalationEventDefinition:
		return c.escalationEvent(n, el, ed)
	case bpmn.KindLinkEventDefinition:
		if typ == ElementIntermediateThrowEvent || typ == ElementIntermediateCatchEvent {
			el.evt, el.linkName = EventLink, ed.Name
			return true
		}
	case bpmn.KindTerminateEventDefinition:
		if typ == ElementEndEvent {
			el.evt = EventTerminate
			return true
		}
	}
	c.errorf(n, "%s events with a %s are not supported by the wfctl engine yet", n.Kind, ed.Kind)
	return false
}

func (c *compiler) messageEvent(n *bpmn.FlowNode, el *element, ed *bpmn.EventDefinition) bool {
	el.evt = EventMessage
	switch el.typ {
	case ElementIntermediateThrowEvent, ElementEndEvent:
		// Zeebe runs message throw events as jobs, like send tasks.
		c.jobDef(n, el)
		return true
	case ElementStartEvent:
		if n.Parent != nil && !n.Parent.TriggeredByEvent {
			c.errorf(n, "message start events are only supported in a process or an event sub-process")
			return false
		}
	}
	el.msg = c.messageDef(n, ed.Message)
	if el.msg != nil && el.typ == ElementStartEvent && n.Parent == nil && el.msg.nameExpr != nil {
		c.errorf(n, "the message name of a message start event must be static")
	}
	return el.msg != nil
}

func (c *compiler) timerEvent(n *bpmn.FlowNode, el *element, ed *bpmn.EventDefinition) bool {
	el.evt = EventTimer
	if el.typ == ElementStartEvent && n.Parent != nil && !n.Parent.TriggeredByEvent {
		c.errorf(n, "timer start events are only supported in a process or an event sub-process")
		return false
	}
	t := ed.Timer
	if t == nil || t.Value == nil || t.Type == bpmn.TimerNone {
		c.errorf(n, "the timer has no timeDate, timeDuration or timeCycle")
		return false
	}
	td := &timerDef{kind: t.Type}
	text := strings.TrimSpace(t.Value.Text)
	x, _, err := parseExpression(text)
	switch {
	case err != nil:
		c.errorf(n, "timer: %v", err)
		return false
	case x != nil:
		td.expr = x
	default:
		v, err := readTimerValue(t.Type, text)
		if err != nil {
			c.errorf(n, "timer: %v", err)
			return false
		}
		td.value = v
	}
	el.timer = td
	return true
}

func (c *compiler) errorEvent(n *bpmn.FlowNode, el *element, ed *bpmn.EventDefinition) bool {
	el.evt = EventError
	code := ""
	if ed.Error != nil {
		code = ed.Error.ErrorCode
	}
	switch el.typ {
	case ElementEndEvent:
		if code == "" {
			c.errorf(n, "an error end event needs an error with an error code")
			return false
		}
		if strings.HasPrefix(code, "=") {
			c.errorf(n, "error codes given as expressions are not supported by the wfctl engine yet")
			return false
		}
	case ElementBoundaryEvent:
		el.interrupting = true
	case ElementStartEvent:
		if n.Parent == nil || !n.Parent.TriggeredByEvent {
			c.errorf(n, "error start events are only supported in event sub-processes")
			return false
		}
	default:
		c.errorf(n, "error events are supported as end and boundary events only")
		return false
	}
	el.code, el.catchAll = code, code == ""
	return true
}
