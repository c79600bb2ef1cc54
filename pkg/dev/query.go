package dev

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
)

// instMeta is what the index keeps of an instance.
type instMeta struct {
	Key       int64  `json:"key"`
	ProcessID string `json:"processId"`
	Version   int32  `json:"version"`
	State     string `json:"state"`
	Started   int64  `json:"started"`
	Ended     int64  `json:"ended,omitempty"`
	Wall      int64  `json:"wall"`
	// Spans are where its records are: per batch that wrote some, the
	// batch's Kafka timestamp (its name) and the first and last position
	// of them among the batch's records. Its history is read span by span.
	Spans []devproto.RecordSpan `json:"spans"`
}

// instanceIndex is every instance in flight and the last EndedKept that
// ended.
type instanceIndex struct {
	byKey map[int64]*instMeta
	ended []int64 // ring, oldest first from next once full
	next  int
	// cmdTS and cmdPos are where the last command record was.
	cmdTS  int64
	cmdPos int32
}

func newInstanceIndex() *instanceIndex { return &instanceIndex{byKey: map[int64]*instMeta{}} }

// note takes an engine record: ts is its batch's Kafka timestamp, pos
// its position among the batch's records.
func (x *instanceIndex) note(rec *engine.Record, ts int64, pos int32) {
	if rec.RecordType == engine.RecordCommand {
		// An instance's first records (its variables, its creation)
		// come before the event that makes it known: its span starts at
		// the command's record.
		x.cmdTS, x.cmdPos = ts, pos
	}
	if k := devproto.InstanceKeyOf(*rec); k > 0 {
		if m := x.byKey[k]; m != nil {
			if n := len(m.Spans); n > 0 && m.Spans[n-1].TS == ts {
				m.Spans[n-1].Last = max(m.Spans[n-1].Last, pos)
			} else {
				m.Spans = append(m.Spans, devproto.RecordSpan{TS: ts, First: pos, Last: pos})
			}
		}
	}
	if !rec.IsEvent() {
		return
	}
	v, ok := rec.Value.(*engine.ProcessInstanceValue)
	if !ok || v.BPMNElementType != engine.ElementProcess || rec.RecordType != engine.RecordEvent {
		return
	}
	switch rec.Intent {
	case engine.IntentElementActivating:
		first := pos
		if x.cmdTS == ts {
			first = min(first, x.cmdPos)
		}
		x.byKey[rec.Key] = &instMeta{Key: rec.Key, ProcessID: v.BPMNProcessID, Version: v.Version, State: "active",
			Started: rec.Timestamp, Wall: ts, Spans: []devproto.RecordSpan{{TS: ts, First: first, Last: pos}}}
	case engine.IntentElementCompleted, engine.IntentElementTerminated:
		m := x.byKey[rec.Key]
		if m == nil {
			return
		}
		m.State, m.Ended = "completed", rec.Timestamp
		if rec.Intent == engine.IntentElementTerminated {
			m.State = "terminated"
		}
		x.addEnded(rec.Key)
	}
}

func (x *instanceIndex) addEnded(key int64) {
	if len(x.ended) < EndedKept {
		x.ended = append(x.ended, key)
		return
	}
	delete(x.byKey, x.ended[x.next])
	x.ended[x.next] = key
	x.next = (x.next + 1) % EndedKept
}

// all lists the index's entries: the ended ones oldest first, then
// those in flight, by key (for a snapshot).
func (x *instanceIndex) all() []*instMeta {
	out := make([]*instMeta, 0, len(x.byKey))
	n := len(x.ended)
	for i := range n {
		out = append(out, x.byKey[x.ended[(x.next+i)%n]])
	}
	var active []*instMeta
	for _, m := range x.byKey {
		if m.State == "active" {
			active = append(active, m)
		}
	}
	sort.Slice(active, func(i, j int) bool { return active[i].Key < active[j].Key })
	return append(out, active...)
}

// restore puts a snapshot's entries back.
func (x *instanceIndex) restore(ms []*instMeta) {
	for _, m := range ms {
		x.byKey[m.Key] = m
		if m.State != "active" {
			x.addEnded(m.Key)
		}
	}
}

func (m *instMeta) summary(incidents int) InstanceSummary {
	s := InstanceSummary{Key: m.Key, ProcessID: m.ProcessID, Version: m.Version, State: m.State, Incidents: incidents,
		Started: time.UnixMilli(m.Started).UTC(), HistoryFrom: m.Wall}
	if m.State != "active" {
		t := time.UnixMilli(m.Ended).UTC()
		s.Ended = &t
	}
	return s
}

// parseQueryCommand reads a command the engine could not decode as a
// query: ok when it is one, err when its value cannot be read.
func parseQueryCommand(b []byte) (q InstanceQuery, intent string, ok bool, err error) {
	var head QueryCommand
	if json.Unmarshal(b, &head) != nil || head.ValueType != "QUERY" {
		return q, "", false, nil
	}
	switch head.Intent {
	case QueryInstances, QueryInstance, QueryStatus:
	default:
		return q, "", true, fmt.Errorf("QUERY %s: the intents are %s, %s and %s", head.Intent, QueryInstances, QueryInstance, QueryStatus)
	}
	if len(head.Value) > 0 && string(head.Value) != "null" {
		if err := json.Unmarshal(head.Value, &q); err != nil {
			return q, head.Intent, true, fmt.Errorf("QUERY %s: the value is not {\"processId\",\"state\",\"element\",\"limit\",\"key\"}: %w", head.Intent, err)
		}
	}
	switch q.State {
	case "", "active", "completed", "terminated", "incident":
	default:
		return q, head.Intent, true, fmt.Errorf("QUERY %s: state %q: use active, completed, terminated or incident", head.Intent, q.State)
	}
	if q.Limit < 0 || q.Limit > MaxQueryLimit {
		return q, head.Intent, true, fmt.Errorf("QUERY %s: limit %d: want 1 to %d", head.Intent, q.Limit, MaxQueryLimit)
	}
	if q.Limit == 0 {
		q.Limit = DefaultQueryLimit
	}
	return q, head.Intent, true, nil
}

// queryCommand answers a query in its Done marker.
func (r *runner) queryCommand(q InstanceQuery, intent string, rec *kgo.Record, headers []kgo.RecordHeader, where string) {
	var result any
	switch intent {
	case QueryInstance:
		result = r.instanceDetail(q.Key)
	case QueryStatus:
		st := r.status()
		st.Consumed[partitionName(rec.Topic, rec.Partition)] = rec.Offset + 1 // the query itself is read
		result = st
	default:
		result = r.instanceList(q)
	}
	r.commandDone(headers, Done{Status: DoneOK, Command: where, Result: Marshal(result)})
}

// instanceList answers an INSTANCES query: the newest instances first.
func (r *runner) instanceList(q InstanceQuery) InstanceList {
	out := InstanceList{Instances: []InstanceSummary{}, EndedKept: EndedKept}
	active := map[int64]engine.InstanceInfo{}
	if q.State == "" || q.State == "active" || q.State == "incident" || q.Element != "" {
		for _, in := range r.eng.Instances() {
			active[in.Key] = in
		}
	}
	var keys []int64
	for k, m := range r.index.byKey {
		if q.ProcessID != "" && m.ProcessID != q.ProcessID {
			continue
		}
		in, isActive := active[k]
		switch q.State {
		case "":
		case "incident":
			if !isActive || in.Incidents == 0 {
				continue
			}
		case "active":
			if m.State != "active" {
				continue
			}
		default:
			if m.State != q.State {
				continue
			}
		}
		if q.Element != "" && (!isActive || !slices.ContainsFunc(r.eng.ActiveElements(k), func(el engine.ActiveElement) bool {
			return el.ElementID == q.Element && el.Waits()
		})) {
			continue
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b int64) int { return cmp.Compare(b, a) }) // newest first
	out.Total = len(keys)
	for _, k := range keys[:min(len(keys), q.Limit)] {
		out.Instances = append(out.Instances, r.index.byKey[k].summary(active[k].Incidents))
	}
	return out
}

// instanceDetail answers an INSTANCE query.
func (r *runner) instanceDetail(key int64) InstanceDetail {
	d := InstanceDetail{Waiting: []WaitingElement{}, Jobs: []InstanceJob{}, Messages: []AwaitedMessage{}, Incidents: []InstanceIncident{}}
	m := r.index.byKey[key]
	if m == nil {
		d.Key = key
		return d
	}
	d.Known = true
	info, active := r.eng.Instance(key)
	d.InstanceSummary = m.summary(info.Incidents)
	d.Spans = m.Spans
	if !active {
		return d
	}
	for _, el := range r.eng.ActiveElements(key) {
		for _, s := range el.Messages {
			d.Messages = append(d.Messages, AwaitedMessage{Name: s.MessageName, CorrelationKey: s.CorrelationKey, ElementID: s.ElementID})
		}
		for _, in := range el.Incidents {
			d.Incidents = append(d.Incidents, InstanceIncident{Key: in.Key, Type: in.ErrorType.String(), ElementID: in.ElementID,
				Message: in.ErrorMessage, JobKey: in.JobKey})
		}
		d.Timers = append(d.Timers, el.Timers...)
		if !el.Waits() {
			continue
		}
		d.Waiting = append(d.Waiting, WaitingElement{Key: el.Key, ElementID: el.ElementID, ElementName: el.ElementName,
			Type: el.ElementType.String(), Since: el.Since.UTC(), JobKey: el.JobKey, JobType: el.JobType})
	}
	for _, j := range r.eng.Jobs(key) {
		ij := InstanceJob{Key: j.Key, Type: j.Type, State: j.State, ElementID: j.ElementID, Retries: j.Retries,
			Worker: j.Worker, ErrorMessage: j.ErrorMessage}
		if !j.Deadline.IsZero() {
			t := j.Deadline.UTC()
			ij.Deadline = &t
		}
		d.Jobs = append(d.Jobs, ij)
	}
	if vars := r.eng.Variables(key); vars != nil {
		d.Variables = vars
	} else {
		d.Variables = map[string]any{}
	}
	return d
}

// status answers a STATUS query.
func (r *runner) status() Status {
	es := r.eng.Stats()
	st := Status{Processes: r.eng.Processes(), Active: es.Active, Completed: es.Completed, Terminated: es.Terminated,
		Clock: r.eng.Now().UTC(), Consumed: maps.Clone(r.offsets)}
	if st.Processes == nil {
		st.Processes = []engine.ProcessMetadata{}
	}
	for _, in := range r.eng.Instances() {
		if in.Incidents > 0 {
			st.Incidents++
		}
	}
	return st
}
