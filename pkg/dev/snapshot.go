package dev

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// # Snapshots
//
// With a data folder, the server writes a snapshot of its state to
// SnapshotFileName every [Options].SnapshotEvery records (and at most a
// minute after the last when anything was written since): the engine's
// state (engine.Snapshot) with what the server keeps beside it — the
// checkpoint (input offsets and clock), the times something falls due,
// the recent request ids, the deployed process versions, the last batch's
// jobs and deployments — and RecordsEnd, the offset of wfctl.records just
// after the checkpoint record of the batch it covers. The engine's state
// is taken between two batches, on the engine's goroutine; the file is
// written only once that batch's transactions committed, so a snapshot
// never holds what wfctl.records does not. A restart restores the
// snapshot and folds only the records after RecordsEnd; without a usable
// snapshot (none, another version, or one wfctl.records does not end a
// checkpoint at RecordsEnd with), it folds the whole topic as before.
// The file is written to a temporary file, synced and renamed, so a kill
// at any moment leaves the previous snapshot or the new one.

// SnapshotFileName is the snapshot's file in the data folder.
const SnapshotFileName = "wfctl-snapshot.json"

// DefaultSnapshotEvery is how many records written to wfctl.records
// make a snapshot due (see [Options].SnapshotEvery).
const DefaultSnapshotEvery = 50_000

// snapshotInterval is how long after the last snapshot one is taken
// anyway, when anything was written since.
const snapshotInterval = time.Minute

// snapshotPace: after a snapshot that took d to take and write, the next
// waits snapshotPace×d, so that snapshots cost at most 1/snapshotPace of
// the server's time however large the state.
const snapshotPace = 20

// snapshotWritePause holds a snapshot write half done, for the crash
// test that kills wfctl dev while it writes one: set from
// WFCTL_DEV_TEST_SNAPSHOT_PAUSE (a Go duration); never in normal use.
var snapshotWritePause, _ = time.ParseDuration(os.Getenv("WFCTL_DEV_TEST_SNAPSHOT_PAUSE"))

// snapshotVersion is the version of the snapshot file's format.
const snapshotVersion = 2

// devSnapshot is the snapshot file.
type devSnapshot struct {
	Version int `json:"version"`
	// RecordsEnd is the offset of wfctl.records after the checkpoint
	// record of the batch the snapshot covers.
	RecordsEnd int64 `json:"recordsEnd"`
	// Checkpoint is that record's value, as written.
	Checkpoint json.RawMessage        `json:"checkpoint"`
	Due        []int64                `json:"due,omitempty"`
	Requests   []snapRequest          `json:"requests,omitempty"`
	Processes  []*engine.ProcessValue `json:"processes,omitempty"`
	Side       []snapRecord           `json:"side,omitempty"`
	// Instances is the index of instances (see QueryCommand).
	Instances []*instMeta `json:"instances,omitempty"`
	// Engine is the engine's snapshot: the file's second line.
	Engine []byte `json:"-"`
}

type snapRequest struct {
	ID   string `json:"id"`
	Done Done   `json:"done"`
}

// snapRecord is a record of wfctl.jobs or wfctl.deployments.
type snapRecord struct {
	Topic   string `json:"topic"`
	Key     []byte `json:"key,omitempty"`
	Value   []byte `json:"value"`
	Request string `json:"request,omitempty"`
}

// snapshotDue reports whether the batch being committed should be
// snapshotted.
func (r *runner) snapshotDue() bool {
	if r.opts.DataDir == "" || r.opts.SnapshotEvery < 0 || r.sinceSnapshot == 0 {
		return false
	}
	if time.Since(r.snapAt) < snapshotPace*(r.snapTook+time.Duration(r.snapWrite.Load())) {
		return false
	}
	if r.opts.Now().Sub(r.lastSnapshot) >= snapshotInterval {
		return true
	}
	// Under load (a full poll batch: inputs wait), a snapshot, whose cost
	// grows with the instances in flight, waits for a lighter batch, up to
	// snapshotDefer times the records.
	every := int64(r.opts.SnapshotEvery)
	return r.sinceSnapshot >= every && (r.batchInputs < MaxBatch || r.sinceSnapshot >= snapshotDefer*every)
}

// snapshotDefer bounds how long load defers a snapshot, in multiples of
// SnapshotEvery.
const snapshotDefer = 4

// takeSnapshot captures the state after the batch being committed; b's
// checkpoint record is its last record. The engine's part is encoded now;
// the rest once the batch committed (writeSnapshot).
func (r *runner) takeSnapshot(b *batch) error {
	start := time.Now()
	defer func() { r.snapAt, r.snapTook = time.Now(), time.Since(start) }()
	s, err := r.snapshotNow(slices.Clone(b.recs[len(b.recs)-1].Value))
	if err != nil {
		return err
	}
	for _, rec := range b.side {
		s.Side = append(s.Side, snapRecord{Topic: rec.Topic, Key: slices.Clone(rec.Key), Value: slices.Clone(rec.Value),
			Request: headerValue(rec.Headers, HeaderRequest)})
	}
	b.snap = s
	r.sinceSnapshot, r.lastSnapshot = 0, r.opts.Now()
	return nil
}

// snapshotNow captures the engine and what the server keeps beside it,
// as of the batch whose checkpoint record value is checkpoint; the
// caller sets RecordsEnd (and Side) once known.
func (r *runner) snapshotNow(checkpoint []byte) (*devSnapshot, error) {
	eng, err := r.eng.Snapshot()
	if err != nil {
		return nil, err
	}
	s := &devSnapshot{Version: snapshotVersion, Engine: eng, Checkpoint: checkpoint,
		Due: slices.Sorted(slices.Values(r.due.times)), Processes: slices.Clone(r.deployed), Instances: cloneMetas(r.index.all())}
	r.requests.each(func(id string, d Done) { s.Requests = append(s.Requests, snapRequest{id, d}) })
	return s, nil
}

// committedCheckpoint is a committed batch's checkpoint record: its value
// and the offset after it.
type committedCheckpoint struct {
	value []byte
	end   int64
}

// finalSnapshot snapshots the state when the server stops cleanly, so
// that the next start folds nothing: every batch is committed, and the
// engine holds exactly what wfctl.records does. The jobs and deployments
// of the last batch committed too, so the snapshot needs none of them.
func (r *runner) finalSnapshot() {
	if r.opts.DataDir == "" || r.opts.SnapshotEvery < 0 || r.sinceSnapshot == 0 || r.lastCP.end == 0 || r.opts.noFinalSnapshot {
		return
	}
	s, err := r.snapshotNow(r.lastCP.value)
	if err != nil {
		r.notify(Notice{Kind: SnapshotFailed, Message: err.Error()})
		return
	}
	s.RecordsEnd = r.lastCP.end
	r.snapWriter.offer(s)
	r.sinceSnapshot = 0
}

// snapshotWriter writes snapshots on a goroutine of its own, so that
// commits do not wait for them: the newest offered replaces one not yet
// written.
type snapshotWriter struct {
	r       *runner
	mu      sync.Mutex
	next    *devSnapshot
	wake    chan struct{}
	stopped chan struct{}
}

func newSnapshotWriter(r *runner) *snapshotWriter {
	w := &snapshotWriter{r: r, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	go w.run()
	return w
}

func (w *snapshotWriter) offer(s *devSnapshot) {
	w.mu.Lock()
	w.next = s
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// close writes what is pending, and stops.
func (w *snapshotWriter) close() {
	close(w.wake)
	<-w.stopped
}

func (w *snapshotWriter) run() {
	defer close(w.stopped)
	for range w.wake {
		w.mu.Lock()
		s := w.next
		w.next = nil
		w.mu.Unlock()
		if s != nil {
			w.r.writeSnapshot(s)
		}
	}
	if w.next != nil {
		w.r.writeSnapshot(w.next)
	}
}

// writeSnapshot writes a snapshot whose batch committed. A failure is
// reported, not fatal: the next restart folds more.
func (r *runner) writeSnapshot(s *devSnapshot) {
	start := time.Now()
	defer func() { r.snapWrite.Store(int64(time.Since(start) - snapshotWritePause)) }()
	if err := writeFileAtomic(filepath.Join(r.opts.DataDir, SnapshotFileName), s); err != nil {
		r.notify(Notice{Kind: SnapshotFailed, Message: err.Error()})
	}
}

// writeFileAtomic writes a snapshot to path, its header (JSON) on the
// first line and the engine's snapshot on the second, through a synced
// temporary file renamed over it, and syncs the folder.
func writeFileAtomic(path string, s *devSnapshot) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = json.NewEncoder(bw).Encode(s) // ends with a newline
	if err == nil {
		_, err = bw.Write(s.Engine)
	}
	if snapshotWritePause > 0 {
		time.Sleep(snapshotWritePause) // a crash test's window (see snapshotWritePause)
	}
	err = errors.Join(err, bw.Flush(), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// restoreSnapshot restores the snapshot of the data folder, when there
// is a usable one, and returns the offset of wfctl.records the fold goes
// on from (0 without one). A snapshot that cannot be used is reported
// and the whole topic folded.
func (r *runner) restoreSnapshot(ctx context.Context) (int64, error) {
	if r.opts.DataDir == "" || r.opts.SnapshotEvery < 0 {
		return 0, nil
	}
	path := filepath.Join(r.opts.DataDir, SnapshotFileName)
	_ = os.Remove(path + ".tmp") // a write a kill interrupted
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	s, err := r.usableSnapshot(ctx, data, err)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		r.notify(Notice{Kind: SnapshotFailed, Message: fmt.Sprintf("%s not used (%v): the whole of %s is folded", path, err, TopicRecords)})
		return 0, nil
	}
	eng, err := engine.Restore(s.Engine)
	if err != nil {
		r.notify(Notice{Kind: SnapshotFailed, Message: fmt.Sprintf("%s not used (%v): the whole of %s is folded", path, err, TopicRecords)})
		return 0, nil
	}
	var cp Checkpoint
	_ = json.Unmarshal(s.Checkpoint, &cp) // checked by usableSnapshot
	r.eng = eng
	r.offsets = cp.Offsets
	if r.offsets == nil {
		r.offsets = map[string]int64{}
	}
	r.clock = clockOf(&cp)
	for _, ms := range s.Due {
		r.due.add(ms)
	}
	r.due.popUntil(cp.Clock)
	for _, q := range s.Requests {
		r.requests.add(q.ID, q.Done)
	}
	for _, p := range s.Processes {
		r.models.add(p)
		r.deployed = append(r.deployed, p)
	}
	r.index.restore(s.Instances)
	r.snapSide = nil
	for _, sr := range s.Side {
		rec := &kgo.Record{Topic: sr.Topic, Key: sr.Key, Value: sr.Value}
		if sr.Request != "" {
			rec.Headers = []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte(sr.Request)}}
		}
		r.snapSide = append(r.snapSide, rec)
	}
	r.recovery.Snapshot = s.RecordsEnd
	return s.RecordsEnd, nil
}

// usableSnapshot decodes a snapshot and checks it against wfctl.records:
// the record before RecordsEnd is the checkpoint it holds.
func (r *runner) usableSnapshot(ctx context.Context, data []byte, readErr error) (*devSnapshot, error) {
	if readErr != nil {
		return nil, readErr
	}
	var s devSnapshot
	header, eng, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, errors.New("it is cut short")
	}
	if err := json.Unmarshal(header, &s); err != nil {
		return nil, err
	}
	s.Engine = eng
	if s.Version != snapshotVersion {
		return nil, fmt.Errorf("format version %d, this wfctl reads %d", s.Version, snapshotVersion)
	}
	var cp Checkpoint
	if s.RecordsEnd < 1 || json.Unmarshal(s.Checkpoint, &cp) != nil {
		return nil, errors.New("no checkpoint in it")
	}
	var found []byte
	_, err := kafka.ReadHistory(ctx, r.admin, kafka.History{Topics: []string{TopicRecords},
		From: kafka.AtOffset(s.RecordsEnd - 1), To: kafka.AtOffset(s.RecordsEnd)},
		func(rec *kgo.Record) error {
			if rec.Offset == s.RecordsEnd-1 && hasHeader(rec, HeaderCheckpoint) {
				found = rec.Value
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading %s at offset %d: %w", TopicRecords, s.RecordsEnd-1, err)
	}
	if !bytes.Equal(found, s.Checkpoint) {
		return nil, fmt.Errorf("%s has not its checkpoint at offset %d", TopicRecords, s.RecordsEnd-1)
	}
	return &s, nil
}

// each calls fn for the remembered requests, oldest first.
func (l *requestLog) each(fn func(id string, d Done)) {
	n := len(l.ring)
	for i := range n {
		id := l.ring[(l.next+i)%n]
		fn(id, l.done[id])
	}
}

func headerValue(hs []kgo.RecordHeader, key string) string {
	for _, h := range hs {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// cloneProcess copies a deployed process version for the snapshot.
func cloneProcess(v *engine.ProcessValue) *engine.ProcessValue {
	c := *v
	c.Resource = slices.Clone(v.Resource)
	return &c
}

// cloneMetas copies index entries: the engine's goroutine goes on
// changing them while the snapshot waits for its batch to commit.
func cloneMetas(ms []*instMeta) []*instMeta {
	out := make([]*instMeta, len(ms))
	for i, m := range ms {
		c := *m
		out[i] = &c
	}
	return out
}
