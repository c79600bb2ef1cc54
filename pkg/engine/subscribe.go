package engine

import "slices"

// pendingEvent is an event an element is about to wait for, with its
// expressions evaluated.
type pendingEvent struct {
	el          *element
	name, corr  string
	due         int64
	repetitions int32
}

// subscribe makes ei wait for events: message subscriptions first, then
// timers, as Zeebe opens them. Every expression is evaluated before
// anything is opened; a failure raises an incident and opens nothing.
func (e *Engine) subscribe(ei *elementInstance, events []*element) bool {
	pending := e.pending[:0]
	for _, ev := range events {
		p := pendingEvent{el: ev}
		switch {
		case ev.msg != nil:
			var ok bool
			if p.name, p.corr, ok = e.evalMessage(ei, ev.msg); !ok {
				return false
			}
		case ev.timer != nil:
			var ok bool
			if p.due, p.repetitions, ok = e.timerDue(ei, ev.timer, e.now); !ok {
				return false
			}
		case ev.signal != nil:
			p.name = ev.signal.name
			if x := ev.signal.nameExpr; x != nil {
				var ok bool
				if p.name, ok = e.evalString(ei, x, "signal name"); !ok {
					return false
				}
			}
		default:
			continue
		}
		pending = append(pending, p)
	}
	e.pending = pending
	for _, p := range pending {
		if p.el.msg != nil {
			e.openSubscription(ei, p.el, p.name, p.corr)
		}
	}
	for _, p := range pending {
		if p.el.signal != nil {
			e.openSignalSub(ei, p.el, p.name)
		}
	}
	for _, p := range pending {
		if p.el.timer != nil {
			e.createTimer(ei.proc, ei, p.el, p.due, p.repetitions)
		}
	}
	return true
}

func (e *Engine) evalMessage(ei *elementInstance, md *messageDef) (name, corr string, ok bool) {
	name, corr, ok = md.name, md.corrKey, true
	if md.nameExpr != nil {
		if name, ok = e.evalString(ei, md.nameExpr, "message name"); !ok {
			return
		}
	}
	if md.corrKeyExpr != nil {
		if s, isString := stringVariable(ei, md.corrKeyVar); isString {
			return name, s, true // what FEEL would give, without evaluating it
		}
		corr, ok = e.evalCorrelationKey(ei, md.corrKeyExpr)
	}
	return
}

// stringVariable returns the value of the variable name as seen from ei
// when it is a string.
func stringVariable(ei *elementInstance, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for s := ei; s != nil; s = s.parent {
		if i := s.local(name); i >= 0 {
			str, ok := s.vars[i].value.(string)
			return str, ok
		}
	}
	return "", false
}

// unsubscribe closes everything ei waits for: timers, message
// subscriptions, then signal subscriptions.
func (e *Engine) unsubscribe(ei *elementInstance) {
	defer e.closeSignalSubs(ei, false)
	for ei.timers != nil {
		e.timerEvent(IntentCanceled, ei.timers)
	}
	for ei.subs != nil {
		e.deleteSubscription(ei.subs)
	}
}

// deleteSubscription writes MessageSubscription DELETED.
func (e *Engine) deleteSubscription(s *subscription) {
	e.note(ValueMessageSubscription, IntentDeleted, s.key, e.subRecord(s, 0, nil))
	e.removeSub(s)
}

// applySubscription folds a MessageSubscription event into the state.
func (e *Engine) applySubscription(in Intent, key int64, v *MessageSubscriptionValue) {
	ei := e.instance(v.ElementInstanceKey, v.ProcessInstanceKey)
	switch in {
	case IntentCreated:
		s := e.newSubFor(ei)
		*s = subscription{key: key, ei: ei, el: elementFor(ei, v.ElementID), name: v.MessageName,
			corrKey: v.CorrelationKey, interrupting: v.Interrupting}
		e.addSub(s)
	case IntentCorrelated:
		e.subCorrelated(e.findSub(ei, key), e.messages[v.MessageKey], v.Variables)
	case IntentDeleted:
		e.removeSub(e.findSub(ei, key))
	}
}

// addSub applies MessageSubscription CREATED.
func (e *Engine) addSub(s *subscription) {
	e.indexSub(s)
	p := &s.ei.subs
	for *p != nil {
		p = &(*p).nextOfEI
	}
	*p = s
}

// subCorrelated applies MessageSubscription CORRELATED: the message (m,
// when it is buffered) is marked as correlated to the process, the
// variables wait for the element's completion, and an interrupting
// subscription closes.
func (e *Engine) subCorrelated(s *subscription, m *message, vars map[string]any) {
	ei := s.ei
	if m != nil {
		m.correlated = append(m.correlated, ei.root.proc.id)
	}
	if s.el == ei.el && len(vars) > 0 {
		x := ei.extra()
		x.trigger, x.hasTrigger = vars, true
	}
	if s.interrupting {
		e.removeSub(s)
	}
}

func (e *Engine) findSub(ei *elementInstance, key int64) *subscription {
	for s := ei.subs; s != nil; s = s.nextOfEI {
		if s.key == key {
			return s
		}
	}
	panic("no message subscription with that key")
}

// removeSub applies MessageSubscription DELETED (and the CORRELATED of an
// interrupting one).
func (e *Engine) removeSub(s *subscription) {
	for p := &s.ei.subs; *p != nil; p = &(*p).nextOfEI {
		if *p == s {
			*p = s.nextOfEI
			break
		}
	}
	e.unindexSub(s)
	e.releaseSub(s)
}

// applyMessage folds a Message event into the state.
func (e *Engine) applyMessage(in Intent, key int64, v *MessageValue) {
	switch in {
	case IntentPublished:
		if v.TimeToLive > 0 {
			e.addMessage(key, v, v.Deadline)
		}
	case IntentExpired:
		if m := e.messages[key]; m != nil {
			e.removeMessage(m)
		}
	}
}

// addMessage applies Message PUBLISHED of a message with a time to live:
// it is buffered until its deadline.
func (e *Engine) addMessage(key int64, v *MessageValue, deadline int64) *message {
	m := &message{key: key, name: v.Name, corrKey: v.CorrelationKey, id: v.MessageID, vars: v.Variables,
		ttl: v.TimeToLive, deadline: deadline}
	e.messages[key] = m
	e.indexMessage(m)
	if m.id != "" {
		e.msgIDs[[3]string{m.name, m.corrKey, m.id}] = m
	}
	e.due.push(m.deadline, key, dueMessage)
	return m
}

// removeMessage applies Message EXPIRED of a buffered message.
func (e *Engine) removeMessage(m *message) {
	delete(e.messages, m.key)
	e.unindexMessage(m)
	if m.id != "" {
		delete(e.msgIDs, [3]string{m.name, m.corrKey, m.id})
	}
}

func (e *Engine) indexMessage(m *message) {
	k := corrKey{m.name, m.corrKey}
	head := e.msgIndex[k]
	if head == nil {
		m.prev, m.next = m, nil
		e.msgIndex[k] = m
		return
	}
	tail := head.prev
	tail.next, m.prev, m.next, head.prev = m, tail, nil, m
}

func (e *Engine) unindexMessage(m *message) {
	k := corrKey{m.name, m.corrKey}
	head := e.msgIndex[k]
	switch {
	case m == head && m.next == nil:
		delete(e.msgIndex, k)
	case m == head:
		m.next.prev = m.prev
		e.msgIndex[k] = m.next
	default:
		m.prev.next = m.next
		if m.next != nil {
			m.next.prev = m.prev
		} else {
			head.prev = m.prev
		}
	}
	m.prev, m.next = nil, nil
}

func (e *Engine) messageDue(key, at int64) {
	if m := e.messages[key]; m != nil && m.deadline == at {
		var v *MessageValue
		if e.recording {
			v = e.arena.msg.get()
			*v = MessageValue{Name: m.name, CorrelationKey: m.corrKey, MessageID: m.id, TimeToLive: m.ttl,
				Deadline: m.deadline, Variables: m.vars}
		}
		e.note(ValueMessage, IntentExpired, key, v)
		e.removeMessage(m)
	}
}

// applyStartSubscription folds a MessageStartEventSubscription event.
func (e *Engine) applyStartSubscription(in Intent, key int64, v *MessageStartEventSubscriptionValue) {
	switch in {
	case IntentCreated:
		p := e.processes[v.ProcessDefinitionKey]
		ss := &startSub{key: key, proc: p, el: p.byID[v.StartEventID], name: v.MessageName}
		list := append(e.startSubs[v.MessageName], ss)
		slices.SortFunc(list, func(a, b *startSub) int { return cmpString(a.proc.id, b.proc.id) })
		e.startSubs[v.MessageName] = list
	case IntentDeleted:
		list := e.startSubs[v.MessageName]
		list = slices.DeleteFunc(list, func(s *startSub) bool { return s.key == key })
		if len(list) == 0 {
			delete(e.startSubs, v.MessageName)
		} else {
			e.startSubs[v.MessageName] = list
		}
	case IntentCorrelated:
		p := e.processes[v.ProcessDefinitionKey]
		e.startCorrelated(e.messages[v.MessageKey], v.BPMNProcessID, v.CorrelationKey, v.ProcessInstanceKey, p, p.byID[v.StartEventID], v.Variables)
	}
}

// startCorrelated applies MessageStartEventSubscription CORRELATED: a
// message (m, when buffered) starts instance piKey of process id. A
// correlation key is taken until that instance ends.
func (e *Engine) startCorrelated(m *message, id, corr string, piKey int64, p *process, el *element, vars map[string]any) {
	e.queueEventStart(p, el, vars)
	if m != nil {
		m.correlated = append(m.correlated, id)
	}
	if corr != "" {
		e.markStarted(id, corr)
		e.pendingStart = pendingStart{piKey, corr}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
