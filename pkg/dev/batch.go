package dev

import (
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// A batch: everything one poll batch (or one tick, or one models change)
// caused. Its records on wfctl.records are, in order: for each input,
// the engine's records and (for a command) the Done marker; then the job
// activations; then the checkpoint, always last. They are written in one
// transaction; the jobs pushed to wfctl.jobs and the process versions
// written to wfctl.deployments follow in a second one (see send).

// batch collects the records of a transaction. Two take turns: one is
// built while the other is committed.
type batch struct {
	// recs go to wfctl.records, side to wfctl.jobs and wfctl.deployments,
	// in a second transaction (see send).
	recs, side []*kgo.Record
	// slabs hold the records, in chunks reused once committed.
	slab      []kgo.Record
	slabs     [][]kgo.Record
	slabsUsed int
	// arena holds the encoded values, in chunks: a full chunk is left to
	// the records that point into it and the next one started. The
	// chunks are reused once the batch is committed.
	arena  []byte
	chunks [][]byte
	used   int // chunks in use
	// jobs counts, per job type, the jobs that became activatable: an
	// upper bound of what activation will find.
	jobs map[string]int
	// topicsChanged is set when a deployment may name new domain topics.
	topicsChanged bool
	// err is a record that could not be encoded: the transaction must
	// not be written without it.
	err error
	// stats are the server's counts once this transaction is committed.
	stats Stats
	// snap is the snapshot of the state after this batch, written once it
	// committed.
	snap *devSnapshot
	// wall is the records' timestamp (see stamp); stamps the last one
	// given to a batch of the runner's.
	wall   time.Time
	stamps *int64
}

const arenaChunk = 1 << 20

func (b *batch) add(topic string, key, value []byte, headers []kgo.RecordHeader) {
	if len(b.slab) == cap(b.slab) {
		if b.slabsUsed == len(b.slabs) {
			b.slabs = append(b.slabs, make([]kgo.Record, 0, 1024))
		}
		b.slab = b.slabs[b.slabsUsed][:0]
		b.slabsUsed++
	}
	b.slab = append(b.slab, kgo.Record{Topic: topic, Key: key, Value: value, Headers: headers, Timestamp: b.stamp()})
	if topic == TopicRecords {
		b.recs = append(b.recs, &b.slab[len(b.slab)-1])
	} else {
		b.side = append(b.side, &b.slab[len(b.slab)-1])
	}
}

// stamp is the Kafka timestamp of the batch's records: when it was
// begun. The instance index notes it as where an instance's history
// starts, alike live and when recovery reads the records back.
func (b *batch) stamp() time.Time {
	if b.wall.IsZero() {
		now := time.Now().UnixMilli()
		if b.stamps != nil {
			// One millisecond at least past the last batch's: a batch's
			// stamp names it (see the instance index's spans).
			now = max(now, *b.stamps+1)
			*b.stamps = now
		}
		b.wall = time.UnixMilli(now)
	}
	return b.wall
}

// encode appends an encoded value to the arena and returns it.
func (b *batch) encode(enc func([]byte) ([]byte, error)) ([]byte, error) {
	if cap(b.arena)-len(b.arena) < arenaChunk/16 {
		if b.used == len(b.chunks) {
			b.chunks = append(b.chunks, make([]byte, 0, arenaChunk))
		}
		b.arena = b.chunks[b.used][:0]
		b.used++
	}
	start := len(b.arena)
	out, err := enc(b.arena)
	b.arena = out
	return out[start:len(out):len(out)], err
}

// reset readies a committed batch for reuse: Kafka's client is done with
// its records.
func (b *batch) reset() {
	clear(b.recs)
	clear(b.side)
	b.recs, b.side = b.recs[:0], b.side[:0]
	b.slab, b.slabsUsed = nil, 0
	b.arena, b.used = nil, 0
	clear(b.jobs)
	b.topicsChanged, b.err, b.snap = false, nil, nil
	b.wall = time.Time{}
}

func (b *batch) jobBecameActivatable(typ string) {
	if b.jobs == nil {
		b.jobs = map[string]int{}
	}
	b.jobs[typ]++
}

// begin starts a transaction's records: the engine's clock moves to the
// dev clock (the wall clock, unless clock control moved it) first, so
// that what fell due happens before the inputs and the inputs' records
// carry the time they were processed.
func (r *runner) begin() error {
	now := r.clockNow()
	if now <= r.eng.Now().UnixMilli() {
		return nil
	}
	recs, err := r.eng.Tick(time.UnixMilli(now))
	if err != nil {
		return fmt.Errorf("engine clock tick to %s: %w", formatMillis(now), err)
	}
	r.engineRecords(recs, nil)
	r.due.popUntil(r.eng.Now().UnixMilli())
	return nil
}

// engineRecords writes the engine's records (with the input's headers),
// notes what follows from them, and returns their size in bytes.
func (r *runner) engineRecords(recs []engine.Record, headers []kgo.RecordHeader) int {
	n := 0
	for i := range recs {
		rec := &recs[i]
		b, err := r.out.encode(func(dst []byte) ([]byte, error) { return appendRecord(dst, rec) })
		if err != nil && r.out.err == nil {
			r.out.err = fmt.Errorf("encoding engine record %d (%s %s): %w", rec.Position, rec.ValueType, rec.Intent, err)
		}
		n += len(b) + recordOverhead
		r.out.add(TopicRecords, nil, b, headers)
		r.observe(rec, headers)
	}
	return n
}

// recordOverhead is what a record costs in a batch beside its value
// (length, offsets, headers), generously.
const recordOverhead = 128
