package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/timersyntax"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Timers fire when the engine clock passes their due date (Tick). A
// cycle fires again, counted from when it fired, until its repetitions
// are used up (R3/PT1H fires three times; R/PT1H and cron cycles without
// end).

// timerDue computes when a timer created now falls due, and its
// repetitions; a failing expression raises an incident.
func (e *Engine) timerDue(ei *elementInstance, td *timerDef, now int64) (int64, int32, bool) {
	v := td.value
	if td.expr != nil {
		var err error
		if v, err = e.evalTimer(ei, td); err != nil {
			if ei != nil {
				e.createIncident(ei, ErrorExtractValue, err.Error(), 0)
			}
			return 0, 0, false
		}
	}
	due, reps := v.next(td.kind, now)
	return min(due, maxTimeMillis), reps, true
}

// evalTimer evaluates a timer expression: a string is read as the
// timer's type says; a FEEL duration or date-time is taken as it is.
func (e *Engine) evalTimer(ei *elementInstance, td *timerDef) (timerValue, error) {
	var r feel.Value
	if ei != nil {
		r, _ = e.eval(ei, td.expr, nil)
	} else {
		r, _ = td.expr.Eval(nil, e.feelOpts...)
	}
	if s, ok := r.AsString(); ok {
		v, err := readTimerValue(td.kind, s)
		if err != nil {
			return v, fmt.Errorf("Invalid timer %s expression '%s': %v", td.kind, td.expr.Source(), err)
		}
		return v, nil
	}
	var v timerValue
	if d, ok := r.AsDuration(); ok && td.kind == bpmn.TimerDuration {
		v.interval.Duration.Exact = d
		return v, nil
	}
	if m, ok := r.AsMonths(); ok && td.kind == bpmn.TimerDuration {
		v.interval.Duration.Months = int(m)
		return v, nil
	}
	if t, ok := r.AsTime(); ok && td.kind == bpmn.TimerDate {
		v.date = t.UnixMilli()
		return v, nil
	}
	want := map[bpmn.TimerType]string{bpmn.TimerDuration: "DURATION, PERIOD, STRING", bpmn.TimerDate: "DATE_TIME, STRING"}[td.kind]
	if want == "" {
		want = "STRING"
	}
	return v, fmt.Errorf("Expected result of the expression '%s' to be one of '[%s]', but was '%s'.", td.expr.Source(), want, feelTypeName(r))
}

// next returns the due date (Unix ms) after now and the repetitions.
func (v timerValue) next(kind bpmn.TimerType, now int64) (int64, int32) {
	t := time.UnixMilli(now).UTC()
	switch {
	case kind == bpmn.TimerDate:
		return v.date, 1
	case kind == bpmn.TimerDuration:
		if due, ok := fixedDue(v.interval, now); ok {
			return due, 1
		}
		return intervalDue(v.interval.Start, v.interval.Duration.AddTo, t), 1
	case v.repeating != nil:
		iv := v.repeating.Interval
		if due, ok := fixedDue(iv, now); ok {
			return due, int32(v.repeating.Repetitions)
		}
		return intervalDue(iv.Start, iv.Duration.AddTo, t), int32(v.repeating.Repetitions)
	case v.cron != nil:
		n, ok := v.cron.Next(t)
		if !ok {
			return now, 1
		}
		return clampMillis(n), -1
	}
	return now, 1
}

// maxFixedDays bounds the days fixedDue adds in milliseconds without
// overflowing (about 27,000 years, past MaxTime from any time).
const maxFixedDays = 10_000_000

// fixedDue is intervalDue in Unix ms for an interval without a start
// whose duration has no years or months (PT2H, P3D), the usual timer: in
// UTC, the engine's time zone, a calendar day is always 24 hours, so
// the due time is now plus a fixed number of milliseconds, without
// calendar arithmetic on a time.Time. ok is false for other intervals.
func fixedDue(iv timersyntax.Interval, now int64) (int64, bool) {
	d := iv.Duration
	if !iv.Start.IsZero() || d.Years != 0 || d.Months != 0 || d.Days > maxFixedDays || d.Days < -maxFixedDays {
		return 0, false
	}
	exact := int64(d.Exact) / 1e6 // time.Time.UnixMilli rounds down, towards the past
	if int64(d.Exact)%1e6 < 0 {
		exact--
	}
	return min(now+int64(d.Days)*86_400_000+exact, maxTimeMillis), true
}

// intervalDue is when an interval starting at start (or now, when it has
// no start) next ends after now.
func intervalDue(start time.Time, add func(time.Time) time.Time, now time.Time) int64 {
	if start.IsZero() {
		return clampMillis(add(now))
	}
	if start.After(now) {
		return clampMillis(start)
	}
	t := start
	for i := 0; !t.After(now) && i < 1_000_000 && !t.After(MaxTime); i++ {
		n := add(t)
		if !n.After(t) {
			break
		}
		t = n
	}
	return clampMillis(t)
}

// clampMillis is t in Unix ms, at most MaxTime (a duration of a million
// years would overflow).
func clampMillis(t time.Time) int64 {
	if t.After(MaxTime) {
		return maxTimeMillis
	}
	return t.UnixMilli()
}

// createTimer creates a timer of el (of version p) for ei, or for a
// timer start event with ei nil.
func (e *Engine) createTimer(p *process, ei *elementInstance, el *element, due int64, reps int32) {
	t := e.newTimer()
	*t = timer{key: e.nextKey(), ei: ei, el: el, proc: p, due: due, repetitions: reps}
	e.note(ValueTimer, IntentCreated, t.key, e.timerRecord(t))
	e.addTimer(t)
}

// timerEvent writes TRIGGERED or CANCELED: the timer is gone.
func (e *Engine) timerEvent(in Intent, t *timer) {
	e.note(ValueTimer, in, t.key, e.timerRecord(t))
	e.timerDone(t, in)
}

// timerRecord returns the value of a Timer record about t, or nil when
// records are not kept.
func (e *Engine) timerRecord(t *timer) *TimerValue {
	if !e.recording {
		return nil
	}
	v := e.arena.timer.put(TimerValue{ElementInstanceKey: -1, ProcessInstanceKey: -1, ProcessDefinitionKey: t.proc.key,
		TargetElementID: t.el.id, DueDate: t.due, Repetitions: t.repetitions})
	if t.ei != nil {
		v.ElementInstanceKey, v.ProcessInstanceKey = t.ei.key, t.ei.root.key
	}
	return v
}

// applyTimer folds a Timer event into the state.
func (e *Engine) applyTimer(in Intent, key int64, v *TimerValue) {
	if in != IntentCreated {
		e.timerDone(e.findTimer(key, v.ElementInstanceKey, v.ProcessInstanceKey), in)
		return
	}
	t := e.newTimer()
	*t = timer{key: key, due: v.DueDate, repetitions: v.Repetitions}
	if v.ElementInstanceKey > 0 {
		t.ei = e.instance(v.ElementInstanceKey, v.ProcessInstanceKey)
		t.proc = t.ei.proc
		t.el = elementFor(t.ei, v.TargetElementID)
	} else {
		t.proc = e.processes[v.ProcessDefinitionKey]
		t.el = t.proc.byID[v.TargetElementID]
	}
	e.addTimer(t)
}

// findTimer returns the timer key of element instance eiKey (-1 for a
// timer start event's).
func (e *Engine) findTimer(key, eiKey, piKey int64) *timer {
	if eiKey <= 0 {
		return e.startTimers[key]
	}
	for t := e.instance(eiKey, piKey).timers; t != nil; t = t.nextOfEI {
		if t.key == key {
			return t
		}
	}
	panic("no timer with that key")
}

// addTimer applies Timer CREATED.
func (e *Engine) addTimer(t *timer) {
	e.linkTimer(t)
	e.due.pushTimer(t)
}

// linkTimer adds a timer to the state: to its element instance's, or
// to the timer start events'.
func (e *Engine) linkTimer(t *timer) {
	e.takeSlot(t)
	e.timerCount++
	if t.ei == nil {
		e.startTimers[t.key] = t
		return
	}
	p := &t.ei.timers
	for *p != nil {
		p = &(*p).nextOfEI
	}
	*p = t
}

// takeSlot gives a timer becoming pending a slot in timerSlots.
func (e *Engine) takeSlot(t *timer) {
	if n := len(e.freeSlots); n > 0 {
		t.slot = e.freeSlots[n-1]
		e.freeSlots = e.freeSlots[:n-1]
	} else {
		t.slot = int32(len(e.timerSlots))
		e.timerSlots = append(e.timerSlots, 0)
	}
	e.timerSlots[t.slot] = t.key
}

// freeSlot frees the slot of a timer that is no longer pending.
func (e *Engine) freeSlot(t *timer) {
	e.timerSlots[t.slot] = 0
	e.freeSlots = append(e.freeSlots, t.slot)
}

// timerDone applies Timer TRIGGERED and CANCELED. A timer that fired a
// boundary event (or an event-based gateway's branch) is remembered on
// its process instance (InstanceInfo.TimedOut).
func (e *Engine) timerDone(t *timer, in Intent) {
	e.freeSlot(t)
	e.timerCount--
	e.deadTimers = append(e.deadTimers, t)
	if t.ei == nil {
		delete(e.startTimers, t.key)
		if in == IntentTriggered {
			e.queueEventStart(t.proc, t.el, nil)
		}
		return
	}
	for p := &t.ei.timers; *p != nil; p = &(*p).nextOfEI {
		if *p == t {
			*p = t.nextOfEI
			break
		}
	}
	if in == IntentTriggered && t.el != t.ei.el {
		x := t.ei.root.extra()
		x.timedOut = append(x.timedOut, t.el)
	}
}

// eachTimer calls fn for every pending timer, in no particular order.
func (e *Engine) eachTimer(fn func(*timer)) {
	for _, t := range e.startTimers {
		fn(t)
	}
	for _, r := range e.roots {
		eachInTree(r, func(ei *elementInstance) {
			for t := ei.timers; t != nil; t = t.nextOfEI {
				fn(t)
			}
		})
	}
}

// eachInTree calls fn for ei and its descendants, in no particular order.
func eachInTree(ei *elementInstance, fn func(*elementInstance)) {
	fn(ei)
	for c := ei.firstChild; c != nil; c = c.nextSib {
		eachInTree(c, fn)
	}
}

// timerFired runs a due timer.
func (e *Engine) timerFired(t *timer) {
	e.timerEvent(IntentTriggered, t)
	again := t.repetitions < 0 || t.repetitions > 1
	reps := t.repetitions
	if reps > 0 {
		reps--
	}
	if t.ei == nil {
		if again {
			e.rescheduleStart(t.proc, t.el, reps)
		}
		e.enqueue(step{kind: stepStartInstance, key: e.nextKey(), proc: t.proc, el: t.el})
		return
	}
	e.trigger(t.ei, t.el, nil)
	if again && (t.el.typ == ElementBoundaryEvent || t.el.inEventSub()) && !t.el.interrupting {
		if due, _, ok := e.timerDue(t.ei, t.el.timer, e.repeatFrom(reps)); ok {
			e.createTimer(t.proc, t.ei, t.el, max(due, e.now+1), reps)
		}
	}
}

func (e *Engine) rescheduleStart(p *process, el *element, reps int32) {
	if due, _, ok := e.timerDue(nil, el.timer, e.repeatFrom(reps)); ok {
		e.createTimer(p, nil, el, max(due, e.now+1), reps)
	}
}

// maxCatchUp is the most repetitions a cycle may still have for its
// missed occurrences to be caught up one by one.
const maxCatchUp = 1000

// repeatFrom is the time a cycle that just fired counts its next
// occurrence from. A tick that jumps the clock fires due timers one by
// one, each at its own due time, so a bounded cycle (R3/PT1H) that fell
// behind catches up on every occurrence it missed, as it would have fired
// live (a replay's timers fire in replayed time). A cycle without end
// (R/PT1M, cron) or with more than maxCatchUp repetitions left counts
// from the tick's time instead, as Zeebe counts from the time it
// processes the trigger: it fires once for all it missed, so a clock
// moved by years does not fire it millions of times.
func (e *Engine) repeatFrom(reps int32) int64 {
	if reps < 0 || reps > maxCatchUp {
		return max(e.now, e.tickTo)
	}
	return e.now
}

// replaceStartTimers opens a new process version's timer start events and
// cancels those of the version it replaces.
func (e *Engine) replaceStartTimers(old, p *process) {
	if old != nil {
		var ts []*timer
		for _, t := range e.startTimers {
			if t.proc == old {
				ts = append(ts, t)
			}
		}
		slices.SortFunc(ts, func(a, b *timer) int { return cmpInt64(a.key, b.key) })
		for _, t := range ts {
			e.timerEvent(IntentCanceled, t)
		}
	}
	for _, el := range p.timerStarts {
		if due, reps, ok := e.timerDue(nil, el.timer, e.now); ok {
			e.createTimer(p, nil, el, due, reps)
		}
	}
}
