package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Snapshots: the whole state as bytes, for fast restarts. The format is
// JSON (versioned, deterministic: everything in key order), so that two
// engines in the same state give the same bytes, which the determinism
// tests rely on. Processes are stored with their resources and compiled
// again on restore.

const snapshotVersion = 1

type snapshot struct {
	Version    int             `json:"version"`
	Partition  int32           `json:"partition"`
	Now        int64           `json:"now"`
	KeyCounter int64           `json:"keyCounter"`
	Position   int64           `json:"position"`
	Stats      Stats           `json:"stats"`
	Processes  []snapProcess   `json:"processes"`
	Instances  []snapInstance  `json:"instances"`
	Jobs       []snapJob       `json:"jobs"`
	Timers     []snapTimer     `json:"timers"`
	Subs       []snapSub       `json:"subscriptions"`
	StartSubs  []snapStartSub  `json:"startSubscriptions"`
	SignalSubs []snapSignalSub `json:"signalSubscriptions,omitempty"`
	CompSubs   []snapCompSub   `json:"compensationSubscriptions,omitempty"`
	// DRGs and Decisions are the deployed DMN resources (as their
	// CREATED records), in key order.
	DRGs      []*DecisionRequirementsValue `json:"decisionRequirements,omitempty"`
	Decisions []snapDecision               `json:"decisions,omitempty"`
	Messages  []snapMessage                `json:"messages"`
	Incidents []snapIncident               `json:"incidents"`
}

type snapProcess struct {
	Key          int64          `json:"key"`
	ID           string         `json:"id"`
	Version      int32          `json:"version"`
	ResourceName string         `json:"resourceName"`
	Checksum     string         `json:"checksum"`
	Resource     []byte         `json:"resource"`
	Counts       []ElementCount `json:"counts"`
}

type snapInstance struct {
	Key          int64            `json:"key"`
	Process      int64            `json:"process"`
	Element      string           `json:"element"`
	Parent       int64            `json:"parent"`
	State        eiState          `json:"state"`
	ActivatedAt  int64            `json:"activatedAt"`
	Flows        int32            `json:"flows"`
	Loop         int32            `json:"loop,omitempty"`
	Vars         []snapVar        `json:"vars,omitempty"`
	Trigger      map[string]any   `json:"trigger,omitempty"`
	HasTrigger   bool             `json:"hasTrigger,omitempty"`
	Joined       map[string]int32 `json:"joined,omitempty"`
	TimedOut     []string         `json:"timedOut,omitempty"`
	StartCorr    string           `json:"startCorrelationKey,omitempty"`
	TerminateEnd bool             `json:"terminateEnd,omitempty"`
	Caller       int64            `json:"caller,omitempty"`
	// Listened counts the listeners completed, by kind.
	Listened *[listenerKinds]int8 `json:"listened,omitempty"`
	// Start and StartVars: the start event (and its variables) a process
	// instance activates once its start listeners completed.
	Start     string         `json:"start,omitempty"`
	StartVars map[string]any `json:"startVars,omitempty"`
}

type snapVar struct {
	Name  string `json:"name"`
	Key   int64  `json:"key"`
	Value any    `json:"value"`
}

type snapJob struct {
	Key          int64    `json:"key"`
	Instance     int64    `json:"elementInstance"`
	Type         string   `json:"type"`
	Worker       string   `json:"worker"`
	Retries      int32    `json:"retries"`
	State        jobState `json:"state"`
	Deadline     int64    `json:"deadline"`
	RecurAt      int64    `json:"recurAt"`
	ErrorMessage string   `json:"errorMessage"`
	Listener     uint8    `json:"listener,omitempty"`
}

type snapTimer struct {
	Key         int64  `json:"key"`
	Instance    int64  `json:"elementInstance"`
	Process     int64  `json:"process"`
	Element     string `json:"element"`
	Due         int64  `json:"due"`
	Repetitions int32  `json:"repetitions"`
}

type snapSub struct {
	Key          int64  `json:"key"`
	Instance     int64  `json:"elementInstance"`
	Element      string `json:"element"`
	Name         string `json:"name"`
	CorrKey      string `json:"correlationKey"`
	Interrupting bool   `json:"interrupting"`
}

type snapStartSub struct {
	Key     int64  `json:"key"`
	Process int64  `json:"process"`
	Element string `json:"element"`
}

// snapSignalSub is an open signal subscription: of a signal start event
// (Instance 0) or of a waiting element instance.
type snapSignalSub struct {
	Key      int64  `json:"key"`
	Process  int64  `json:"process"`
	Instance int64  `json:"elementInstance,omitempty"`
	Element  string `json:"element"`
	Name     string `json:"name"`
}

// snapDecision is a deployed decision version.
type snapDecision struct {
	Key   int64          `json:"key"`
	Value *DecisionValue `json:"value"`
}

// snapCompSub is a compensation subscription, with the fields of its
// record (which restore reads the same way a replay does).
type snapCompSub struct {
	Key   int64                          `json:"key"`
	Value *CompensationSubscriptionValue `json:"value"`
}

type snapMessage struct {
	Key        int64          `json:"key"`
	Name       string         `json:"name"`
	CorrKey    string         `json:"correlationKey"`
	ID         string         `json:"messageId"`
	Vars       map[string]any `json:"variables"`
	TTL        int64          `json:"ttl"`
	Deadline   int64          `json:"deadline"`
	Correlated []string       `json:"correlated"`
}

type snapIncident struct {
	Key       int64     `json:"key"`
	Type      ErrorType `json:"type"`
	Message   string    `json:"message"`
	Instance  int64     `json:"elementInstance"`
	JobKey    int64     `json:"jobKey"`
	CreatedAt int64     `json:"createdAt"`
}

// Snapshot returns the engine's state as bytes; Restore turns them back
// into an engine that continues exactly as this one would.
func (e *Engine) Snapshot() ([]byte, error) {
	s := snapshot{Version: snapshotVersion, Partition: e.partition, Now: e.now, KeyCounter: e.keyCounter,
		Position: e.position, Stats: e.stats}
	for _, k := range slices.Sorted(maps.Keys(e.processes)) {
		p := e.processes[k]
		s.Processes = append(s.Processes, snapProcess{Key: k, ID: p.id, Version: p.version, ResourceName: p.resourceName,
			Checksum: p.checksum, Resource: p.resource, Counts: p.counts})
	}
	for _, k := range slices.Sorted(maps.Keys(e.drgs)) {
		g := e.drgs[k]
		s.DRGs = append(s.DRGs, &DecisionRequirementsValue{DecisionRequirementsMetadata: drgMetadata(g, false), Resource: g.resource})
	}
	for _, id := range slices.Sorted(maps.Keys(e.decisionVersions)) {
		for _, d := range e.decisionVersions[id] {
			s.Decisions = append(s.Decisions, snapDecision{Key: d.key, Value: &DecisionValue{DecisionMetadata: decisionMetadata(d, false)}})
		}
	}
	slices.SortFunc(s.Decisions, func(a, b snapDecision) int { return cmpInt64(a.Key, b.Key) })
	for _, ei := range e.allInstances() {
		s.Instances = append(s.Instances, snapInstanceOf(ei))
	}
	for _, k := range slices.Sorted(maps.Keys(e.jobs)) {
		j := e.jobs[k]
		s.Jobs = append(s.Jobs, snapJob{Key: k, Instance: j.ei.key, Type: j.typ, Worker: j.worker, Retries: j.retries,
			State: j.state, Deadline: j.deadline, RecurAt: j.recurAt, ErrorMessage: j.errorMessage, Listener: j.listener})
	}
	e.snapshotWaits(&s)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("engine: snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// allInstances returns every element instance in key order.
func (e *Engine) allInstances() []*elementInstance {
	var out []*elementInstance
	for _, r := range e.roots {
		e.walk(r, func(ei *elementInstance) { out = append(out, ei) })
	}
	slices.SortFunc(out, func(a, b *elementInstance) int { return cmpInt64(a.key, b.key) })
	return out
}

func snapInstanceOf(ei *elementInstance) snapInstance {
	si := snapInstance{Key: ei.key, Process: ei.proc.key, Element: ei.el.id, Parent: scopeKey(ei),
		State: ei.state, ActivatedAt: ei.activatedAt, Flows: ei.flows, Loop: ei.loop, StartCorr: ei.startCorrelationKey}
	for _, v := range ei.vars {
		si.Vars = append(si.Vars, snapVar{Name: v.name, Key: v.key, Value: v.value})
	}
	if x := ei.x; x != nil {
		si.Trigger, si.HasTrigger, si.TerminateEnd = x.trigger, x.hasTrigger, x.terminateEnd
		for idx, n := range x.joined {
			if n > 0 {
				if si.Joined == nil {
					si.Joined = map[string]int32{}
				}
				si.Joined[ei.el.model.flows[idx].id] = n
			}
		}
		for _, el := range x.timedOut {
			si.TimedOut = append(si.TimedOut, el.id)
		}
		if x.caller != nil {
			si.Caller = x.caller.key
		}
		if x.start != nil {
			si.Start, si.StartVars = x.start.id, x.startVars
		}
		if x.listened != [listenerKinds]int8{} {
			l := x.listened
			si.Listened = &l
		}
	}
	return si
}

func (e *Engine) snapshotWaits(s *snapshot) {
	e.eachTimer(func(t *timer) {
		st := snapTimer{Key: t.key, Instance: -1, Process: t.proc.key, Element: t.el.id, Due: t.due, Repetitions: t.repetitions}
		if t.ei != nil {
			st.Instance = t.ei.key
		}
		s.Timers = append(s.Timers, st)
	})
	slices.SortFunc(s.Timers, func(a, b snapTimer) int { return cmpInt64(a.Key, b.Key) })
	for _, ei := range e.allInstances() {
		for sub := ei.subs; sub != nil; sub = sub.nextOfEI {
			s.Subs = append(s.Subs, snapSub{Key: sub.key, Instance: ei.key, Element: sub.el.id, Name: sub.name,
				CorrKey: sub.corrKey, Interrupting: sub.interrupting})
		}
	}
	slices.SortFunc(s.Subs, func(a, b snapSub) int { return cmpInt64(a.Key, b.Key) })
	for _, name := range slices.Sorted(maps.Keys(e.startSubs)) {
		for _, ss := range e.startSubs[name] {
			s.StartSubs = append(s.StartSubs, snapStartSub{Key: ss.key, Process: ss.proc.key, Element: ss.el.id})
		}
	}
	slices.SortFunc(s.StartSubs, func(a, b snapStartSub) int { return cmpInt64(a.Key, b.Key) })
	for _, name := range slices.Sorted(maps.Keys(e.signalSubs)) {
		for _, ss := range e.signalSubs[name] {
			sv := snapSignalSub{Key: ss.key, Process: ss.proc.key, Element: ss.el.id, Name: ss.name}
			if ss.ei != nil {
				sv.Instance = ss.ei.key
			}
			s.SignalSubs = append(s.SignalSubs, sv)
		}
	}
	slices.SortFunc(s.SignalSubs, func(a, b snapSignalSub) int { return cmpInt64(a.Key, b.Key) })
	for _, root := range slices.Sorted(maps.Keys(e.compSubs)) {
		for _, cs := range e.compSubs[root] {
			s.CompSubs = append(s.CompSubs, snapCompSub{Key: cs.key, Value: compValue(cs)})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.messages)) {
		m := e.messages[k]
		s.Messages = append(s.Messages, snapMessage{Key: k, Name: m.name, CorrKey: m.corrKey, ID: m.id, Vars: m.vars,
			TTL: m.ttl, Deadline: m.deadline, Correlated: m.correlated})
	}
	for _, k := range slices.Sorted(maps.Keys(e.incidents)) {
		inc := e.incidents[k]
		s.Incidents = append(s.Incidents, snapIncident{Key: k, Type: inc.typ, Message: inc.msg, Instance: inc.ei.key,
			JobKey: inc.jobKey, CreatedAt: inc.createdAt})
	}
}

// Restore returns an engine in the state a snapshot holds. Options apply
// as in New; the partition is the snapshot's.
func Restore(data []byte, opts ...Option) (*Engine, error) {
	var s snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("engine: restore: %w", err)
	}
	if s.Version != snapshotVersion {
		return nil, fmt.Errorf("engine: restore: snapshot version %d, this engine reads version %d", s.Version, snapshotVersion)
	}
	e := New(opts...)
	e.partition, e.now, e.keyCounter, e.position, e.stats = s.Partition, s.Now, s.KeyCounter, s.Position, s.Stats
	if err := e.restoreProcesses(s.Processes); err != nil {
		return nil, err
	}
	if err := e.restoreDecisions(&s); err != nil {
		return nil, err
	}
	if err := e.restoreState(&s); err != nil {
		return nil, fmt.Errorf("engine: restore: %w", err)
	}
	e.rebuildDue()
	e.flushKey()
	return e, nil
}

func (e *Engine) restoreProcesses(ps []snapProcess) error {
	for _, sp := range ps {
		m, err := compileResource(sp.ResourceName, sp.Resource, sp.ID)
		if err != nil {
			return fmt.Errorf("engine: restore process %s: %w", sp.ID, err)
		}
		p := newProcess(m, sp.Key, sp.Version)
		if len(sp.Counts) != len(p.counts) {
			return fmt.Errorf("engine: restore process %s: counts do not match the model", sp.ID)
		}
		copy(p.counts, sp.Counts)
		e.processes[p.key] = p
		e.versions[p.id] = append(e.versions[p.id], p)
	}
	return nil
}
