package dev

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// The tests talk to the server as any Kafka client would: over TCP, with
// plain franz-go clients, reading what it wrote. Waits are for conditions
// (a record, a notice), bounded by the test's context.

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	s, err := Start(testContext(t), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newClient is a plain franz-go client, as a user's service would have.
func newClient(t testing.TB, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addr), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.UnknownTopicRetries(-1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func readModel(t testing.TB, name string) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// commandRecord is a command as a client writes it to wfctl.commands.
func commandRecord(t testing.TB, request string, cmd engine.Command) *kgo.Record {
	t.Helper()
	b, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	r := &kgo.Record{Topic: TopicCommands, Value: b}
	if request != "" {
		r.Headers = []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte(request)}}
	}
	return r
}

func deployCommand(name string, src []byte) engine.Command {
	return engine.Command{ValueType: engine.ValueDeployment, Intent: engine.IntentCreate, Key: -1,
		Value: &engine.DeploymentValue{Resources: []engine.Resource{{Name: name, Content: src}}}}
}

func createCommand(processID string, vars map[string]any) engine.Command {
	return engine.Command{ValueType: engine.ValueProcessInstanceCreation, Intent: engine.IntentCreate, Key: -1,
		Value: &engine.ProcessInstanceCreationValue{BPMNProcessID: processID, Version: -1, Variables: vars}}
}

func completeCommand(jobKey int64, vars map[string]any) engine.Command {
	return engine.Command{ValueType: engine.ValueJob, Intent: engine.IntentComplete, Key: jobKey,
		Value: &engine.JobValue{Variables: vars}}
}

func produce(t testing.TB, cl *kgo.Client, recs ...*kgo.Record) {
	t.Helper()
	if err := cl.ProduceSync(testContext(t), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// tail follows partition 0 of a topic from its start, read committed,
// on a goroutine, until stop (at the latest when the test ends): take
// sees each record with mu held, and waiters are woken after each fetch.
type tail struct {
	mu      sync.Mutex
	changed chan struct{}
	stop    func()
}

func (tl *tail) follow(t testing.TB, addr, topic string, take func(*kgo.Record)) {
	tl.changed = make(chan struct{})
	cl := newClient(t, addr, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	var once sync.Once
	tl.stop = func() { once.Do(func() { cancel(); <-stopped; cl.Close() }) }
	t.Cleanup(tl.stop)
	go func() {
		defer close(stopped)
		for ctx.Err() == nil {
			f := cl.PollFetches(ctx)
			tl.mu.Lock()
			f.EachRecord(take)
			close(tl.changed)
			tl.changed = make(chan struct{})
			tl.mu.Unlock()
		}
	}()
}

// until waits until cond, checked with mu held, holds (true) or ctx
// ends (false).
func (tl *tail) until(ctx context.Context, cond func() bool) bool {
	for {
		tl.mu.Lock()
		ok, changed := cond(), tl.changed
		tl.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
	}
}

// logReader follows wfctl.records and groups what it reads by request
// id.
type logReader struct {
	tail
	t         testing.TB
	byRequest map[string][]engine.Record
	done      map[string]Done
	bySource  map[string][]engine.Record
	all       []engine.Record
}

func newLogReader(t testing.TB, addr string) *logReader {
	l := &logReader{t: t, byRequest: map[string][]engine.Record{}, done: map[string]Done{},
		bySource: map[string][]engine.Record{}}
	l.follow(t, addr, TopicRecords, l.take)
	return l
}

func (l *logReader) take(r *kgo.Record) {
	var req, source, done string
	for _, h := range r.Headers {
		switch h.Key {
		case HeaderRequest:
			req = string(h.Value)
		case HeaderSource:
			source = string(h.Value)
		case HeaderDone:
			done = string(h.Value)
		case HeaderCheckpoint, HeaderFence:
			return
		}
	}
	if done != "" {
		var d Done
		if err := json.Unmarshal(r.Value, &d); err != nil {
			l.t.Errorf("done marker %d: %v", r.Offset, err)
		}
		if d.Status != done {
			l.t.Errorf("done marker %d: header %q, value %+v", r.Offset, done, d)
		}
		l.done[req] = d
		return
	}
	var rec engine.Record
	if err := json.Unmarshal(r.Value, &rec); err != nil {
		l.t.Errorf("record %d: %v", r.Offset, err)
		return
	}
	l.all = append(l.all, rec)
	if req != "" {
		l.byRequest[req] = append(l.byRequest[req], rec)
	}
	if source != "" {
		l.bySource[source] = append(l.bySource[source], rec)
	}
}

// wait waits until cond holds for what was read.
func (l *logReader) wait(what string, cond func() bool) {
	l.t.Helper()
	ctx := testContext(l.t)
	if !l.until(ctx, cond) {
		l.t.Fatalf("waiting for %s: %v", what, ctx.Err())
	}
}

// request waits for a request's Done marker and returns it with the
// request's records.
func (l *logReader) request(id string) (Done, []engine.Record) {
	l.t.Helper()
	l.wait("request "+id, func() bool { _, ok := l.done[id]; return ok })
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.done[id], l.byRequest[id]
}

func is(vt engine.ValueType, in engine.Intent) func(engine.Record) bool {
	return func(r engine.Record) bool {
		return r.RecordType == engine.RecordEvent && r.ValueType == vt && r.Intent == in
	}
}

// count counts the records with a value type and intent.
func count(recs []engine.Record, vt engine.ValueType, in engine.Intent) int {
	n := 0
	for _, r := range recs {
		if is(vt, in)(r) {
			n++
		}
	}
	return n
}

// processCompleted matches the completion of a process instance.
func processCompleted(r engine.Record) bool {
	v, ok := r.Value.(*engine.ProcessInstanceValue)
	return ok && is(engine.ValueProcessInstance, engine.IntentElementCompleted)(r) && v.BPMNElementType == engine.ElementProcess
}

// jobReader follows wfctl.jobs.
type jobReader struct {
	tail
	t    testing.TB
	jobs []Job
}

func newJobReader(t testing.TB, addr string) *jobReader {
	j := &jobReader{t: t}
	j.follow(t, addr, TopicJobs, func(r *kgo.Record) {
		var job Job
		if err := json.Unmarshal(r.Value, &job); err != nil {
			t.Errorf("job %d: %v", r.Offset, err)
		}
		if string(r.Key) != job.Type {
			t.Errorf("job %d: key %q, type %q", r.Offset, r.Key, job.Type)
		}
		j.jobs = append(j.jobs, job)
	})
	return j
}

// nth waits for the n-th job (counting from 1).
func (j *jobReader) nth(n int) Job {
	j.t.Helper()
	ctx := testContext(j.t)
	if !j.until(ctx, func() bool { return len(j.jobs) >= n }) {
		j.t.Fatalf("waiting for job %d: %v", n, ctx.Err())
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.jobs[n-1]
}

func reqID(prefix string, i int) string { return prefix + "-" + strconv.Itoa(i) }

func itoa(n int32) string   { return strconv.Itoa(int(n)) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
