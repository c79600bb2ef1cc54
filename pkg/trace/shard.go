package trace

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/engine"
)

// maxListed bounds the unfit records a report lists: the first ones in
// event-time order; the rest are counted.
const maxListed = 10_000

// maxSamples bounds the skipped records kept as samples.
const maxSamples = 10

// shard runs the messages of its share of correlation keys through its
// own engine, in event-time order, and keeps what the report needs about
// the instances in flight. Completed instances are counted and
// forgotten.
type shard struct {
	t   *Tracer
	eng *engine.Engine

	started, completed int64
	// byKey holds the instances in flight by the correlation key they
	// were started with (a message start event starts at most one per key
	// at a time).
	byKey    map[string]*liveInstance
	unfit    []unfitAt
	unfitN   int
	timedOut []Instance
	// ev is the event being run: instances that end on its account know
	// which record ended them.
	ev *event
	// endedNow are the instances that ended while ev ran.
	endedNow []int64
	// tm is the time per step, told by the engine.
	tm *timings
}

// liveInstance is what trace remembers of an instance in flight.
type liveInstance struct {
	instance int64 // the engine's key
	seq      int64 // the seq of the record that started it: its key in the report
	key      string
	last     correlate.Location
	// start is the record that started it: its name in alerts, the same
	// however the records were merged.
	start correlate.Location
}

// unfitAt is an unfit record with its place in event-time order.
type unfitAt struct {
	Unfit
	seq int64
}

func (t *Tracer) newShard() (*shard, error) { return t.restoreShard(nil) }

// restoreShard is a shard whose engine is restored from an engine
// snapshot, or new when there is none.
func (t *Tracer) restoreShard(snapshot []byte) (*shard, error) {
	s := &shard{t: t, byKey: map[string]*liveInstance{}, tm: newTimings()}
	opts := []engine.Option{engine.WithInstanceEnded(s.ended)}
	if !t.noTimings {
		opts = append(opts, engine.WithObserver(s.tm))
	}
	if snapshot != nil {
		eng, err := engine.Restore(snapshot, append([]engine.Option{engine.WithoutRecords()}, opts...)...)
		if err != nil {
			return nil, err
		}
		// Models changed since the checkpoint deploy as new versions, as
		// in Zeebe: instances in flight go on with the version they
		// started with; unchanged ones are duplicates.
		if _, err := eng.DeployModels(t.models.models); err != nil {
			return nil, &DeployError{Err: err}
		}
		s.eng = eng
		return s, nil
	}
	eng, err := t.models.newEngine(opts...)
	if err != nil {
		return nil, &DeployError{Err: err}
	}
	s.eng = eng
	return s, nil
}

// run replays one message: time passes to its time (timers fire), then
// it is published.
func (s *shard) run(ev *event) error {
	s.endedNow = s.endedNow[:0]
	if ev.ctl != nil {
		p := &partial{stuck: map[string]*StuckAt{}}
		err := s.finish(ev.ctl.asOf, p)
		p.timings = s.tm.clone() // the shard goes on counting
		ev.ctl.reply <- p
		return err
	}
	s.ev = ev
	if err := s.tick(ev.at); err != nil {
		return err
	}
	res, err := s.eng.PublishMessage(engine.Message{Name: ev.name, CorrelationKey: ev.key, Variables: ev.vars})
	switch {
	case err != nil:
		// A rejected publish is a record that does not fit, not a
		// failed trace.
		s.addUnfit(ev, "rejected by the engine: "+err.Error())
	case res.Started > 0:
		s.started += int64(res.Started)
		if !slices.Contains(s.endedNow, res.StartedInstance) { // not already through, start to end
			s.byKey[ev.key] = &liveInstance{instance: res.StartedInstance, seq: ev.seq, key: ev.key, last: ev.loc, start: ev.loc}
		}
	case res.Correlated > 0:
		if in := s.byKey[ev.key]; in != nil {
			in.last = ev.loc
		}
	default:
		s.addUnfit(ev, s.whyUnmatched(ev))
	}
	return nil
}

// tick moves the engine's clock to at, Unix ms.
func (s *shard) tick(at int64) error {
	if at <= s.eng.Now().UnixMilli() {
		return nil
	}
	if _, err := s.eng.Tick(time.UnixMilli(at)); err != nil {
		return fmt.Errorf("engine clock at %s: %w", time.UnixMilli(at).UTC().Format(time.RFC3339), err)
	}
	return nil
}

// ended is the engine's word that an instance completed or was
// terminated: count it, note a timeout path, forget it.
func (s *shard) ended(end engine.InstanceEnd) {
	s.completed++
	s.endedNow = append(s.endedNow, end.Key)
	in := s.instance(end.InstanceInfo)
	if s.byKey[in.key] == in {
		delete(s.byKey, in.key)
	}
	if t, ok := s.timedOutAt(end.InstanceInfo, in, end.EndedAt); ok {
		s.timedOut = append(s.timedOut, t)
	}
}

// instance is what the shard knows of an engine instance.
func (s *shard) instance(info engine.InstanceInfo) *liveInstance {
	if in := s.byKey[info.StartCorrelationKey]; in != nil && in.instance == info.Key {
		return in
	}
	// An instance trace did not see start (a second process started by
	// the same message): it is known by the record that started it.
	in := &liveInstance{instance: info.Key, key: info.StartCorrelationKey}
	if s.ev != nil {
		in.seq, in.last, in.start = s.ev.seq, s.ev.loc, s.ev.loc
	}
	return in
}

// timedOutAt describes an instance that went down a timer boundary path:
// the activity it waited at, since when (the timer fired at firedBy; when
// that is unknown, zero, the instance's start stands in), and for how
// long. ok is false when no boundary timer fired.
func (s *shard) timedOutAt(info engine.InstanceInfo, in *liveInstance, firedBy time.Time) (Instance, bool) {
	for _, id := range info.TimedOut {
		b := s.t.model.boundaries[id]
		if b == nil {
			continue // a timer catch event or gateway branch: not a timeout
		}
		since := info.StartedAt
		if !firedBy.IsZero() {
			since = firedBy.Add(-b.after)
		}
		return Instance{
			CorrelationKey: in.key, InstanceKey: instanceKey(in), ProcessID: b.processID,
			ElementID: b.attachedID, ElementName: b.attachedName, WaitingSince: since.UTC(),
			AgeSeconds: int64(b.after / time.Second), LastRecord: in.last, start: in.start,
		}, true
	}
	return Instance{}, false
}

// instanceKey names an instance in a report: the position, in
// event-time order, of the record that started it. Engine keys depend on
// how instances are sharded; this does not.
func instanceKey(in *liveInstance) string { return strconv.FormatInt(in.seq, 10) }

// whyUnmatched says why a message reached no instance, as precisely as
// the shard knows.
func (s *shard) whyUnmatched(ev *event) string {
	switch {
	case s.t.model.startMessages[ev.name]:
		return fmt.Sprintf("an instance for key %q is already running; %s starts at most one per key", ev.key, ev.name)
	case s.byKey[ev.key] != nil:
		return fmt.Sprintf("the instance for key %q is not waiting for %s now (a duplicate, or out of order)", ev.key, ev.name)
	}
	return fmt.Sprintf("no instance in flight for key %q: it ended already, or never started in this history", ev.key)
}

func (s *shard) addUnfit(ev *event, reason string) {
	s.unfitN++
	if len(s.unfit) < maxListed {
		s.unfit = append(s.unfit, unfitAt{Unfit{Location: ev.loc, MessageName: ev.name, CorrelationKey: ev.key, Reason: reason}, ev.seq})
	}
}

// finish advances the clock to asOf, so that everything due by then has
// fired, and adds the shard's instances to the report.
func (s *shard) finish(asOf time.Time, p *partial) error {
	s.ev = nil
	if err := s.tick(asOf.UnixMilli()); err != nil {
		return err
	}
	p.started, p.completed = s.started, s.completed
	p.timings = s.tm
	p.unfit, p.unfitN = s.unfit, s.unfitN
	p.timedOut = append(p.timedOut, s.timedOut...)
	for _, info := range s.eng.Instances() {
		s.waiting(info, asOf, p)
	}
	return nil
}

// waiting finds the element an instance in flight has waited at longest,
// counts it where instances are stuck, and reports the instance when it
// waited past its threshold.
func (s *shard) waiting(info engine.InstanceInfo, asOf time.Time, p *partial) {
	in := s.instance(info)
	// Still in flight after a timeout path (one that waits again).
	if t, ok := s.timedOutAt(info, in, time.Time{}); ok {
		p.timedOut = append(p.timedOut, t)
	}
	if info.Incidents > 0 {
		p.incidents++
		for _, inc := range s.eng.InstanceIncidents(info.Key) {
			p.incidentUnfit = append(p.incidentUnfit, Unfit{Location: in.last, CorrelationKey: in.key,
				Reason: "incident at " + inc.ElementID + ": " + inc.ErrorMessage, start: in.start})
		}
	}
	el, ok := oldestWaiting(s.eng.ActiveElements(info.Key))
	if !ok {
		return
	}
	st := p.stuck[el.ElementID]
	if st == nil {
		st = &StuckAt{ElementID: el.ElementID, ElementName: el.ElementName, OldestSince: el.Since.UTC()}
		p.stuck[el.ElementID] = st
	}
	st.Count++
	if el.Since.Before(st.OldestSince) {
		st.OldestSince = el.Since.UTC()
	}
	if asOf.Sub(el.Since) <= s.t.threshold(el.ElementID) {
		return
	}
	st.Stalled++
	key := info.StartCorrelationKey
	if key == "" {
		key = in.key
	}
	p.stalled = append(p.stalled, Instance{InstanceKey: instanceKey(in), ProcessID: info.BPMNProcessID, CorrelationKey: key,
		ElementID: el.ElementID, ElementName: el.ElementName, WaitingSince: el.Since.UTC(),
		AgeSeconds: int64(asOf.Sub(el.Since) / time.Second), LastRecord: in.last, start: in.start})
}

// oldestWaiting picks the element waiting longest, ignoring the scopes
// (process, sub-processes) that wait only because their children do.
func oldestWaiting(els []engine.ActiveElement) (engine.ActiveElement, bool) {
	var best engine.ActiveElement
	found := false
	for _, el := range els {
		if !el.Waits() {
			continue
		}
		if !found || el.Since.Before(best.Since) || el.Since.Equal(best.Since) && el.ElementID < best.ElementID {
			best, found = el, true
		}
	}
	return best, found
}
