package engine

import (
	"fmt"
	"slices"
)

// restoreState rebuilds instances, jobs, waits and incidents from a
// snapshot, in key order, so that lists come out as the live engine
// built them.
func (e *Engine) restoreState(s *snapshot) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("inconsistent snapshot: %v", p)
		}
	}()
	byKey := map[int64]*elementInstance{}
	for _, si := range s.Instances {
		e.restoreInstance(si, byKey)
	}
	for _, si := range s.Instances {
		if si.Caller > 0 {
			root, caller := byKey[si.Key], byKey[si.Caller]
			root.extra().caller = caller
			caller.extra().child = root
		}
	}
	for _, sj := range s.Jobs {
		ei := byKey[sj.Instance]
		j := &job{key: sj.Key, ei: ei, typ: sj.Type, worker: sj.Worker, retries: sj.Retries, deadline: sj.Deadline,
			recurAt: sj.RecurAt, errorMessage: sj.ErrorMessage, listener: sj.Listener}
		if ei.el.job != nil && sj.Listener == listenerNone {
			j.headers = ei.el.job.headers
		}
		ei.job = j
		e.jobs[j.key] = j
		if sj.State == jobActivatable {
			e.makeActivatable(j)
		}
		j.state = sj.State
	}
	e.restoreWaits(s, byKey)
	return nil
}

func (e *Engine) restoreInstance(si snapInstance, byKey map[int64]*elementInstance) {
	p := e.processes[si.Process]
	el := p.byID[si.Element]
	ei := &elementInstance{key: si.Key, el: el, proc: p, state: si.State, activatedAt: si.ActivatedAt, flows: si.Flows, loop: si.Loop}
	if si.Parent > 0 {
		parent := byKey[si.Parent]
		if parent.el == el { // an inner instance of a multi-instance body
			ei.el = el.mi.inner
		}
		ei.parent, ei.root = parent, parent.root
		parent.children++
		ei.nextSib = parent.firstChild
		if parent.firstChild != nil {
			parent.firstChild.prevSib = ei
		}
		parent.firstChild = ei
	} else {
		ei.root = ei
	}
	for _, v := range si.Vars {
		ei.vars = append(ei.vars, variable{name: v.Name, value: v.Value, key: v.Key})
	}
	indexAllVars(ei)
	if si.StartCorr != "" {
		ei.startCorrelationKey = si.StartCorr
		e.markStarted(p.id, si.StartCorr)
	}
	if si.HasTrigger || len(si.Joined) > 0 || len(si.TimedOut) > 0 || si.TerminateEnd || si.Listened != nil || si.Start != "" {
		x := ei.extra()
		if si.Listened != nil {
			x.listened = *si.Listened
		}
		if si.Start != "" {
			x.start, x.startVars = p.byID[si.Start], si.StartVars
		}
		x.trigger, x.hasTrigger, x.terminateEnd = si.Trigger, si.HasTrigger, si.TerminateEnd
		for id, n := range si.Joined {
			if x.joined == nil {
				x.joined = map[int]int32{}
			}
			x.joined[p.flowsByID[id].idx] = n
		}
		for _, id := range si.TimedOut {
			x.timedOut = append(x.timedOut, p.byID[id])
		}
	}
	byKey[ei.key] = ei
	if ei.parent == nil {
		e.roots[ei.key] = ei
	}
}

func (e *Engine) restoreWaits(s *snapshot, byKey map[int64]*elementInstance) {
	for _, st := range s.Timers {
		t := &timer{key: st.Key, proc: e.processes[st.Process], due: st.Due, repetitions: st.Repetitions}
		t.el = t.proc.byID[st.Element]
		if st.Instance > 0 {
			t.ei = byKey[st.Instance]
			t.el = elementFor(t.ei, st.Element)
		}
		e.linkTimer(t) // the due list is built after
	}
	for _, ss := range s.Subs {
		ei := byKey[ss.Instance]
		sub := &subscription{key: ss.Key, ei: ei, el: elementFor(ei, ss.Element), name: ss.Name, corrKey: ss.CorrKey,
			interrupting: ss.Interrupting}
		e.indexSub(sub)
		p := &ei.subs
		for *p != nil {
			p = &(*p).nextOfEI
		}
		*p = sub
	}
	for _, ss := range s.StartSubs {
		p := e.processes[ss.Process]
		el := p.byID[ss.Element]
		list := append(e.startSubs[el.msg.name], &startSub{key: ss.Key, proc: p, el: el, name: el.msg.name})
		slices.SortFunc(list, func(a, b *startSub) int { return cmpString(a.proc.id, b.proc.id) })
		e.startSubs[el.msg.name] = list
	}
	for _, cs := range s.CompSubs {
		e.applyCompSub(IntentCreated, cs.Key, cs.Value)
		if cs.Value.CompensationHandlerInstanceKey > 0 {
			e.applyCompSub(IntentTriggered, cs.Key, cs.Value)
		}
	}
	for _, ss := range s.SignalSubs {
		sub := &signalSub{key: ss.Key, name: ss.Name, proc: e.processes[ss.Process]}
		if ss.Instance > 0 {
			sub.ei = byKey[ss.Instance]
			sub.proc, sub.el = sub.ei.proc, elementFor(sub.ei, ss.Element)
		} else {
			sub.el = sub.proc.byID[ss.Element]
		}
		e.addSignalSub(sub)
	}
	for _, sm := range s.Messages {
		m := &message{key: sm.Key, name: sm.Name, corrKey: sm.CorrKey, id: sm.ID, vars: sm.Vars, ttl: sm.TTL,
			deadline: sm.Deadline, correlated: sm.Correlated}
		e.messages[m.key] = m
		e.indexMessage(m)
		if m.id != "" {
			e.msgIDs[[3]string{m.name, m.corrKey, m.id}] = m
		}
	}
	for _, si := range s.Incidents {
		ei := byKey[si.Instance]
		inc := &incident{key: si.Key, typ: si.Type, msg: si.Message, ei: ei, jobKey: si.JobKey, createdAt: si.CreatedAt}
		e.incidents[inc.key] = inc
		x := ei.extra()
		x.incidents = append(x.incidents, inc)
	}
}
