package dev

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// recover rebuilds the engine's state from wfctl.records: every record,
// read committed from the beginning to the end offset of now, is folded
// into a fresh engine with engine.Apply (commands and rejections move its
// position and clock, events its state), and the last checkpoint's
// offsets say where consumption resumes. Every transaction on
// wfctl.records ends with a checkpoint and only committed transactions
// are read, so the state and the offsets match: what a crashed server
// processed but did not commit is processed again, what it committed is
// not. The jobs and deployments of the last batch are then published
// again if their own transaction did not make it (see send).
func (r *runner) recover(ctx context.Context) error {
	start := r.opts.Now()
	if err := r.fence(ctx); err != nil {
		return err
	}
	from, err := r.restoreSnapshot(ctx)
	if err != nil {
		return err
	}
	f := fold{lastSide: r.snapSide}
	r.snapSide = nil
	p := newFoldPipeline(func(it *foldItem) error { return r.fold(&f, it) })
	_, err = kafka.ReadHistory(ctx, r.admin, kafka.History{Topics: []string{TopicRecords}, From: kafka.AtOffset(from)}, p.add)
	if err = errors.Join(err, p.finish()); err != nil {
		return fmt.Errorf("recovering the engine's state from %s: %w", TopicRecords, err)
	}
	r.lastSnapshot = r.opts.Now()
	// New batches' stamps come after the fence's and every batch before.
	r.lastStamp = max(r.lastStamp, time.Now().UnixMilli())
	if err := r.republish(ctx, f.lastSide); err != nil {
		return err
	}
	r.recovery.Took = r.opts.Now().Sub(start)
	r.recovery.Offsets = maps.Clone(r.offsets)
	es := r.eng.Stats()
	r.recovery.Active = es.Active
	r.counts.Created, r.counts.Completed, r.counts.Active = es.Created, es.Completed+es.Terminated, es.Active
	r.stats.set(r.counts)
	return nil
}

// fence writes an aborted transaction to every topic the server writes,
// before anything is read. It initializes the producer, which fences a
// previous incarnation still writing, and leaves an abort marker after
// whatever a crashed incarnation left open. That matters twice with
// kfake: it aborts an open transaction when it restarts but writes no
// marker for it, so a history read, which knows the end of a log only
// from the offsets of what it is handed (records and markers), would wait
// forever for the aborted tail; and on its next restart it would take the
// tail as part of the next transaction of the same producer id, and
// commit it with that one.
func (r *runner) fence(ctx context.Context) error {
	if err := r.prod.BeginTransaction(); err != nil {
		return fmt.Errorf("fencing: %w", err)
	}
	var recs []*kgo.Record
	for _, t := range []string{TopicRecords, TopicJobs, TopicDeployments} {
		recs = append(recs, &kgo.Record{Topic: t, Headers: []kgo.RecordHeader{{Key: HeaderFence}}})
	}
	if err := r.prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		_ = r.prod.EndTransaction(context.Background(), kgo.TryAbort)
		return fmt.Errorf("fencing: %w", kafka.Classify(err, r.cfg))
	}
	if err := r.prod.EndTransaction(context.Background(), kgo.TryAbort); err != nil {
		return fmt.Errorf("fencing: %w", err)
	}
	return nil
}

// fold is what recovery keeps beside the engine while reading.
type fold struct {
	// side are the jobs and deployments derived from the batch being
	// read, lastSide those of the last complete batch.
	side, lastSide []*kgo.Record
	// batchTS and batchBase are the timestamp and first offset of the
	// batch being read.
	batchTS, batchBase int64
}

// fold takes one record of wfctl.records, decoded.
func (r *runner) fold(f *fold, it *foldItem) error {
	r.recovery.Records++
	if it.err != nil {
		return fmt.Errorf("%s/%d@%d: %w", it.src.Topic, it.src.Partition, it.src.Offset, it.err)
	}
	// A batch's records share a timestamp no other batch has: its first
	// record's offset is its base, a record's position is past it.
	ts := it.src.Timestamp.UnixMilli()
	if ts != f.batchTS {
		f.batchTS, f.batchBase = ts, it.src.Offset
	}
	r.lastStamp = max(r.lastStamp, ts)
	switch it.kind {
	case itemCheckpoint:
		r.offsets = it.checkpoint.Offsets
		if r.offsets == nil {
			r.offsets = map[string]int64{}
		}
		r.recovery.Checkpoints++
		r.clock = clockOf(&it.checkpoint)
		// Whatever fell due up to the checkpoint's clock, the engine did.
		r.due.popUntil(it.checkpoint.Clock)
		f.lastSide, f.side = f.side, nil
	case itemDone:
		if it.request != "" && it.done.DuplicateOf == "" && strings.HasPrefix(it.done.Command, TopicCommands+"/") {
			r.requests.add(it.request, it.done)
		}
	case itemRecord:
		er := &it.record
		if err := r.eng.Apply(*er); err != nil {
			return fmt.Errorf("%s/%d@%d: %w", it.src.Topic, it.src.Partition, it.src.Offset, err)
		}
		r.index.note(er, ts, int32(it.src.Offset-f.batchBase))
		if er.IsEvent() {
			r.noteDue(er)
			f.derive(er, it.src.Headers)
			if v, ok := er.Value.(*engine.ProcessValue); ok {
				r.models.add(v)
				r.deployed = append(r.deployed, cloneProcess(v))
			}
		}
	}
	return nil
}

// derive collects what the batch published besides wfctl.records: the
// jobs it pushed and the process versions it deployed.
func (f *fold) derive(er *engine.Record, headers []kgo.RecordHeader) {
	switch v := er.Value.(type) {
	case *engine.JobBatchValue:
		if er.Intent != engine.IntentActivated || v.Worker != Worker {
			return
		}
		for i := range v.Jobs {
			b, _ := appendJobMessage(nil, v.JobKeys[i], &v.Jobs[i])
			f.side = append(f.side, &kgo.Record{Topic: TopicJobs, Key: []byte(v.Jobs[i].Type), Value: b})
		}
	case *engine.ProcessValue:
		f.side = append(f.side, &kgo.Record{Topic: TopicDeployments, Key: []byte(v.BPMNProcessID),
			Value: deploymentMessage(er.Key, v), Headers: requestOnly(headers)})
	}
}

// requestOnly keeps the request id of a record's headers.
func requestOnly(headers []kgo.RecordHeader) []kgo.RecordHeader {
	for _, h := range headers {
		if h.Key == HeaderRequest {
			return []kgo.RecordHeader{h}
		}
	}
	return nil
}

// republish writes the last batch's jobs and deployments again when the
// last committed record of their topic is not the batch's last one: their
// transaction, which follows the batch's, did not commit (in one
// partition or both). Only the last batch can be missing its second
// transaction, since a batch is committed only after the previous one's
// second transaction.
func (r *runner) republish(ctx context.Context, side []*kgo.Record) error {
	var missing []*kgo.Record
	for _, topic := range []string{TopicJobs, TopicDeployments} {
		var want []*kgo.Record
		for _, rec := range side {
			if rec.Topic == topic {
				want = append(want, rec)
			}
		}
		if len(want) == 0 {
			continue
		}
		last, err := r.lastCommitted(ctx, topic)
		if err != nil {
			return err
		}
		if last == nil || !sameMessage(topic, last.Value, want[len(want)-1].Value) {
			missing = append(missing, want...)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return r.transact(missing)
}

// lastCommitted is the last committed record of a topic's partition 0,
// looked for among its last offsets: the fence, and the fences of
// restarts without anything in between, come after it.
func (r *runner) lastCommitted(ctx context.Context, topic string) (*kgo.Record, error) {
	var last *kgo.Record
	_, err := kafka.ReadHistory(ctx, r.admin, kafka.History{Topics: []string{topic}, From: kafka.FromEnd(64)},
		func(rec *kgo.Record) error {
			last = rec
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading the end of %s: %w", topic, err)
	}
	return last, nil
}

// sameMessage reports whether two values of a topic name the same job
// (key) or process version (key).
func sameMessage(topic string, a, b []byte) bool {
	var x, y struct {
		Key int64 `json:"key"`
		Def int64 `json:"processDefinitionKey"`
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	if topic == TopicJobs {
		return x.Key == y.Key
	}
	return x.Def == y.Def
}

func hasHeader(rec *kgo.Record, key string) bool {
	for _, h := range rec.Headers {
		if h.Key == key {
			return true
		}
	}
	return false
}
