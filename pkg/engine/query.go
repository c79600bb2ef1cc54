package engine

import (
	"maps"
	"slices"
	"time"
)

// Queries read the state for tools (wfctl trace, dev): what an instance
// waits for and since when, its jobs, subscriptions, incidents and
// variables, and counts per element. They return copies; the state is
// not changed.

// InstanceInfo describes an active process instance.
type InstanceInfo struct {
	Key                  int64
	BPMNProcessID        string
	Version              int32
	ProcessDefinitionKey int64
	StartedAt            time.Time
	// Terminating is set while the instance is being cancelled.
	Terminating bool
	// TimedOut lists the timer events the instance went through as
	// boundary events or event-based gateway branches, in order: the
	// paths taken because something did not happen in time.
	TimedOut []string
	// Incidents counts the open incidents in the instance.
	Incidents int
	// StartCorrelationKey is the correlation key of the message that
	// started the instance, if any.
	StartCorrelationKey string
	// ParentElementInstanceKey is the call activity that started the
	// instance, or 0.
	ParentElementInstanceKey int64
}

// ActiveElement is an element instance that is active now: where an
// instance is and what it waits for.
type ActiveElement struct {
	Key          int64
	ElementID    string
	ElementName  string
	ElementType  ElementType
	FlowScopeKey int64
	// State is the last lifecycle intent: ELEMENT_ACTIVATING (stuck there
	// on an incident), ELEMENT_ACTIVATED (waiting), ELEMENT_COMPLETING or
	// ELEMENT_TERMINATING.
	State Intent
	// Since is when the element instance was activated.
	Since time.Time
	// JobKey and JobType name its job, if it has one.
	JobKey  int64
	JobType string
	// Messages and Timers are what it waits for (its own event, its
	// boundary events, an event-based gateway's branches).
	Messages []SubscriptionInfo
	Timers   []TimerInfo
	// Incidents are its open incidents.
	Incidents []IncidentInfo
}

// Waits reports whether the element is where an instance is, not a scope
// (process, sub-process, multi-instance body) that is active only because
// its children are.
func (a ActiveElement) Waits() bool {
	switch a.ElementType {
	case ElementProcess, ElementSubProcess, ElementMultiInstanceBody:
		return false
	}
	return true
}

// SubscriptionInfo is an open message subscription.
type SubscriptionInfo struct {
	Key                int64
	ProcessInstanceKey int64
	ElementInstanceKey int64
	ElementID          string
	MessageName        string
	CorrelationKey     string
	Interrupting       bool
}

// TimerInfo is a pending timer.
type TimerInfo struct {
	Key                int64
	ProcessInstanceKey int64 // -1 for timer start events
	ElementInstanceKey int64 // -1 for timer start events
	ElementID          string
	Due                time.Time
	Repetitions        int32
}

// JobInfo is a job of an instance.
type JobInfo struct {
	Key                int64
	Type               string
	State              string // ACTIVATABLE, ACTIVATED, FAILED or ERROR_THROWN
	Worker             string
	Retries            int32
	Deadline           time.Time // zero unless activated
	ErrorMessage       string
	ElementID          string
	ElementInstanceKey int64
	ProcessInstanceKey int64
}

// IncidentInfo is an open incident.
type IncidentInfo struct {
	Key                int64
	ErrorType          ErrorType
	ErrorMessage       string
	BPMNProcessID      string
	ProcessInstanceKey int64
	ElementID          string
	ElementInstanceKey int64
	JobKey             int64
	CreatedAt          time.Time
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// Instance describes an active process instance; ok is false when there
// is none with that key (never was, or finished: finished instances are
// dropped from the state).
func (e *Engine) Instance(key int64) (InstanceInfo, bool) {
	ei := e.roots[key]
	if ei == nil {
		return InstanceInfo{}, false
	}
	return e.instanceInfo(ei), true
}

func (e *Engine) instanceInfo(ei *elementInstance) InstanceInfo {
	p := ei.proc
	info := InstanceInfo{Key: ei.key, BPMNProcessID: p.id, Version: p.version, ProcessDefinitionKey: p.key,
		StartedAt: msTime(ei.activatedAt), Terminating: ei.state == stateTerminating, StartCorrelationKey: ei.startCorrelationKey}
	if ei.x != nil {
		for _, el := range ei.x.timedOut {
			info.TimedOut = append(info.TimedOut, el.id)
		}
		if ei.x.caller != nil {
			info.ParentElementInstanceKey = ei.x.caller.key
		}
	}
	e.walk(ei, func(c *elementInstance) {
		if c.x != nil {
			info.Incidents += len(c.x.incidents)
		}
	})
	return info
}

// Instances lists the active process instances in key order.
func (e *Engine) Instances() []InstanceInfo {
	var out []InstanceInfo
	for _, ei := range e.roots {
		out = append(out, e.instanceInfo(ei))
	}
	slices.SortFunc(out, func(a, b InstanceInfo) int { return cmpInt64(a.Key, b.Key) })
	return out
}

// InstanceCount returns the number of active process instances.
func (e *Engine) InstanceCount() int { return int(e.stats.Active) }

// walk calls fn for ei and its active descendants, parents first, in key
// order.
func (e *Engine) walk(ei *elementInstance, fn func(*elementInstance)) {
	fn(ei)
	for _, c := range childrenByKey(ei) {
		e.walk(c, fn)
	}
}

// ActiveElements lists the active element instances of a process
// instance (not the process itself), with what each waits for and since
// when, parents before children.
func (e *Engine) ActiveElements(processInstanceKey int64) []ActiveElement {
	root := e.roots[processInstanceKey]
	if root == nil {
		return nil
	}
	var out []ActiveElement
	e.walk(root, func(ei *elementInstance) {
		if ei != root {
			out = append(out, e.activeElement(ei))
		}
	})
	return out
}

func (e *Engine) activeElement(ei *elementInstance) ActiveElement {
	a := ActiveElement{Key: ei.key, ElementID: ei.el.id, ElementName: ei.el.name, ElementType: ei.el.typ,
		FlowScopeKey: scopeKey(ei), State: eiStateIntents[ei.state], Since: msTime(ei.activatedAt)}
	if ei.job != nil {
		a.JobKey, a.JobType = ei.job.key, ei.job.typ
	}
	for s := ei.subs; s != nil; s = s.nextOfEI {
		a.Messages = append(a.Messages, subscriptionInfo(s))
	}
	for t := ei.timers; t != nil; t = t.nextOfEI {
		a.Timers = append(a.Timers, timerInfo(t))
	}
	if ei.x != nil {
		for _, inc := range ei.x.incidents {
			a.Incidents = append(a.Incidents, incidentInfo(inc))
		}
	}
	return a
}

func subscriptionInfo(s *subscription) SubscriptionInfo {
	return SubscriptionInfo{Key: s.key, ProcessInstanceKey: s.ei.root.key, ElementInstanceKey: s.ei.key,
		ElementID: s.el.id, MessageName: s.name, CorrelationKey: s.corrKey, Interrupting: s.interrupting}
}

func timerInfo(t *timer) TimerInfo {
	ti := TimerInfo{Key: t.key, ProcessInstanceKey: -1, ElementInstanceKey: -1, ElementID: t.el.id,
		Due: msTime(t.due), Repetitions: t.repetitions}
	if t.ei != nil {
		ti.ProcessInstanceKey, ti.ElementInstanceKey = t.ei.root.key, t.ei.key
	}
	return ti
}

func incidentInfo(inc *incident) IncidentInfo {
	return IncidentInfo{Key: inc.key, ErrorType: inc.typ, ErrorMessage: inc.msg, BPMNProcessID: inc.ei.proc.id,
		ProcessInstanceKey: inc.ei.root.key, ElementID: inc.ei.el.id, ElementInstanceKey: inc.ei.key,
		JobKey: inc.jobKey, CreatedAt: msTime(inc.createdAt)}
}

func jobInfo(j *job) JobInfo {
	ji := JobInfo{Key: j.key, Type: j.typ, State: jobStateNames[j.state], Worker: j.worker, Retries: j.retries,
		ErrorMessage: j.errorMessage, ElementID: j.ei.el.id, ElementInstanceKey: j.ei.key, ProcessInstanceKey: j.ei.root.key}
	if j.state == jobActivated {
		ji.Deadline = msTime(j.deadline)
	}
	return ji
}

// Jobs lists the jobs of a process instance in key order.
func (e *Engine) Jobs(processInstanceKey int64) []JobInfo {
	var out []JobInfo
	e.eachElement(processInstanceKey, func(ei *elementInstance) {
		if ei.job != nil {
			out = append(out, jobInfo(ei.job))
		}
	})
	slices.SortFunc(out, func(a, b JobInfo) int { return cmpInt64(a.Key, b.Key) })
	return out
}

// Job describes a job by key.
func (e *Engine) Job(key int64) (JobInfo, bool) {
	j := e.jobs[key]
	if j == nil {
		return JobInfo{}, false
	}
	return jobInfo(j), true
}

// Subscriptions lists the open message subscriptions of a process
// instance in key order.
func (e *Engine) Subscriptions(processInstanceKey int64) []SubscriptionInfo {
	var out []SubscriptionInfo
	e.eachElement(processInstanceKey, func(ei *elementInstance) {
		for s := ei.subs; s != nil; s = s.nextOfEI {
			out = append(out, subscriptionInfo(s))
		}
	})
	slices.SortFunc(out, func(a, b SubscriptionInfo) int { return cmpInt64(a.Key, b.Key) })
	return out
}

// Timers lists the pending timers of a process instance in key order;
// key -1 lists the timers of timer start events.
func (e *Engine) Timers(processInstanceKey int64) []TimerInfo {
	var out []TimerInfo
	if processInstanceKey == -1 {
		for _, t := range e.startTimers {
			out = append(out, timerInfo(t))
		}
	}
	e.eachElement(processInstanceKey, func(ei *elementInstance) {
		for t := ei.timers; t != nil; t = t.nextOfEI {
			out = append(out, timerInfo(t))
		}
	})
	slices.SortFunc(out, func(a, b TimerInfo) int { return cmpInt64(a.Key, b.Key) })
	return out
}

// Incidents lists every open incident in key order.
func (e *Engine) Incidents() []IncidentInfo {
	out := make([]IncidentInfo, 0, len(e.incidents))
	for _, inc := range e.incidents {
		out = append(out, incidentInfo(inc))
	}
	slices.SortFunc(out, func(a, b IncidentInfo) int { return cmpInt64(a.Key, b.Key) })
	return out
}

// InstanceIncidents lists the open incidents of a process instance.
func (e *Engine) InstanceIncidents(processInstanceKey int64) []IncidentInfo {
	var out []IncidentInfo
	e.eachElement(processInstanceKey, func(ei *elementInstance) {
		if ei.x != nil {
			for _, inc := range ei.x.incidents {
				out = append(out, incidentInfo(inc))
			}
		}
	})
	slices.SortFunc(out, func(a, b IncidentInfo) int { return cmpInt64(a.Key, b.Key) })
	return out
}

// Variables returns the local variables of a scope (a process instance or
// element instance key), or nil. Values are shared: do not modify them.
// Looking up an element instance that is not a process instance searches
// every instance.
func (e *Engine) Variables(scopeKey int64) map[string]any {
	ei := e.findAny(scopeKey)
	if ei == nil {
		return nil
	}
	return localDocument(ei)
}

// VisibleVariables returns every variable visible from a scope.
func (e *Engine) VisibleVariables(scopeKey int64) map[string]any {
	ei := e.findAny(scopeKey)
	if ei == nil {
		return nil
	}
	return visibleDocument(ei)
}

// ElementCounts returns, for every element of every deployed process
// version, how many instances are active and how many completed or were
// terminated so far; in process key and model order.
func (e *Engine) ElementCounts() []ElementCount {
	var out []ElementCount
	for _, k := range slices.Sorted(maps.Keys(e.processes)) {
		out = append(out, e.processes[k].counts...)
	}
	return out
}

// Processes lists the deployed process versions in key order.
func (e *Engine) Processes() []ProcessMetadata {
	var out []ProcessMetadata
	for _, k := range slices.Sorted(maps.Keys(e.processes)) {
		out = append(out, metadata(e.processes[k], false))
	}
	return out
}

func (e *Engine) eachElement(processInstanceKey int64, fn func(*elementInstance)) {
	root := e.roots[processInstanceKey]
	if root == nil {
		return
	}
	e.walk(root, fn)
}
