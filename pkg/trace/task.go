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
	// idle is how long a caught-up input must stay so before it stops
	// holding the others back (--idle-after); now is the real clock it
	// is measured with: it is about records on their way, not event time.
	idle time.Duration
	now  func() time.Time

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
	// last stable offset, as read_committed consumers see it). A via
	// input is caught up when it has everything of its source below the
	// source partition's stable end (through, against the end as last
	// listed): the end is the task's own fresh view, so a source that
	// grows, or whose reader is changing, holds the task back.
	next     int64
	caughtUp bool
	// through is, for a via input, the source offset below which every
	// record of the source for this task has been received: records come
	// in the source's order, and watermark records say how far their
	// source was read.
	through int64
	// local is set while the replica reading the source runs this task
	// too and has handed it everything it forwarded: the source's own
	// position then stands for the input (see member.localSources).
	local bool
	// caughtSince is when the input was first found caught up after its
	// last record; zero while it is not caught up.
	caughtSince time.Time
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
	tk := &task{id: id, t: t, sh: sh, stalled: map[string]stallMark{}, timedOut: map[string]bool{}, incidents: map[string]bool{}, now: time.Now}
	for _, spec := range inputs {
		in := &taskInput{topic: spec.Topic, partition: spec.Partition, via: spec.via}
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
	in.caughtSince = time.Time{} // something new: idle from the next time it is caught up
	if in.via {
		in.through = max(in.through, ev.loc.Offset+1)
	} else {
		in.next = raw.Offset + 1
	}
	tk.dirty = true
}

// punctuate takes a source's watermark record: the source has forwarded
// every record it read up to event time wm.At and below offset wm.Next.
// A source the task does not know (the inputs changed) is ignored.
func (tk *task) punctuate(src correlate.Location, wm watermarkValue) {
	in := tk.input(src.Topic, src.Partition)
	if in == nil || !in.via {
		return
	}
	if wm.Next > in.through {
		in.through = wm.Next
		tk.dirty = true
	}
	if in.local {
		return // the source's reader speaks for it
	}
	if wm.At > in.latest || !in.seen {
		tk.dirty = true
	}
	in.latest = max(in.latest, wm.At)
	in.seen = true
}

// viaCaughtUp judges the via inputs against their source partitions'
// stable ends, as last listed.
func (tk *task) viaCaughtUp(end func(topic string, partition int32) (int64, bool)) {
	for _, in := range tk.inputs {
		if in.via {
			e, ok := end(in.topic, in.partition)
			in.caughtUp = ok && in.through >= e
		}
	}
}

// idleNow says whether an input is drained and has been caught up for
// idle, with nothing new read: only then does it stop holding the
// others back (as trace --follow's --idle-after, or Kafka Streams'
// max.task.idle.ms). Until then its next record may be on its way: a
// partition's stable end is listed every check, a source's records and
// watermarks come through the repartition topic a transaction later,
// and records produced just after a partition was read to its end are
// not late.
func (tk *task) idleNow(in *taskInput, now time.Time) bool {
	if !in.caughtUp {
		in.caughtSince = time.Time{}
		return false
	}
	if in.caughtSince.IsZero() {
		in.caughtSince = now
	}
	return len(in.pending) == 0 && now.Sub(in.caughtSince) >= tk.idle
}

// watermark is the event time every input that may still bring earlier
// records has reached; ok is false when none may: each is drained and
// idle (see idleNow). A source that never said where it is holds the
// task at its clock, as a Flink operator waits for every input's
// watermark.
func (tk *task) watermark() (int64, bool) {
	wm, ok := int64(0), false
	now := tk.now()
	for _, in := range tk.inputs {
		idle := tk.idleNow(in, now)
		switch {
		case in == tk.carrier && len(in.pending) == 0:
			continue // the via inputs speak for what it brings
		case len(in.pending) > 0, idle:
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
	// Instances whose timeout fired as the clock moved have ended: they
	// were alerted above and leave the in-flight set now, not at the next
	// check, so that no checkpoint keeps them (a task restored from it
	// would count them as timed out in flight for ever).
	tk.drainFindings(out)
	return p, nil
}

// alerts collects the alerts of one transaction.
type alerts struct {
	group string
	list  []Alert
}

func (a *alerts) add(al Alert) { a.list = append(a.list, al) }
