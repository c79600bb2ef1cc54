package trace

import (
	"fmt"
	"time"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/engine"
)

// maxListed bounds the unfit records a replay keeps for the report; the
// rest are counted.
const maxListed = 10_000

// maxSamples bounds the skipped records kept as samples.
const maxSamples = 10

// replay runs one ordered stream of records (a partition, or all of them
// merged) through one engine, and keeps what the report needs about the
// instances in flight. Completed instances are counted and forgotten.
type replay struct {
	eng    *engine.Engine
	mapper *Mapper
	model  *modelInfo

	records     int64
	notModelled int64
	skipped     int64
	started     int64
	completed   int64
	lastTime    time.Time
	// keyMismatch counts records whose correlation key is not their
	// record key: then partitions cannot be replayed apart.
	keyMismatch int64

	live      map[int64]*liveInstance // by process instance key
	everKeys  map[string]bool         // correlation keys that started an instance
	unfit     []Unfit
	unfitN    int
	samples   []Unfit
	timedOut  []Instance
	incidents map[int64]bool
}

// liveInstance is what trace remembers of an instance in flight.
type liveInstance struct {
	key        string
	lastRecord Location
}

func newReplay(eng *engine.Engine, m *Mapper, model *modelInfo) *replay {
	return &replay{eng: eng, mapper: m, model: model, live: map[int64]*liveInstance{},
		everKeys: map[string]bool{}, incidents: map[int64]bool{}}
}

// record replays one record: time passes to its timestamp (timers fire),
// then its message is published.
func (r *replay) record(rec *Record) error {
	r.records++
	if rec.Time.After(r.lastTime) {
		r.lastTime = rec.Time
		if _, err := r.eng.Tick(rec.Time); err != nil {
			return fmt.Errorf("engine clock at %s: %w", rec.Where(), err)
		}
		r.scan(rec)
	}
	name := r.mapper.Name(rec)
	if name != "" && !r.mapper.Known(name) {
		r.notModelled++
		return nil
	}
	msg, err := r.mapper.Map(rec)
	if err != nil {
		r.skip(rec, msg, err)
		return nil
	}
	if string(rec.Key) != msg.CorrelationKey {
		r.keyMismatch++
	}
	res, err := r.eng.PublishMessage(engine.Message{Name: msg.Name, CorrelationKey: msg.CorrelationKey, Variables: msg.Variables})
	if err != nil {
		// A rejected publish (for example a duplicate message id) is a
		// record that does not fit, not a failed trace.
		r.addUnfit(rec, msg, "rejected by the engine: "+err.Error())
		return nil
	}
	if res.Started > 0 {
		r.started += int64(res.Started)
		r.everKeys[msg.CorrelationKey] = true
	}
	r.scan(rec)
	if !res.Matched() {
		r.addUnfit(rec, msg, r.whyUnmatched(msg))
	}
	return nil
}

// scan reads the records the engine just wrote: instances that started or
// ended, timers that fired, messages that reached an instance, incidents.
func (r *replay) scan(rec *Record) {
	for i := range r.eng.LastRecords() {
		er := &r.eng.LastRecords()[i]
		if !er.IsEvent() {
			continue
		}
		switch v := er.Value.(type) {
		case *engine.ProcessInstanceValue:
			r.processInstance(er, v, rec)
		case *engine.MessageSubscriptionValue:
			if er.Intent == engine.IntentCorrelated {
				if in := r.live[v.ProcessInstanceKey]; in != nil {
					in.lastRecord = rec.Where()
				}
			}
		case *engine.TimerValue:
			if er.Intent == engine.IntentTriggered {
				r.timerFired(er, v)
			}
		case *engine.IncidentValue:
			if er.Intent == engine.IntentCreated && !r.incidents[v.ProcessInstanceKey] {
				r.incidents[v.ProcessInstanceKey] = true
				msgName, key := "", ""
				if in := r.live[v.ProcessInstanceKey]; in != nil {
					key = in.key
				}
				r.addUnfit(rec, Message{Name: msgName, CorrelationKey: key}, "incident at "+v.ElementID+": "+v.ErrorMessage)
			}
		}
	}
}

func (r *replay) processInstance(er *engine.Record, v *engine.ProcessInstanceValue, rec *Record) {
	if v.BPMNElementType != engine.ElementProcess {
		return
	}
	switch er.Intent {
	case engine.IntentElementActivated:
		key := ""
		if info, ok := r.eng.Instance(v.ProcessInstanceKey); ok {
			key = info.StartCorrelationKey
		}
		r.live[v.ProcessInstanceKey] = &liveInstance{key: key, lastRecord: rec.Where()}
	case engine.IntentElementCompleted, engine.IntentElementTerminated:
		delete(r.live, v.ProcessInstanceKey)
		delete(r.incidents, v.ProcessInstanceKey)
		r.completed++
	}
}

// timerFired notes an instance that went down a timer boundary path: the
// activity it waited at, since when, and for how long.
func (r *replay) timerFired(er *engine.Record, v *engine.TimerValue) {
	b := r.model.boundaries[v.TargetElementID]
	if b == nil {
		return // a timer catch or start event: not a timeout
	}
	in := r.live[v.ProcessInstanceKey]
	if in == nil {
		return
	}
	since := time.UnixMilli(v.DueDate).UTC().Add(-b.after)
	r.timedOut = append(r.timedOut, Instance{
		CorrelationKey: in.key, InstanceKey: fmt.Sprint(v.ProcessInstanceKey), ProcessID: b.processID,
		ElementID: b.attachedID, ElementName: b.attachedName, WaitingSince: since,
		AgeSeconds: int64(b.after / time.Second), LastRecord: in.lastRecord,
	})
}

// whyUnmatched says why a message reached no instance, as precisely as
// the replay knows.
func (r *replay) whyUnmatched(msg Message) string {
	switch {
	case r.model.startMessages[msg.Name]:
		return fmt.Sprintf("an instance for key %q is already running; %s starts at most one per key", msg.CorrelationKey, msg.Name)
	case r.everKeys[msg.CorrelationKey]:
		return fmt.Sprintf("the instance for key %q is not waiting for %s (a duplicate, out of order, or after its path ended)", msg.CorrelationKey, msg.Name)
	}
	return fmt.Sprintf("no instance for key %q: %s for an order the trace never saw start", msg.CorrelationKey, msg.Name)
}

func (r *replay) addUnfit(rec *Record, msg Message, reason string) {
	r.unfitN++
	if len(r.unfit) < maxListed {
		r.unfit = append(r.unfit, Unfit{Location: rec.Where(), MessageName: msg.Name, CorrelationKey: msg.CorrelationKey, Reason: reason})
	}
}

func (r *replay) skip(rec *Record, msg Message, err error) {
	r.skipped++
	if len(r.samples) < maxSamples {
		r.samples = append(r.samples, Unfit{Location: rec.Where(), MessageName: msg.Name, Reason: err.Error()})
	}
}

// modelInfo is what the report needs from the models.
type modelInfo struct {
	// boundaries maps timer boundary events to what they time out.
	boundaries map[string]*timerBoundary
	// thresholds are the stall thresholds from timer boundaries, by the
	// id of the element they are attached to (the shortest wins).
	thresholds map[string]time.Duration
	// startMessages are the names of message start events.
	startMessages map[string]bool
}

type timerBoundary struct {
	processID    string
	attachedID   string
	attachedName string
	after        time.Duration
}

func newModelInfo(defs []*bpmn.Definitions) *modelInfo {
	m := &modelInfo{boundaries: map[string]*timerBoundary{}, thresholds: map[string]time.Duration{}, startMessages: map[string]bool{}}
	for _, d := range defs {
		d.FlowNodes(func(n *bpmn.FlowNode) {
			if n.Kind == bpmn.KindStartEvent && n.Parent == nil {
				for _, ed := range n.EventDefinitions {
					if ed.Message != nil {
						m.startMessages[ed.Message.Name] = true
					}
				}
			}
			if n.Kind != bpmn.KindBoundaryEvent || n.AttachedTo == nil || !n.CancelActivity {
				return
			}
			after, ok := timerDuration(n)
			if !ok {
				return
			}
			m.boundaries[n.ID] = &timerBoundary{processID: n.Process.ID, attachedID: n.AttachedTo.ID, attachedName: n.AttachedTo.Name, after: after}
			if cur, ok := m.thresholds[n.AttachedTo.ID]; !ok || after < cur {
				m.thresholds[n.AttachedTo.ID] = after
			}
		})
	}
	return m
}

// timerDuration returns a timer boundary's static duration (FEEL timers
// and dates have none known before the run).
func timerDuration(n *bpmn.FlowNode) (time.Duration, bool) {
	for _, ed := range n.EventDefinitions {
		t := ed.Timer
		if t == nil || t.Type != bpmn.TimerDuration || t.Value == nil {
			continue
		}
		d, err := lint.ParseISODuration(t.Value.Text)
		if err != nil {
			return 0, false
		}
		// Calendar parts have no fixed length; measured from a fixed
		// instant, a month is 31 days and a year 365, close enough for a
		// stall threshold.
		ref := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
		return d.AddTo(ref).Sub(ref), true
	}
	return 0, false
}
