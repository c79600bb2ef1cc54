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
		if p.el.timer != nil {
			e.createTimer(ei, p.el, p.due, p.repetitions)
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
		corr, ok = e.evalCorrelationKey(ei, md.corrKeyExpr)
	}
	return
}

// unsubscribe closes everything ei waits for: timers, then message
// subscriptions.
func (e *Engine) unsubscribe(ei *elementInstance) {
	for ei.timers != nil {
		e.timerEvent(IntentCanceled, ei.timers)
	}
	for ei.subs != nil {
		s := ei.subs
		v := e.arena.sub.get()
		e.fillSub(v, s)
		e.hintEI = ei
		e.event(ValueMessageSubscription, IntentDeleted, s.key, v)
	}
}

// applySubscription folds a MessageSubscription event into the state.
func (e *Engine) applySubscription(in Intent, key int64, v *MessageSubscriptionValue) {
	ei := e.instance(v.ElementInstanceKey, v.ProcessInstanceKey)
	switch in {
	case IntentCreated:
		s := &subscription{key: key, ei: ei, el: elementFor(ei, v.ElementID), name: v.MessageName,
			corrKey: v.CorrelationKey, interrupting: v.Interrupting}
		e.indexSub(s)
		p := &ei.subs
		for *p != nil {
			p = &(*p).nextOfEI
		}
		*p = s
	case IntentCorrelated:
		s := e.findSub(ei, key)
		if m := e.messages[v.MessageKey]; m != nil {
			m.correlated = append(m.correlated, ei.root.el.proc.id)
		}
		if s.el == ei.el && len(v.Variables) > 0 {
			x := ei.extra()
			x.trigger, x.hasTrigger = v.Variables, true
		}
		if s.interrupting {
			e.removeSub(s)
		}
	case IntentDeleted:
		e.removeSub(e.findSub(ei, key))
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

func (e *Engine) removeSub(s *subscription) {
	for p := &s.ei.subs; *p != nil; p = &(*p).nextOfEI {
		if *p == s {
			*p = s.nextOfEI
			break
		}
	}
	e.unindexSub(s)
}

// Subscriptions with the same name and key form a list in creation
// order; the head's prev points to the tail.
func (e *Engine) indexSub(s *subscription) {
	k := corrKey{s.name, s.corrKey}
	e.subCount++
	head := e.subIndex[k]
	if head == nil {
		s.prev, s.next = s, nil
		e.subIndex[k] = s
		return
	}
	tail := head.prev
	tail.next, s.prev, s.next, head.prev = s, tail, nil, s
}

func (e *Engine) unindexSub(s *subscription) {
	k := corrKey{s.name, s.corrKey}
	e.subCount--
	head := e.subIndex[k]
	switch {
	case s == head && s.next == nil:
		delete(e.subIndex, k)
	case s == head:
		s.next.prev = s.prev
		e.subIndex[k] = s.next
	default:
		s.prev.next = s.next
		if s.next != nil {
			s.next.prev = s.prev
		} else {
			head.prev = s.prev
		}
	}
	s.prev, s.next = nil, nil
}

// applyMessage folds a Message event into the state.
func (e *Engine) applyMessage(in Intent, key int64, v *MessageValue) {
	switch in {
	case IntentPublished:
		if v.TimeToLive <= 0 {
			return
		}
		m := &message{key: key, name: v.Name, corrKey: v.CorrelationKey, id: v.MessageID, vars: v.Variables,
			ttl: v.TimeToLive, deadline: v.Deadline}
		e.messages[key] = m
		e.indexMessage(m)
		if m.id != "" {
			e.msgIDs[[3]string{m.name, m.corrKey, m.id}] = m
		}
		e.due.push(m.deadline, key, dueMessage)
	case IntentExpired:
		m := e.messages[key]
		if m == nil {
			return
		}
		delete(e.messages, key)
		e.unindexMessage(m)
		if m.id != "" {
			delete(e.msgIDs, [3]string{m.name, m.corrKey, m.id})
		}
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
		v := e.arena.msg.get()
		*v = MessageValue{Name: m.name, CorrelationKey: m.corrKey, MessageID: m.id, TimeToLive: m.ttl,
			Deadline: m.deadline, Variables: m.vars}
		e.event(ValueMessage, IntentExpired, key, v)
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
		if m := e.messages[v.MessageKey]; m != nil {
			m.correlated = append(m.correlated, v.BPMNProcessID)
		}
		if v.CorrelationKey != "" {
			e.startKeys[startKey{v.BPMNProcessID, v.CorrelationKey}] = v.ProcessInstanceKey
			e.pendingStart = pendingStart{v.ProcessInstanceKey, v.CorrelationKey}
		}
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
