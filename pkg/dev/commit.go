package dev

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// Batches are pipelined: while one is committed (produced, synced to
// disk, its markers written), the engine already processes the next
// inputs into the other batch, which is handed over once the first
// commit succeeded. A failed commit stops the server (see send).

var checkpointHeaders = []kgo.RecordHeader{{Key: HeaderCheckpoint}}

// commit finishes the batch being built (job activations, checkpoint)
// and hands it to the committer, after the previous one committed.
func (r *runner) commit() error {
	if err := r.activateJobs(); err != nil {
		return err
	}
	if r.out.err != nil {
		return r.out.err
	}
	cp := Checkpoint{Offsets: r.offsets, Clock: r.eng.Now().UnixMilli()}
	r.clock.checkpoint(&cp)
	r.out.add(TopicRecords, nil, Marshal(cp), checkpointHeaders)
	r.sinceSnapshot += int64(len(r.out.recs))
	if r.snapshotDue() {
		if err := r.takeSnapshot(r.out); err != nil {
			return err
		}
	}
	r.batchInputs = 0
	r.counts.Batches++
	r.counts.Records += int64(len(r.out.recs) + len(r.out.side))
	es := r.eng.Stats()
	r.counts.Created, r.counts.Completed, r.counts.Active = es.Created, es.Completed+es.Terminated, es.Active
	r.out.stats = r.counts
	if err := r.awaitCommit(); err != nil {
		return err
	}
	b, changed := r.out, r.out.topicsChanged
	r.inflight = b
	r.commits <- b
	r.out, r.spare = r.spare, nil
	if changed {
		return r.syncTopics()
	}
	return nil
}

// awaitCommit waits for the transaction in flight, if any, and publishes
// its stats.
func (r *runner) awaitCommit() error {
	if r.inflight == nil {
		return nil
	}
	return r.committed(<-r.results)
}

// committed takes the committer's result for the transaction in flight.
func (r *runner) committed(err error) error {
	b := r.inflight
	r.inflight = nil
	if err != nil {
		return err
	}
	r.stats.set(b.stats)
	b.reset()
	r.spare = b
	return nil
}

// committer writes the batches it is handed, one transaction each, until
// commits is closed.
func (r *runner) committer() {
	defer close(r.committerDone)
	for b := range r.commits {
		err := r.send(b)
		if err == nil {
			// Committed: the checkpoint record has its offset now.
			cp := b.recs[len(b.recs)-1]
			r.lastCP = committedCheckpoint{value: bytes.Clone(cp.Value), end: cp.Offset + 1}
			if s := b.snap; s != nil {
				s.RecordsEnd = r.lastCP.end
				r.snapWriter.offer(s)
			}
		}
		b.snap = nil
		r.results <- err
	}
}

// send writes a batch: its wfctl.records part in one transaction, then
// its jobs and deployments in another. Two, because the broker (kfake)
// writes a transaction's commit markers partition by partition and, when
// it restarts after a crash, aborts whatever has no marker: a transaction
// over several partitions is atomic while the broker runs, but a kill
// between two markers would commit it in one partition and abort it in
// another. The state lives in wfctl.records alone, so its transaction
// is atomic on its own; the jobs and deployments are derived from it and
// published again at recovery when their transaction did not make it
// (see republish).
//
// A failure is fatal: the engine has moved on in memory, and only a
// restart, which rebuilds the state from what was committed, brings the
// two together again.
func (r *runner) send(b *batch) error {
	if err := r.transact(b.recs); err != nil {
		return err
	}
	if len(b.side) > 0 {
		if err := r.transact(b.side); err != nil {
			return err
		}
	}
	return nil
}

// produceChunk is how many bytes of records a transaction sends before
// it waits for them: a Kafka batch of wfctl.records holds at most about
// this much (but for a larger single record), so that instance show, which
// reads one batch of an instance's span, decodes at most that. 4 MiB cost
// nothing measurable in BenchmarkEndToEnd (five interleaved pairs);
// WFCTL_DEV_PRODUCE_CHUNK overrides it, to measure.
var produceChunk = envInt("WFCTL_DEV_PRODUCE_CHUNK", 4<<20)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// transact writes records in one transaction.
func (r *runner) transact(recs []*kgo.Record) error {
	if err := r.prod.BeginTransaction(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	// Not the loop's context: a batch the engine processed is committed
	// even while the server stops.
	ctx := context.Background()
	var mu sync.Mutex
	var produceErr error
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			mu.Lock()
			produceErr = err
			mu.Unlock()
		}
	}
	// Flushed in chunks: the producer otherwise sends what piles up while
	// a request is in flight as one Kafka batch, up to the records limit,
	// and a reader that wants one record of it (instance show, by offset)
	// is sent, and decompresses and decodes, the whole batch.
	chunk, flushErr := 0, error(nil)
	for _, rec := range recs {
		r.prod.Produce(ctx, rec, promise)
		if chunk += len(rec.Key) + len(rec.Value) + 64; chunk >= produceChunk {
			if flushErr = r.prod.Flush(ctx); flushErr != nil {
				break
			}
			chunk = 0
		}
	}
	if flushErr == nil {
		flushErr = r.prod.Flush(ctx)
	}
	mu.Lock()
	err := firstErr(produceErr, flushErr)
	mu.Unlock()
	if err != nil {
		abortErr := r.prod.EndTransaction(ctx, kgo.TryAbort)
		return fmt.Errorf("writing a transaction of %d records: %w (abort: %v)", len(recs), err, abortErr)
	}
	if err := r.prod.EndTransaction(ctx, kgo.TryCommit); err != nil {
		return fmt.Errorf("committing a transaction of %d records: %w", len(recs), err)
	}
	return nil
}

// activateJobs activates, for Kafka workers, the jobs that became
// activatable in this transaction, and pushes them to wfctl.jobs keyed by
// job type, in type order. What the limits cannot hold is bounded as
// Zeebe bounds a job batch by its maxMessageSize: a JOB_BATCH record
// over the limit is written without the jobs' variables (each job's push
// carries them), and a job whose own variables are over it is not pushed
// but failed without retries, which raises an incident that says why.
func (r *runner) activateJobs() error {
	limit := r.opts.Limits.Records
	for _, typ := range slices.Sorted(maps.Keys(r.out.jobs)) {
		for left := r.out.jobs[typ]; left > 0; {
			want := min(left, activateChunk)
			jobs, err := r.eng.ActivateJobs(engine.JobRequest{Type: typ, Worker: Worker, MaxJobs: want, Timeout: JobTimeout})
			if err != nil {
				return fmt.Errorf("activating %s jobs: %w", typ, err)
			}
			before := len(r.out.recs)
			if r.engineRecords(r.eng.LastRecords(), nil) > limit {
				r.out.recs = r.out.recs[:before]
				r.engineRecords(withoutJobVariables(r.eng.LastRecords()), nil)
			}
			key := []byte(typ)
			for i := range jobs {
				v, err := r.out.encode(func(dst []byte) ([]byte, error) { return appendJobMessage(dst, jobs[i].Key, &jobs[i].JobValue) })
				if err != nil && r.out.err == nil {
					r.out.err = fmt.Errorf("encoding job %d: %w", jobs[i].Key, err)
				}
				if len(v)+recordOverhead > limit {
					if err := r.jobTooLarge(jobs[i].Key, len(v)); err != nil {
						return err
					}
					continue
				}
				r.out.add(TopicJobs, key, v, nil)
				r.counts.JobsPushed++
			}
			if len(jobs) < want {
				break
			}
			left -= want
		}
	}
	return nil
}

// withoutJobVariables copies a job batch's records with the jobs'
// variables left out.
func withoutJobVariables(recs []engine.Record) []engine.Record {
	out := slices.Clone(recs)
	for i := range out {
		v, ok := out[i].Value.(*engine.JobBatchValue)
		if !ok {
			continue
		}
		c := *v
		c.Jobs = slices.Clone(v.Jobs)
		for j := range c.Jobs {
			c.Jobs[j].Variables = nil
		}
		out[i].Value = &c
	}
	return out
}

// jobTooLarge fails a job that cannot be pushed, without retries: an
// incident tells why.
func (r *runner) jobTooLarge(key int64, size int) error {
	msg := fmt.Sprintf("the job cannot be activated: with its variables it is %s, over the limit of %s (--max-records-size); "+
		"make the variables its element sees smaller (input mappings, fewer or smaller variables), then resolve the incident",
		sizeOf(size), sizeOf(r.opts.Limits.Records))
	if err := r.eng.FailJob(key, 0, 0, msg); err != nil {
		return fmt.Errorf("failing job %d, too large to push: %w", key, err)
	}
	r.engineRecords(r.eng.LastRecords(), nil)
	return nil
}

// activateChunk bounds the jobs of one activation, and so the size of
// its JOB_BATCH record, which holds every job's variables.
const activateChunk = 128

// appendJobMessage appends a wfctl.jobs value: a Job, as Marshal writes
// it.
func appendJobMessage(b []byte, key int64, j *engine.JobValue) ([]byte, error) {
	b = appendInt(b, `{"key":`, key)
	b = appendStr(b, `,"type":`, j.Type)
	b = appendInt(b, `,"processInstanceKey":`, j.ProcessInstanceKey)
	b = appendStr(b, `,"bpmnProcessId":`, j.BPMNProcessID)
	b = appendStr(b, `,"elementId":`, j.ElementID)
	b = appendInt(b, `,"retries":`, int64(j.Retries))
	b = appendInt(b, `,"deadline":`, j.Deadline)
	b, err1 := appendMarshal(b, `,"customHeaders":`, j.CustomHeaders, len(j.CustomHeaders) == 0, j.CustomHeaders == nil)
	b, err2 := appendMarshal(b, `,"variables":`, j.Variables, len(j.Variables) == 0, j.Variables == nil)
	return append(b, '}'), firstErr(err1, err2)
}

// tickOnly is a transaction for the clock alone: something fell due.
func (r *runner) tickOnly() error {
	if err := r.begin(); err != nil {
		return err
	}
	return r.commit()
}
