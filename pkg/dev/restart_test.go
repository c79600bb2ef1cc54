package dev

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/engine"
)

// fakeClock is a wall clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestRestartRestoresState stops a server with an instance waiting at a
// job, one at a long timer and one at a short timer, and starts another
// on the same data folder: the recovered engine's state is the same, byte
// for byte (its snapshot), the job can be completed, the short timer
// fires when its time comes, and no command was applied twice. So it is
// without snapshots (the whole of wfctl.records folded), with a snapshot
// of every batch the pacing allows (next to nothing to fold), and with one every few
// records (a snapshot, and the batches after it folded on top).
func TestRestartRestoresState(t *testing.T) {
	for _, every := range []int{-1, 1, 12} {
		t.Run(fmt.Sprintf("snapshot-every=%d", every), func(t *testing.T) { testRestart(t, every) })
	}
}

func testRestart(t *testing.T, every int) {
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	// With snapshots every 12 records, the stop is taken as a crash (no
	// snapshot when it stops), so that records after the last are folded.
	s1 := startServer(t, Options{DataDir: dir, Now: clock.Now, SnapshotEvery: every, noFinalSnapshot: every == 12})
	cl := newClient(t, s1.Addr())
	log := newLogReader(t, s1.Addr())
	produce(t, cl,
		commandRecord(t, "deploy-order", deployCommand("order.bpmn", readModel(t, "order.bpmn"))),
		commandRecord(t, "deploy-wait", deployCommand("timers.bpmn", readModel(t, "timers.bpmn"))),
		commandRecord(t, "create-a", createCommand("order", map[string]any{"orderId": "o-1"})),
		commandRecord(t, "create-b", createCommand("wait", map[string]any{"pause": "PT1H"})),
		commandRecord(t, "create-c", createCommand("wait", map[string]any{"pause": "PT1S"})))
	for _, id := range []string{"deploy-order", "deploy-wait", "create-a", "create-b", "create-c"} {
		if done, _ := log.request(id); done.Status != DoneOK {
			t.Fatalf("%s: %+v", id, done)
		}
	}
	a, c := instanceOf(t, log, "create-a"), instanceOf(t, log, "create-c")
	// A message nothing waits for: a batch of a few records, after the
	// last snapshot when they are taken every 12.
	produce(t, cl, commandRecord(t, "publish", engine.Command{ValueType: engine.ValueMessage, Intent: engine.IntentPublish, Key: -1,
		Value: &engine.MessageValue{Name: "Nobody", CorrelationKey: "k"}}))
	if done, _ := log.request("publish"); done.Status != DoneOK {
		t.Fatalf("publish: %+v", done)
	}
	var before []byte
	var jobKey int64
	inspect(t, s1, func(e *engine.Engine) {
		before = snapshot(t, e)
		jobs := e.Jobs(a)
		if len(jobs) != 1 || jobs[0].State != "ACTIVATED" || jobs[0].Worker != Worker {
			t.Errorf("jobs of A: %+v", jobs)
		} else {
			jobKey = jobs[0].Key
		}
	})
	// Clients go first: a client whose broker is gone takes a second to
	// close.
	cl.Close()
	log.stop()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := startServer(t, Options{DataDir: dir, Now: clock.Now, SnapshotEvery: every})
	rec := s2.Recovered()
	if rec.Active != 3 || rec.Checkpoints == 0 && rec.Snapshot == 0 || rec.Offsets["wfctl.commands/0"] != 6 {
		t.Fatalf("recovered: %+v", rec)
	}
	if every > 0 && rec.Snapshot == 0 || every < 0 && rec.Snapshot != 0 {
		t.Fatalf("snapshot every %d records; recovered: %+v", every, rec)
	}
	// Snapshots are paced (snapshotPace): the last batch, a few records,
	// may come too soon after the one before to be snapshotted.
	if every == 1 && rec.Records > 20 {
		t.Errorf("a snapshot of (nearly) every batch, and still %d records folded", rec.Records)
	}
	if every == 12 && rec.Records == 0 {
		t.Errorf("a snapshot every 12 records, and no records after the last one: %+v", rec)
	}
	inspect(t, s2, func(e *engine.Engine) {
		if after := snapshot(t, e); !bytes.Equal(before, after) {
			t.Errorf("the state after the restart differs:\nbefore %s\nafter  %s", before, after)
		}
		if timers := e.Timers(c); len(timers) != 1 || !timers[0].Due.Equal(clock.Now().Add(time.Second)) {
			t.Errorf("timers of C: %+v", timers)
		}
	})

	log = newLogReader(t, s2.Addr())
	cl = newClient(t, s2.Addr())
	produce(t, cl, commandRecord(t, "complete-a", completeCommand(jobKey, nil)))
	if done, recs := log.request("complete-a"); done.Status != DoneOK || count(recs, engine.ValueJob, engine.IntentCompleted) != 1 {
		t.Fatalf("complete after restart: %+v %v", done, intents(recs))
	}
	clock.Advance(2 * time.Second)
	log.wait("C's timer", func() bool {
		for _, r := range log.all {
			if v, ok := r.Value.(*engine.TimerValue); ok && r.Intent == engine.IntentTriggered && v.ProcessInstanceKey == c {
				return true
			}
		}
		return false
	})
	for _, id := range []string{"create-a", "create-b", "create-c"} {
		_, recs := log.request(id)
		if n := count(recs, engine.ValueProcessInstanceCreation, engine.IntentCreated); n != 1 {
			t.Errorf("%s: %d instances created", id, n)
		}
	}
}

// TestStartErrors: a port in use and a data folder in use are the
// broker's typed errors, which the CLI maps to exit code 3.
func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, Options{DataDir: dir})
	if _, err := Start(testContext(t), Options{Listen: "127.0.0.1:0", DataDir: dir}); !errors.Is(err, broker.ErrDataDirLocked) {
		t.Errorf("same data folder: %v", err)
	}
	if _, err := Start(testContext(t), Options{Listen: s.ListenAddr()}); !errors.Is(err, broker.ErrAddrInUse) {
		t.Errorf("same port: %v", err)
	}
	var oe *OptionError
	if _, err := Start(testContext(t), Options{Listen: "127.0.0.1:0", Topics: []string{"wfctl.mine"}}); !errors.As(err, &oe) {
		t.Errorf("reserved topic: %v", err)
	}
	if _, err := Start(testContext(t), Options{Listen: "127.0.0.1:0", ModelsDir: dir + "/missing"}); !errors.As(err, &oe) {
		t.Errorf("missing models folder: %v", err)
	}
}

func inspect(t *testing.T, s *Server, fn func(*engine.Engine)) {
	t.Helper()
	if err := s.Inspect(testContext(t), fn); err != nil {
		t.Fatal(err)
	}
}

func snapshot(t *testing.T, e *engine.Engine) []byte {
	t.Helper()
	b, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// instanceOf is the process instance a create command made.
func instanceOf(t *testing.T, log *logReader, request string) int64 {
	t.Helper()
	_, recs := log.request(request)
	for _, r := range recs {
		if v, ok := r.Value.(*engine.ProcessInstanceCreationValue); ok && r.Intent == engine.IntentCreated {
			return v.ProcessInstanceKey
		}
	}
	t.Fatalf("%s created no instance", request)
	return 0
}
