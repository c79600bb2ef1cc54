package trace

import (
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/correlate"
)

// task is one partition number of a tracking group, as a Kafka Streams
// task is: the engine of the correlation keys that hash to it, fed by
// partition p of every co-partitioned topic and of the group's
// repartition topic, merged in event-time order. Its whole state (the
// engine, the records held back by the watermark, what was alerted) is
// checkpointed together with the input offsets it covers.
type task struct {
	id int32
	t  *Tracer
	sh *shard
	// inputs are the partitions feeding the task, in a fixed order.
	inputs []*taskInput
	// carrier is the input of the repartition topic.
	carrier *taskInput

	merge       merger
	records     int64
	notModelled int64
	skipped     int64

	// stalled are the stalls alerted and not yet recovered, by
	// instance (its first record) and element.
	stalled map[string]stallMark
	// timedOut are the instances in flight whose timeout was alerted.
	timedOut map[string]bool
	// incidents are the incidents alerted that are still open.
	incidents map[string]bool
	// dirty is set when the state changed since its last checkpoint.
	dirty bool
}

// stallMark is an alerted stall, kept to say when it recovers.
type stallMark struct {
	Instance Instance           `json:"instance"`
	Start    correlate.Location `json:"start"`
}

// taskInput is one input of a task: the records read and not yet
// released by the watermark. An input is one of three kinds:
//
//   - direct: partition id of a co-partitioned topic, read by the task;
//   - the carrier: partition id of the repartition topic, read by the
//     task, whose records it hands to their sources' inputs;
//   - via: a source partition (of a topic re-keyed into the repartition
//     topic, or another partition of a co-partitioned one) whose records
//     for this task come through the carrier. Its event time is what its
//     records and its watermark records (written by the replica reading
//     the source, after what it forwarded) say.
type taskInput struct {
	topic     string
	partition int32
	via       bool
	pending   []pendingRecord
	latest    int64 // the latest event time read, Unix ms
	seen      bool
	// next is the offset of the next record to read (direct and carrier);
	// caughtUp is set when it has reached the partition's stable end (the
	// last stable offset, as read_committed consumers see it). For a via
	// input, caughtUp is what the source's last watermark record said.
	next     int64
	caughtUp bool
	// lastOrigin is the source offset of the last record received (via).
	lastOrigin int64
	// local is set while the replica reading the source runs this task
	// too and has handed it everything it forwarded: the source's own
	// position then stands for the input (see member.localSources).
	local bool
}

// inputSpec is a task's input as the group's layout names it.
type inputSpec struct {
	correlate.Location
	carrier, via bool
}

// pendingRecord is a record read and held back: its event, and the record
// itself for the checkpoint.
type pendingRecord struct {
	ev  event
	raw *kgo.Record
}

func (t *Tracer) newTask(id int32, inputs []inputSpec) (*task, error) {
	sh, err := t.newShard()
	if err != nil {
		return nil, err
	}
	tk := &task{id: id, t: t, sh: sh, stalled: map[string]stallMark{}, timedOut: map[string]bool{}, incidents: map[string]bool{}}
	for _, spec := range inputs {
		in := &taskInput{topic: spec.Topic, partition: spec.Partition, via: spec.via, lastOrigin: -1}
		tk.inputs = append(tk.inputs, in)
		if spec.carrier {
			tk.carrier = in
		}
	}
	return tk, nil
}

// input is the task's input for a partition, or nil.
func (tk *task) input(topic string, partition int32) *taskInput {
	for _, in := range tk.inputs {
		if in.topic == topic && in.partition == partition {
			return in
		}
	}
	return nil
}

// add takes a record read from one of the task's inputs (for a via
// input, one its carrier brought, or one its source's reader handed over
// in memory).
func (tk *task) add(in *taskInput, ev event, raw *kgo.Record) {
	in.pending = append(in.pending, pendingRecord{ev: ev, raw: raw})
	in.latest = max(in.latest, ev.at)
	in.seen = true
	if in.via {
		// The source read on after its last watermark record: until the
		// next one, it is not known to be caught up.
		in.caughtUp = false
		in.lastOrigin = max(in.lastOrigin, ev.loc.Offset)
	} else {
		in.next = raw.Offset + 1
	}
	tk.dirty = true
}

// punctuate takes a source's watermark record: the source has forwarded
// every record it read up to event time at, and it was caught up with
// its partition's stable end or not. A source the task does not know
// (the inputs changed) is ignored.
func (tk *task) punctuate(src correlate.Location, at int64, caughtUp bool) {
	in := tk.input(src.Topic, src.Partition)
	if in == nil || !in.via || in.local {
		return
	}
	if at > in.latest || !in.seen || caughtUp != in.caughtUp {
		tk.dirty = true
	}
	in.latest = max(in.latest, at)
	in.seen = true
	in.caughtUp = caughtUp
}

// caught says whether an input has nothing more to bring now: a direct
// input at its partition's stable end; a via input whose source said so
// and whose carrier has brought everything committed since (or, local,
// whose source is at its stable end).
func (tk *task) caught(in *taskInput) bool {
	if !in.via || in.local || tk.carrier == nil {
		return in.caughtUp
	}
	return in.caughtUp && tk.carrier.caughtUp
}

// watermark is the event time every input that may still bring earlier
// records has reached; ok is false when none may: each is drained and
// caught up. As Kafka Streams' tasks do by default (max.task.idle.ms 0),
// a caught-up input does not hold the others back: its next record, when
// one comes, is live. A source that never said where it is holds the
// task at its clock, as a Flink operator waits for every input's
// watermark.
func (tk *task) watermark() (int64, bool) {
	wm, ok := int64(0), false
	for _, in := range tk.inputs {
		switch {
		case in == tk.carrier && len(in.pending) == 0:
			continue // the via inputs speak for what it brings
		case len(in.pending) > 0, tk.caught(in):
			continue // its own records bound the release by their order, or it has nothing to say
		case !in.seen:
			return tk.merge.clock, true
		case !ok || in.latest < wm:
			wm, ok = in.latest, true
		}
	}
	return wm, ok
}

// release runs, in event-time order, every pending record up to the
// watermark through the engine, and says how many ran.
func (tk *task) release(out *alerts) int {
	wm, bounded := tk.watermark()
	n := 0
	for {
		in := tk.next()
		if in == nil {
			break
		}
		ev := &in.pending[0].ev
		if bounded && ev.at > wm {
			break // an empty input may still bring an earlier record
		}
		tk.emit(ev)
		in.pending[0] = pendingRecord{}
		in.pending = in.pending[1:]
		if len(in.pending) == 0 {
			in.pending = nil
			// Drained, it bounds the release by what it has said.
			wm, bounded = tk.watermark()
		}
		n++
	}
	if n > 0 {
		tk.dirty = true
		tk.drainFindings(out)
	}
	return n
}

// next is the input whose head comes first.
func (tk *task) next() *taskInput {
	var best *taskInput
	for _, in := range tk.inputs {
		if len(in.pending) == 0 {
			continue
		}
		if best == nil || eventBefore(&in.pending[0].ev, &best.pending[0].ev) {
			best = in
		}
	}
	return best
}

func (tk *task) emit(ev *event) {
	tk.merge.stamp(ev)
	tk.records++
	switch ev.kind {
	case evNotModelled:
		tk.notModelled++
	case evSkipped:
		tk.skipped++
		tk.sh.addUnfit(ev, "skipped: "+ev.reason)
	default:
		if err := tk.sh.run(ev); err != nil {
			// Only a clock past the engine's range fails; the record
			// is unfit rather than the task stopped.
			tk.sh.addUnfit(ev, err.Error())
		}
	}
}

// drainFindings turns what the shard found while records ran (unfit
// records, instances that ended down a timeout path) into alerts.
func (tk *task) drainFindings(out *alerts) {
	g := out.group
	for _, u := range tk.sh.unfit {
		out.add(unfitAlert(g, AlertUnfit, time.UnixMilli(tk.merge.clock), u.Unfit))
	}
	tk.sh.unfit, tk.sh.unfitN = tk.sh.unfit[:0], 0
	for _, in := range tk.sh.timedOut {
		key := in.start.String()
		if !tk.timedOut[key] {
			out.add(instanceAlert(g, AlertTimedOut, in.WaitingSince.Add(time.Duration(in.AgeSeconds)*time.Second), in, in.start))
		}
		delete(tk.timedOut, key)
	}
	tk.sh.timedOut = tk.sh.timedOut[:0]
}

// check moves the engine's clock to asOf and alerts what changed: new
// stalls, stalls that recovered, timeouts of instances in flight, new
// incidents.
func (tk *task) check(asOf time.Time, out *alerts) (*partial, error) {
	tk.drainFindings(out) // so that finish lists only the instances in flight
	// Time never goes back: a task judged at a time stays past it, and a
	// record older than it is late.
	if ms := asOf.UnixMilli(); ms < tk.merge.clock {
		asOf = time.UnixMilli(tk.merge.clock).UTC()
	} else {
		tk.merge.clock = ms
	}
	p := &partial{stuck: map[string]*StuckAt{}}
	if err := tk.sh.finish(asOf, p); err != nil {
		return nil, err
	}
	g := out.group
	now := map[string]bool{}
	for _, in := range p.stalled {
		key := in.start.String() + " " + in.ElementID
		now[key] = true
		if _, ok := tk.stalled[key]; !ok {
			due := in.WaitingSince.Add(tk.t.threshold(in.ElementID))
			out.add(instanceAlert(g, AlertStalled, due, in, in.start))
			tk.stalled[key] = stallMark{Instance: in, Start: in.start}
			tk.dirty = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(tk.stalled)) {
		if !now[key] {
			m := tk.stalled[key]
			out.add(instanceAlert(g, AlertRecovered, asOf, m.Instance, m.Start))
			delete(tk.stalled, key)
			tk.dirty = true
		}
	}
	for _, in := range p.timedOut {
		if key := in.start.String(); !tk.timedOut[key] {
			tk.timedOut[key] = true
			tk.dirty = true
			out.add(instanceAlert(g, AlertTimedOut, in.WaitingSince.Add(time.Duration(in.AgeSeconds)*time.Second), in, in.start))
		}
	}
	open := map[string]bool{}
	for _, u := range p.incidentUnfit {
		key := u.start.String() + " " + u.Reason
		open[key] = true
		if !tk.incidents[key] {
			tk.incidents[key] = true
			tk.dirty = true
			out.add(unfitAlert(g, AlertIncident, asOf, u, u.start.String()))
		}
	}
	for key := range tk.incidents {
		if !open[key] {
			delete(tk.incidents, key)
		}
	}
	return p, nil
}

// alerts collects the alerts of one transaction.
type alerts struct {
	group string
	list  []Alert
}

func (a *alerts) add(al Alert) { a.list = append(a.list, al) }
