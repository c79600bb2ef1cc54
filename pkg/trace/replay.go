package trace

import (
	"fmt"
	"strconv"
	"sync"
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
// instances in flight. Completed instances are counted and forgotten; the
// engine writes no records (trace reads its state and the results of
// each publish instead, which is cheaper).
type replay struct {
	// mu guards the replay when a followed trace checks it while records
	// still arrive.
	mu     sync.Mutex
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

	// live holds the instances in flight by correlation key (a message
	// start event starts at most one instance per key at a time).
	live     map[string]*liveInstance
	unfit    []Unfit
	unfitN   int
	samples  []Unfit
	timedOut []Instance
}

// liveInstance is what trace remembers of an instance in flight.
type liveInstance struct {
	instance   int64
	key        string
	lastRecord Location
}

func newReplay(m *Mapper, model *modelInfo) *replay {
	return &replay{mapper: m, model: model, live: map[string]*liveInstance{}}
}

// record replays one record: time passes to its timestamp (timers fire),
// then its message is published.
func (r *replay) record(rec *Record) error {
	r.records++
	// A timestamp past the engine's last time (year 9999) is garbage:
	// the clock stays where it is.
	if rec.Time.After(r.lastTime) && !rec.Time.After(engine.MaxTime) {
		r.lastTime = rec.Time
		if _, err := r.eng.Tick(rec.Time); err != nil {
			return fmt.Errorf("engine clock at %s: %w", rec.Where(), err)
		}
	}
	name := r.mapper.Name(rec)
	if name != "" && !r.mapper.Known(name) {
		r.notModelled++
		return nil
	}
	msg, err := r.mapper.MapNamed(rec, name)
	if err != nil {
		r.skip(rec, msg, err)
		return nil
	}
	if string(rec.Key) != msg.CorrelationKey {
		r.keyMismatch++
	}
	res, err := r.eng.PublishMessage(engine.Message{Name: msg.Name, CorrelationKey: msg.CorrelationKey, Variables: msg.Variables})
	switch {
	case err != nil:
		// A rejected publish (for example a duplicate message id) is a
		// record that does not fit, not a failed trace.
		r.addUnfit(rec, msg, "rejected by the engine: "+err.Error())
	case res.Started > 0:
		r.started += int64(res.Started)
		if _, ok := r.eng.Instance(res.StartedInstance); ok {
			r.live[msg.CorrelationKey] = &liveInstance{instance: res.StartedInstance, key: msg.CorrelationKey, lastRecord: rec.Where()}
		}
	case res.Correlated > 0:
		if in := r.live[msg.CorrelationKey]; in != nil {
			in.lastRecord = rec.Where()
		}
	case !res.Matched():
		r.addUnfit(rec, msg, r.whyUnmatched(msg))
	}
	return nil
}

// ended is the engine's word that an instance completed or was
// terminated: count it, note a timeout path, forget it.
func (r *replay) ended(end engine.InstanceEnd) {
	r.completed++
	in := r.live[end.StartCorrelationKey]
	if in == nil || in.instance != end.Key {
		in = &liveInstance{instance: end.Key, key: end.StartCorrelationKey}
	} else {
		delete(r.live, end.StartCorrelationKey)
	}
	if t, ok := r.timedOutAt(end.InstanceInfo, in, end.EndedAt); ok {
		r.timedOut = append(r.timedOut, t)
	}
}

// timedOutAt describes an instance that went down a timer boundary path:
// the activity it waited at, since when (the timer fired at firedBy; when
// that is unknown, zero, the instance's start stands in), and for how
// long. ok is false when no boundary timer fired.
func (r *replay) timedOutAt(info engine.InstanceInfo, in *liveInstance, firedBy time.Time) (Instance, bool) {
	for _, id := range info.TimedOut {
		b := r.model.boundaries[id]
		if b == nil {
			continue // a timer catch event or gateway branch: not a timeout
		}
		since := info.StartedAt
		if !firedBy.IsZero() {
			since = firedBy.Add(-b.after)
		}
		return Instance{
			CorrelationKey: in.key, InstanceKey: strconv.FormatInt(info.Key, 10), ProcessID: b.processID,
			ElementID: b.attachedID, ElementName: b.attachedName, WaitingSince: since,
			AgeSeconds: int64(b.after / time.Second), LastRecord: in.lastRecord,
		}, true
	}
	return Instance{}, false
}

// whyUnmatched says why a message reached no instance, as precisely as
// the replay knows.
func (r *replay) whyUnmatched(msg Message) string {
	switch {
	case r.model.startMessages[msg.Name]:
		return fmt.Sprintf("an instance for key %q is already running; %s starts at most one per key", msg.CorrelationKey, msg.Name)
	case r.live[msg.CorrelationKey] != nil:
		return fmt.Sprintf("the instance for key %q is not waiting for %s now (a duplicate, or out of order)", msg.CorrelationKey, msg.Name)
	}
	return fmt.Sprintf("no instance in flight for key %q: it ended already, or never started in this history", msg.CorrelationKey)
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
