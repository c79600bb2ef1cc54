package dev

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// TestKillDuringLoad is the crash test of `wfctl dev`: the real binary
// runs on a data folder under a stream of create-instance commands and a
// franz-go job worker completing the jobs, is killed with SIGKILL in the
// middle of the load (twice), and started again on the same folder each
// time while the clients keep going. At the end the instances the clients
// saw acknowledged (a Done "ok" marker) are exactly those in the state
// recovered by folding wfctl.records, each created once, every command
// the broker acknowledged was processed exactly once, and every instance
// completed.
func TestKillDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl and kills it under load")
	}
	const total, window = 12000, 1500
	// When to kill: after so many creates are done, and then at once
	// (a transaction just committed, the next being processed), while a
	// transaction is open (its records partly written), or as soon as
	// the restarted server is ready.
	kills := []struct {
		after int
		how   string
	}{
		// First, so that most of the load remains: snapshots are paced
		// (at most a twentieth of the time, and each write here is held
		// open for the pause below), and once the load ends none is
		// written; as the last kill (at 9,000, then 7,500 of 12,000) CI
		// runs on a busy machine saw none in 40 s. The kill waits for a
		// whole snapshot first, so that the restart has one to restore.
		{2000, "during a snapshot write"},
		{4000, "between transactions"}, {6500, "during a transaction"}, {6500, "right after a restart"}}
	bin := buildWfctl(t)
	dir := t.TempDir()
	// Snapshots every few batches: restarts restore one and fold the rest.
	devArgs := []string{"--data-dir", dir, "--snapshot-every", "300"}
	// Each snapshot write is held half done for a while, so that the kill
	// "during a snapshot write" lands in one.
	t.Setenv("WFCTL_DEV_TEST_SNAPSHOT_PAUSE", "100ms")
	p := startDev(t, bin, append([]string{"--port", "0"}, devArgs...)...)
	_, port, _ := net.SplitHostPort(p.addr)
	addr := p.addr

	cl := newClient(t, addr, kgo.RecordRetries(1<<20), kgo.RetryTimeout(time.Minute))
	produce(t, cl, commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))))
	dones := newDoneCounter(t, addr)
	dones.wait("the deployment", func() bool { return dones.status["deploy"] == DoneOK })
	stopWorker := startWorker(t, addr, "work")
	defer stopWorker()

	// The load: create commands, at most window of them unanswered.
	var ackMu sync.Mutex
	acked := map[string]bool{}
	produced := make(chan struct{})
	// Until the kill during a snapshot write, creates trickle in (one
	// every 5 ms): snapshots are paced, and a load that ran to its end
	// first would leave none to be written (CI once saw the whole load
	// done while the test waited for the next write).
	var trickle atomic.Bool
	trickle.Store(true)
	go func() {
		defer close(produced)
		ctx := testContext(t)
		for i := range total {
			dones.until(ctx, func() bool { return dones.creates >= i-window })
			if trickle.Load() && i >= kills[0].after {
				time.Sleep(5 * time.Millisecond)
			}
			id := reqID("create", i)
			r := commandRecord(t, id, createCommand("work", map[string]any{"i": i}))
			cl.Produce(ctx, r, func(_ *kgo.Record, err error) {
				if err == nil {
					ackMu.Lock()
					acked[id] = true
					ackMu.Unlock()
				}
			})
		}
		if err := cl.Flush(ctx); err != nil {
			t.Errorf("flush: %v", err)
		}
	}()

	for _, k := range kills {
		dones.wait(fmt.Sprintf("%d creates done", k.after), func() bool { return dones.creates >= k.after })
		switch k.how {
		case "during a transaction":
			waitOpenTransaction(t, addr)
		case "during a snapshot write":
			waitSnapshotFile(t, dir)
			waitSnapshotWrite(t, dir)
		}
		if k.how != "during a snapshot write" {
			// The restart is asserted to restore one: on a slow machine the
			// first (paced, and held open by the pause) may not be done yet.
			waitSnapshotFile(t, dir)
		}
		p.kill(t)
		trickle.Store(false)
		t.Logf("killed wfctl dev %s, after %d creates were done", k.how, dones.get())
		p = startDev(t, bin, append([]string{"--port", port}, devArgs...)...)
		if banner, ok := p.waitStderr("recovered from a snapshot"); !ok {
			t.Errorf("restarted without a snapshot:\n%s", banner)
		}
	}
	<-produced
	ackMu.Lock()
	nAcked := len(acked)
	ackMu.Unlock()
	dones.wait("every acknowledged create done", func() bool { return dones.creates >= nAcked })
	dones.wait("every instance completed", func() bool { return dones.completes >= nAcked })

	// What the clients saw: every acknowledged create done once, ok.
	dones.mu.Lock()
	defer dones.mu.Unlock()
	for id := range acked {
		if dones.status[id] != DoneOK {
			t.Errorf("%s: acknowledged by the broker, done %q", id, dones.status[id])
		}
	}
	for id, n := range dones.count {
		if n != 1 {
			t.Errorf("%s: run %d times", id, n)
		}
	}
	if len(acked) != total {
		t.Errorf("%d of %d creates acknowledged by the broker", len(acked), total)
	}

	// Every command record processed exactly once: one Done marker per
	// offset of wfctl.commands. A rejection is only ever a complete the
	// broker wrote twice (kfake, see requests.go), byte for byte.
	commands := readCommands(t, addr)
	for off := range commands {
		if n := dones.byCommand[fmt.Sprintf("%s/0@%d", TopicCommands, off)]; n != 1 {
			t.Errorf("command at offset %d: %d done markers", off, n)
		}
	}
	if len(dones.byCommand) != len(commands) {
		t.Errorf("%d done markers for %d commands", len(dones.byCommand), len(commands))
	}
	written := map[string]int64{}
	for off := int64(0); off < int64(len(commands)); off++ {
		if _, ok := written[string(commands[off])]; !ok {
			written[string(commands[off])] = off
		}
	}
	for _, where := range dones.rejected {
		var off int64
		fmt.Sscanf(where, TopicCommands+"/0@%d", &off)
		if first := written[string(commands[off])]; first == off {
			t.Errorf("command at %s rejected, and it is no broker duplicate: %s", where, commands[off])
		}
	}

	// What a fresh engine folded from wfctl.records holds: exactly the
	// acknowledged instances, each created once, all completed.
	st := foldRecords(t, addr)
	for id := range acked {
		if n := st.createdBy[id]; n != 1 {
			t.Errorf("%s: %d instances created", id, n)
		}
	}
	if len(st.createdBy) != len(acked) {
		t.Errorf("%d requests created instances, %d acknowledged", len(st.createdBy), len(acked))
	}
	es := st.engine.Stats()
	if es.Created != int64(len(acked)) || es.Completed != int64(len(acked)) || es.Active != 0 {
		t.Errorf("recovered engine: %+v, want %d created and completed", es, len(acked))
	}
	if st.rejected != len(dones.rejected) {
		t.Errorf("%d rejections folded, %d done markers rejected", st.rejected, len(dones.rejected))
	}
	t.Logf("%d instances created and completed across %d kills; %d records folded; "+
		"the broker wrote %d commands twice (%d creates run once, %d completes rejected)",
		es.Created, len(kills), st.records, dones.duplicates+len(dones.rejected), dones.duplicates, len(dones.rejected))
}

// readCommands reads wfctl.commands, by offset.
func readCommands(t *testing.T, addr string) map[int64][]byte {
	t.Helper()
	cfg := &kafka.Config{Brokers: []string{addr}, DialTimeout: 3 * time.Second}
	cl, err := kafka.NewClient(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	out := map[int64][]byte{}
	_, err = kafka.ReadHistory(testContext(t), cl, kafka.History{Topics: []string{TopicCommands}}, func(r *kgo.Record) error {
		v := r.Value
		for _, h := range r.Headers {
			v = append(append(v, 0), h.Value...)
		}
		out[r.Offset] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitOpenTransaction waits until wfctl.records holds records of a
// transaction not committed yet: its high watermark is past its last
// stable offset.
func waitOpenTransaction(t *testing.T, addr string) {
	t.Helper()
	cl := newClient(t, addr, kgo.FetchIsolationLevel(kgo.ReadUncommitted()),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{TopicRecords: {0: kgo.NewOffset().AtEnd()}}))
	defer cl.Close()
	ctx := testContext(t)
	for {
		open := false
		cl.PollFetches(ctx).EachPartition(func(p kgo.FetchTopicPartition) {
			open = open || p.HighWatermark > p.LastStableOffset
		})
		if open {
			return
		}
		if ctx.Err() != nil {
			t.Fatal("no transaction seen open")
		}
	}
}

// buildWfctl builds the wfctl binary, once for the package's tests.
func buildWfctl(t testing.TB) string {
	t.Helper()
	wfctlOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wfctl-dev-test")
		if err != nil {
			wfctlErr = err
			return
		}
		wfctlDir = dir
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "wfctl"), "github.com/wfctl/wfctl/cmd/wfctl").CombinedOutput()
		if err != nil {
			wfctlErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if wfctlErr != nil {
		t.Fatal(wfctlErr)
	}
	return filepath.Join(wfctlDir, "wfctl")
}

var (
	wfctlOnce sync.Once
	wfctlDir  string
	wfctlErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if wfctlDir != "" {
		os.RemoveAll(wfctlDir)
	}
	os.Exit(code)
}

// devProcess is a running `wfctl dev`.
type devProcess struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
	errw   *lockedWriter
	exited chan struct{}
}

// startDev runs `wfctl dev ARGS...` and waits for its ready line.
func startDev(t testing.TB, bin string, args ...string) *devProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"dev"}, args...)...)
	p := &devProcess{cmd: cmd, stderr: &bytes.Buffer{}, exited: make(chan struct{})}
	p.errw = &lockedWriter{w: p.stderr}
	cmd.Stderr = p.errw
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- addr
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.exited })
	select {
	case p.addr = <-ready:
	case <-p.exited:
		t.Fatalf("wfctl dev exited before it was ready: %s", p.stderr)
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		<-p.exited
		t.Fatalf("wfctl dev not ready: %s", p.stderr)
	}
	return p
}

// waitStderr waits up to 10 s for the process to write want to stderr,
// and returns what it wrote.
func (p *devProcess) waitStderr(want string) (string, bool) {
	for deadline := time.Now().Add(10 * time.Second); ; {
		p.errw.mu.Lock()
		got := p.stderr.String()
		p.errw.mu.Unlock()
		if strings.Contains(got, want) || time.Now().After(deadline) {
			return got, strings.Contains(got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitSnapshotWrite waits until the server is writing a snapshot: its
// temporary file exists.
// waitSnapshotFile waits until a snapshot has been written whole.
func waitSnapshotFile(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, SnapshotFileName)
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no snapshot written whole in 40 s")
}

func waitSnapshotWrite(t *testing.T, dir string) {
	t.Helper()
	tmp := filepath.Join(dir, SnapshotFileName+".tmp")
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); {
		if _, err := os.Stat(tmp); err == nil {
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
	t.Fatal("no snapshot written in 40 s")
}

func (p *devProcess) kill(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

func (p *devProcess) stderrBytes() []byte {
	w := p.cmd.Stderr.(*lockedWriter)
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.w.Bytes())
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(b)
}

// doneCounter follows the Done markers on wfctl.records, as clients
// waiting for their requests do.
type doneCounter struct {
	tail
	t *testing.T
	// status and count are per request id, byCommand per command
	// offset; creates and completes count the ok markers of create and
	// complete commands, duplicates those of commands not run again,
	// rejected lists the rejected commands.
	status             map[string]string
	count              map[string]int
	byCommand          map[string]int
	creates, completes int
	duplicates         int
	rejected           []string
}

func newDoneCounter(t *testing.T, addr string) *doneCounter {
	d := &doneCounter{t: t, status: map[string]string{}, count: map[string]int{}, byCommand: map[string]int{}}
	d.follow(t, addr, TopicRecords, d.take)
	return d
}

func (d *doneCounter) take(r *kgo.Record) {
	var req, status string
	for _, h := range r.Headers {
		switch h.Key {
		case HeaderRequest:
			req = string(h.Value)
		case HeaderDone:
			status = string(h.Value)
		}
	}
	if status == "" {
		return
	}
	var done Done
	if err := json.Unmarshal(r.Value, &done); err != nil {
		d.t.Errorf("done marker %d: %v", r.Offset, err)
	}
	d.byCommand[done.Command]++
	switch {
	case done.DuplicateOf != "":
		d.duplicates++
		return
	case status == DoneRejected:
		d.rejected = append(d.rejected, done.Command)
	case strings.HasPrefix(req, "create-"):
		d.creates++
	case req == "": // the worker's completes carry no request id
		d.completes++
	}
	if req != "" {
		d.status[req] = status
		d.count[req]++
	}
}

func (d *doneCounter) get() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.creates
}

func (d *doneCounter) wait(what string, cond func() bool) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !d.until(ctx, cond) {
		d.t.Fatalf("waiting for %s: %v (creates done %d, completes done %d)", what, ctx.Err(), d.creates, d.completes)
	}
}

// folded is the state a fresh engine builds from wfctl.records.
type folded struct {
	engine    *engine.Engine
	createdBy map[string]int // request id → instances created
	rejected  int
	records   int
}

// foldRecords reads wfctl.records from the beginning, read committed,
// and applies every engine record to a fresh engine.
func foldRecords(t *testing.T, addr string) folded {
	t.Helper()
	cfg := &kafka.Config{Brokers: []string{addr}, DialTimeout: 3 * time.Second}
	cl, err := kafka.NewClient(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	st := folded{engine: engine.New(), createdBy: map[string]int{}}
	_, err = kafka.ReadHistory(testContext(t), cl, kafka.History{Topics: []string{TopicRecords}}, func(r *kgo.Record) error {
		if hasHeader(r, HeaderDone) || hasHeader(r, HeaderCheckpoint) || hasHeader(r, HeaderFence) {
			return nil
		}
		var rec engine.Record
		if err := json.Unmarshal(r.Value, &rec); err != nil {
			return fmt.Errorf("%s/%d@%d (headers %v, value %q): %w", r.Topic, r.Partition, r.Offset, r.Headers, r.Value, err)
		}
		st.records++
		if rec.RecordType == engine.RecordRejection {
			st.rejected++
		}
		if rec.ValueType == engine.ValueProcessInstanceCreation && rec.Intent == engine.IntentCreated {
			for _, h := range r.Headers {
				if h.Key == HeaderRequest {
					st.createdBy[string(h.Value)]++
				}
			}
		}
		return st.engine.Apply(rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
