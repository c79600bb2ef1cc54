package engine

import "slices"

// Messages, as Zeebe correlates them: a published message goes to every
// open subscription with its name and correlation key, but to at most one
// per process (BPMN process id, across versions); then to the message
// start events of processes it did not reach yet, where an instance
// started by a message with the same non-empty correlation key must not
// be active. With a time to live above zero the message is buffered: a
// subscription opened later (or a message start freed later) still gets
// it, until it expires. With TTL 0 it expires at once.

// PublishResult tells what a published message did, without reading the
// records: how many waiting instances it reached and how many instances
// it started (StartedInstance is the first). A message that did neither,
// and was not buffered, matched nothing.
type PublishResult struct {
	MessageKey      int64
	Correlated      int
	Started         int
	StartedInstance int64
	Buffered        bool
}

// Matched reports whether the message reached or started an instance.
func (r PublishResult) Matched() bool { return r.Correlated+r.Started > 0 }

func (e *Engine) publish(v *MessageValue) error {
	if v.Name == "" {
		return reject(InvalidArgument, "Expected to publish a message with a name, but the name is empty")
	}
	if v.TimeToLive > MaxDuration {
		return reject(InvalidArgument, "Expected to publish a message with a time to live up to %d ms (%s), but it was %d", MaxDuration, maxDurationText, v.TimeToLive)
	}
	if v.MessageID != "" && e.msgIDs[[3]string{v.Name, v.CorrelationKey, v.MessageID}] != nil {
		return reject(AlreadyExists, "Expected to publish a new message with id '%s', but a message with that id was already published", v.MessageID)
	}
	key := e.nextKey()
	deadline := e.now + max(v.TimeToLive, 0)
	rec := e.messageRecord(v, deadline)
	e.note(ValueMessage, IntentPublished, key, rec)
	var m *message // the buffered message, if it has a time to live
	if v.TimeToLive > 0 {
		m = e.addMessage(key, v, deadline)
	}
	e.published = PublishResult{MessageKey: key, Buffered: v.TimeToLive > 0}
	var reachedBuf [4]string
	reached := reachedBuf[:0]
	for s := e.firstSub(v.Name, v.CorrelationKey); s != nil; {
		next := s.next
		if id := s.el.model.id; !slices.Contains(reached, id) { // s.el.model: the model is hot in cache, the instance is not
			e.correlate(s, m, key, v.Variables)
			reached = append(reached, id)
			e.published.Correlated++
		}
		s = next
	}
	e.startByMessage(m, key, v, reached)
	if v.TimeToLive <= 0 {
		e.note(ValueMessage, IntentExpired, key, rec) // never buffered: nothing to remove
	}
	return nil
}

// messageRecord returns the value of the Message records of a published
// message, or nil when records are not kept.
func (e *Engine) messageRecord(v *MessageValue, deadline int64) *MessageValue {
	if !e.recording {
		return nil
	}
	out := e.arena.msg.put(*v)
	out.Deadline = deadline
	return out
}

// correlate hands a message (m when it is buffered) to a subscription
// and schedules what follows.
func (e *Engine) correlate(s *subscription, m *message, msgKey int64, vars map[string]any) {
	ei, el := s.ei, s.el
	e.note(ValueMessageSubscription, IntentCorrelated, s.key, e.subRecord(s, msgKey, vars))
	e.subCorrelated(s, m, vars)
	e.trigger(ei, el, vars)
}

// trigger runs what an event (message or timer) caught by el, waiting in
// ei, does: complete ei (its own event), complete the event-based gateway
// ei towards el, interrupt ei, or start a non-interrupting boundary event.
func (e *Engine) trigger(ei *elementInstance, el *element, vars map[string]any) {
	switch {
	case el == ei.el:
		e.enqueue(step{kind: stepComplete, ei: ei})
	case el.inEventSub():
		e.triggerEventSub(ei, el, vars)
	case ei.el.typ == ElementEventBasedGateway:
		e.enqueue(step{kind: stepComplete, ei: ei, flow: flowTo(ei.el, el), vars: vars})
	case el.interrupting:
		e.interrupt(ei, el, vars)
	default:
		e.enqueueActivate(el, ei.parent, vars)
	}
}

func flowTo(src, dst *element) *flow {
	for _, f := range src.out {
		if f.dst == dst {
			return f
		}
	}
	return nil
}

// subRecord returns the value of a MessageSubscription record about s,
// or nil when records are not kept.
func (e *Engine) subRecord(s *subscription, msgKey int64, vars map[string]any) *MessageSubscriptionValue {
	if !e.recording {
		return nil
	}
	return e.arena.sub.put(MessageSubscriptionValue{BPMNProcessID: s.ei.proc.id, ProcessInstanceKey: s.ei.root.key,
		ElementInstanceKey: s.ei.key, ElementID: s.el.id, MessageName: s.name, CorrelationKey: s.corrKey,
		MessageKey: msgKey, Interrupting: s.interrupting, Variables: vars})
}

// openSubscription makes ei wait for a message for el.
func (e *Engine) openSubscription(ei *elementInstance, el *element, name, corr string) {
	s := e.newSubFor(ei)
	*s = subscription{key: e.nextKey(), ei: ei, el: el, name: name, corrKey: corr, interrupting: el.canInterrupt()}
	e.note(ValueMessageSubscription, IntentCreated, s.key, e.subRecord(s, 0, nil))
	e.addSub(s)
}

// correlateBuffered gives the subscriptions ei just opened the oldest
// buffered message each can take.
func (e *Engine) correlateBuffered(ei *elementInstance) {
	if len(e.messages) == 0 {
		return // nothing is buffered (every message had TTL 0)
	}
	for s := ei.subs; s != nil && ei.state == stateActivated; s = s.nextOfEI {
		m := e.bufferedFor(s.name, s.corrKey, ei.root.proc.id)
		if m == nil {
			continue
		}
		e.correlate(s, m, m.key, m.vars)
		if s.interrupting {
			return
		}
	}
}

// bufferedFor returns the oldest live buffered message with that name
// and key not yet correlated to process id.
func (e *Engine) bufferedFor(name, corr, id string) *message {
	for m := e.msgIndex[corrKey{name, corr}]; m != nil; m = m.next {
		if m.deadline > e.now && !slices.Contains(m.correlated, id) {
			return m
		}
	}
	return nil
}

// startByMessage starts instances of processes whose message start event
// the message (m when it is buffered) names, except those reached
// already.
func (e *Engine) startByMessage(m *message, msgKey int64, v *MessageValue, reached []string) {
	for _, ss := range e.startSubs[v.Name] {
		id := ss.proc.id
		if slices.Contains(reached, id) {
			continue
		}
		if v.CorrelationKey != "" && e.startedWith(id, v.CorrelationKey) {
			continue
		}
		e.startWith(ss, m, msgKey, v.CorrelationKey, v.Variables)
		e.published.Started++
		reached = append(reached, id)
	}
}

func (e *Engine) startWith(ss *startSub, m *message, msgKey int64, corr string, vars map[string]any) {
	piKey := e.nextKey()
	if e.published.StartedInstance == 0 {
		e.published.StartedInstance = piKey
	}
	var sv *MessageStartEventSubscriptionValue
	if e.recording {
		sv = e.arena.start.put(MessageStartEventSubscriptionValue{ProcessDefinitionKey: ss.proc.key,
			BPMNProcessID: ss.proc.id, StartEventID: ss.el.id, MessageName: ss.name, CorrelationKey: corr,
			MessageKey: msgKey, ProcessInstanceKey: piKey, Variables: vars})
	}
	e.note(ValueMessageStartEventSubscription, IntentCorrelated, ss.key, sv)
	e.startCorrelated(m, ss.proc.id, corr, piKey, ss.proc, ss.el, vars)
	e.enqueue(step{kind: stepStartInstance, key: piKey, proc: ss.proc, el: ss.el, vars: vars})
}

// startBuffered runs when an instance started by a message with key corr
// ended: the oldest buffered message for the process's start events with
// that key starts the next instance.
func (e *Engine) startBuffered(p *process, corr string) {
	if len(e.messages) == 0 {
		return // nothing is buffered (every message had TTL 0)
	}
	vs := e.versions[p.id]
	latest := vs[len(vs)-1]
	if e.startedWith(p.id, corr) {
		return
	}
	var best *message
	var bestSub *startSub
	for _, el := range latest.msgStarts {
		for _, ss := range e.startSubs[el.msg.name] {
			if ss.proc != latest || ss.el != el {
				continue
			}
			if m := e.bufferedFor(ss.name, corr, p.id); m != nil && (best == nil || m.key < best.key) {
				best, bestSub = m, ss
			}
		}
	}
	if best != nil {
		e.startWith(bestSub, best, best.key, corr, best.vars)
	}
}
