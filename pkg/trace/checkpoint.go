package trace

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// checkpointVersion is the format of a task's checkpoint; a replica
// refuses a checkpoint of another version rather than misread it.
const checkpointVersion = 2

// taskState is a task's checkpoint: everything it holds, so that a
// replica that takes the task over continues exactly where the last
// committed transaction left it. The input offsets it covers are the
// group's committed offsets, written in the same transaction.
type taskState struct {
	Version int             `json:"version"`
	Task    int32           `json:"task"`
	Engine  json.RawMessage `json:"engine"`

	Started     int64 `json:"started"`
	Completed   int64 `json:"completed"`
	Clock       int64 `json:"clock"`
	Seq         int64 `json:"seq"`
	Late        int64 `json:"late"`
	Records     int64 `json:"records"`
	NotModelled int64 `json:"not_modelled"`
	Skipped     int64 `json:"skipped"`

	Instances []savedInstance      `json:"instances"`
	Stalled   map[string]stallMark `json:"stalled"`
	TimedOut  []string             `json:"timed_out"`
	Incidents []string             `json:"incidents"`
	Inputs    []savedInput         `json:"inputs"`
}

type savedInstance struct {
	Instance int64              `json:"instance"`
	Seq      int64              `json:"seq"`
	Key      string             `json:"key"`
	Last     correlate.Location `json:"last"`
	Start    correlate.Location `json:"start"`
}

type savedInput struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Latest    int64  `json:"latest"`
	Seen      bool   `json:"seen"`
	// Through is a via input's: the source offset below which it has
	// everything.
	Through int64 `json:"through,omitempty"`
	// Pending are the records held back by the watermark, as read.
	Pending []*kafka.Envelope `json:"pending,omitempty"`
}

// encode is the task's checkpoint.
func (tk *task) encode() ([]byte, error) {
	eng, err := tk.sh.eng.Snapshot()
	if err != nil {
		return nil, err
	}
	st := taskState{Version: checkpointVersion, Task: tk.id, Engine: eng,
		Started: tk.sh.started, Completed: tk.sh.completed, Clock: tk.merge.clock, Seq: tk.merge.seq, Late: tk.merge.late,
		Records: tk.records, NotModelled: tk.notModelled, Skipped: tk.skipped, Stalled: tk.stalled,
		TimedOut: slices.Sorted(maps.Keys(tk.timedOut)), Incidents: slices.Sorted(maps.Keys(tk.incidents))}
	for _, k := range slices.Sorted(maps.Keys(tk.sh.byKey)) {
		in := tk.sh.byKey[k]
		st.Instances = append(st.Instances, savedInstance{Instance: in.instance, Seq: in.seq, Key: in.key, Last: in.last, Start: in.start})
	}
	for _, in := range tk.inputs {
		si := savedInput{Topic: in.topic, Partition: in.partition, Latest: in.latest, Seen: in.seen}
		if in.via {
			si.Through = in.through
		}
		for _, p := range in.pending {
			si.Pending = append(si.Pending, kafka.EnvelopeOf(p.raw))
		}
		st.Inputs = append(st.Inputs, si)
	}
	return json.Marshal(&st)
}

// restoreTask is the task a checkpoint holds; its inputs are the ones
// given (the checkpoint's pending records go back to theirs).
func (t *Tracer) restoreTask(data []byte, id int32, inputs []inputSpec, toEvent func(*kgo.Record) event) (*task, error) {
	var st taskState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("task %d: checkpoint: %w", id, err)
	}
	if st.Version != checkpointVersion || st.Task != id {
		return nil, fmt.Errorf("task %d: checkpoint of version %d for task %d; this wfctl reads version %d", id, st.Version, st.Task, checkpointVersion)
	}
	sh, err := t.restoreShard(st.Engine)
	if err != nil {
		return nil, fmt.Errorf("task %d: checkpoint: %w", id, err)
	}
	tk, err := t.newTask(id, inputs)
	if err != nil {
		return nil, err
	}
	tk.sh = sh
	sh.started, sh.completed = st.Started, st.Completed
	tk.merge.clock, tk.merge.seq, tk.merge.late = st.Clock, st.Seq, st.Late
	tk.records, tk.notModelled, tk.skipped = st.Records, st.NotModelled, st.Skipped
	for _, in := range st.Instances {
		sh.byKey[in.Key] = &liveInstance{instance: in.Instance, seq: in.Seq, key: in.Key, last: in.Last, start: in.Start}
	}
	if st.Stalled != nil {
		tk.stalled = st.Stalled
	}
	for _, k := range st.TimedOut {
		tk.timedOut[k] = true
	}
	for _, k := range st.Incidents {
		tk.incidents[k] = true
	}
	for _, si := range st.Inputs {
		in := tk.input(si.Topic, si.Partition)
		if in == nil {
			return nil, fmt.Errorf("task %d: checkpoint reads %s/%d, which is no longer an input (the topics changed: start a new group)", id, si.Topic, si.Partition)
		}
		in.latest, in.seen = si.Latest, si.Seen
		if in.via {
			in.through = si.Through
		}
		for _, e := range si.Pending {
			r := e.Record()
			in.pending = append(in.pending, pendingRecord{ev: toEvent(r), raw: r})
			if !in.via {
				in.next = r.Offset + 1
			}
		}
	}
	return tk, nil
}

// inputsOf lists a task's inputs: partition id of each co-partitioned
// topic, of the repartition topic (the carrier), and, as via inputs,
// every partition whose records for the task come through the carrier:
// all of the re-keyed topics', and the co-partitioned topics' other
// partitions (a record keyed to another task is forwarded there).
func (l *groupLayout) inputsOf(id int32) []inputSpec {
	var specs []inputSpec
	for _, tp := range slices.Sorted(slices.Values(l.co)) {
		specs = append(specs, inputSpec{Location: correlate.Location{Topic: tp, Partition: id}, carrier: tp == l.repartition})
	}
	for _, tp := range slices.Sorted(maps.Keys(l.parts)) {
		for p := range l.parts[tp] {
			if l.isCo(tp) && p == id {
				continue
			}
			specs = append(specs, inputSpec{Location: correlate.Location{Topic: tp, Partition: p}, via: true})
		}
	}
	return specs
}
