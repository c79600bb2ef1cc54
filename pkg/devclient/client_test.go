package devclient_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// The client is tested against a real wfctl dev server, in this process,
// over TCP on loopback: no mocks of the broker or of the engine.

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startDev starts a wfctl dev server in memory on a free port.
func startDev(t *testing.T) *dev.Server {
	t.Helper()
	s, err := dev.Start(testContext(t), dev.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("dev.Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newClient connects a client to the broker at addr, as the CLI does.
func newClient(t *testing.T, addr string) *devclient.Client {
	t.Helper()
	cfg := &kafka.Config{Brokers: []string{addr}, DialTimeout: kafka.DefaultDialTimeout}
	cl, err := kafka.NewClient(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return devclient.New(cl, cfg)
}

func deployCommand(t *testing.T) engine.Command {
	t.Helper()
	src, err := os.ReadFile("../../fixtures/orders/payment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	return engine.Command{ValueType: engine.ValueDeployment, Intent: engine.IntentCreate, Key: -1,
		Value: &engine.DeploymentValue{Resources: []engine.Resource{{Name: "payment.bpmn", Content: src}}}}
}

func createCommand(processID string) engine.Command {
	return engine.Command{ValueType: engine.ValueProcessInstanceCreation, Intent: engine.IntentCreate, Key: -1,
		Value: &engine.ProcessInstanceCreationValue{BPMNProcessID: processID, Version: -1, Variables: map[string]any{"amount": 42}}}
}

// do sends a command that must not be rejected.
func do(t *testing.T, c *devclient.Client, cmd engine.Command) *devclient.Response {
	t.Helper()
	resp, err := c.Do(testContext(t), cmd, "k")
	if err != nil {
		t.Fatalf("Do %s %s: %v", cmd.ValueType, cmd.Intent, err)
	}
	if resp.Rejected {
		t.Fatalf("Do %s %s: rejected: %s", cmd.ValueType, cmd.Intent, resp.Reason)
	}
	return resp
}

func events(recs []engine.Record, vt engine.ValueType, in engine.Intent) []engine.Record {
	var out []engine.Record
	for _, r := range recs {
		if r.IsEvent() && r.ValueType == vt && r.Intent == in {
			out = append(out, r)
		}
	}
	return out
}

var requestID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// TestDo: a command's response holds the records it caused, in order,
// and its Done marker; each command gets its own request id.
func TestDo(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	deploy := do(t, c, deployCommand(t))
	if !requestID.MatchString(deploy.Request) || deploy.Done.Status != devproto.DoneOK || deploy.Reason != "" {
		t.Errorf("deploy: request %q, done %+v, reason %q", deploy.Request, deploy.Done, deploy.Reason)
	}
	if len(deploy.Records) == 0 || deploy.Records[0].RecordType != engine.RecordCommand || deploy.Done.Position != deploy.Records[0].Position {
		t.Fatalf("deploy: the command's record first, at the Done marker's position %d: %+v", deploy.Done.Position, deploy.Records)
	}
	procs := events(deploy.Records, engine.ValueProcess, engine.IntentCreated)
	if len(procs) != 1 || procs[0].Value.(*engine.ProcessValue).BPMNProcessID != "payment" {
		t.Errorf("deploy: process events %+v", procs)
	}
	for i := 1; i < len(deploy.Records); i++ {
		if deploy.Records[i].Position <= deploy.Records[i-1].Position {
			t.Errorf("deploy: records out of order at %d", i)
		}
	}

	create := do(t, c, createCommand("payment"))
	if create.Request == deploy.Request {
		t.Errorf("two commands, one request id %s", create.Request)
	}
	if len(events(create.Records, engine.ValueProcessInstanceCreation, engine.IntentCreated)) != 1 ||
		len(events(create.Records, engine.ValueJob, engine.IntentCreated)) != 1 {
		t.Errorf("create: %d records, no instance or no job", len(create.Records))
	}
}

// TestDoRejected: a command the engine rejects is answered, not failed:
// Rejected with the engine's reason, its rejection record among the
// records, a rejected Done marker.
func TestDoRejected(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	resp, err := c.Do(testContext(t), createCommand("nope"), "k")
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Rejected || resp.Done.Status != devproto.DoneRejected ||
		!strings.HasPrefix(resp.Reason, "Expected to find process definition with process ID 'nope'") {
		t.Fatalf("rejected %v, reason %q, done %+v", resp.Rejected, resp.Reason, resp.Done)
	}
	var rejections int
	for _, r := range resp.Records {
		if r.RecordType == engine.RecordRejection {
			rejections++
		}
	}
	if rejections != 1 {
		t.Errorf("%d rejection records, want 1: %+v", rejections, resp.Records)
	}
}

// TestDoRejectedBeforeTheEngine: a command the server refuses before the
// engine runs it (here a raw CLOCK TICK ahead of the dev clock) has no
// records; the reason is the Done marker's. Clock commands answer with
// the clock in the Done marker.
func TestDoRejectedBeforeTheEngine(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	future := time.Now().AddDate(1, 0, 0).UnixMilli()
	resp, err := c.Do(testContext(t), engine.Command{ValueType: engine.ValueClock, Intent: engine.IntentTick, Key: -1,
		Value: &engine.ClockValue{Time: future}}, "clock")
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Rejected || len(resp.Records) != 0 || resp.Reason == "" || resp.Reason != resp.Done.Reason ||
		!strings.Contains(resp.Reason, "ahead of the dev clock") {
		t.Fatalf("rejected %v, %d records, reason %q, done %+v", resp.Rejected, len(resp.Records), resp.Reason, resp.Done)
	}

	add, err := c.Clock(testContext(t), devproto.ClockAdd, devproto.ClockCommandValue{Offset: time.Hour.Milliseconds()})
	if err != nil || add.Rejected {
		t.Fatalf("clock add: %v, %+v", err, add)
	}
	if add.Done.Clock == nil || add.Done.Clock.Offset != time.Hour.Milliseconds() || add.Done.Clock.Time < add.Done.Clock.Wall+time.Hour.Milliseconds() {
		t.Errorf("clock add: the Done marker's clock %+v", add.Done.Clock)
	}
}

// TestSend: Send returns once the command is written, with a fresh
// request id that the command's records carry on wfctl.records.
func TestSend(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	do(t, c, deployCommand(t))
	first, err := c.Send(testContext(t), createCommand("payment"), "k")
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Send(testContext(t), createCommand("payment"), "k")
	if err != nil {
		t.Fatal(err)
	}
	if !requestID.MatchString(first) || first == second {
		t.Fatalf("request ids %q, %q", first, second)
	}
	created := map[string]int{}
	err = c.Records(testContext(t), true, func(rec engine.Record, r *kgo.Record) (bool, error) {
		if rec.IsEvent() && rec.ValueType == engine.ValueProcessInstanceCreation && rec.Intent == engine.IntentCreated {
			created[header(r, devproto.HeaderRequest)]++
		}
		return created[first] == 1 && created[second] == 1, nil
	})
	if err != nil || len(created) != 2 {
		t.Fatalf("following wfctl.records: %v, instances created by request %v", err, created)
	}
}

// TestRecords: Records reads the engine's records from the beginning to
// the end as it was when called (Done markers and checkpoints left out),
// or until fn says stop.
func TestRecords(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	deploy := do(t, c, deployCommand(t))
	create := do(t, c, createCommand("payment"))
	var all []engine.Record
	err := c.Records(testContext(t), false, func(rec engine.Record, r *kgo.Record) (bool, error) {
		if header(r, devproto.HeaderDone) != "" || header(r, devproto.HeaderCheckpoint) != "" {
			t.Errorf("a Done marker or checkpoint at offset %d", r.Offset)
		}
		all = append(all, rec)
		return false, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	last := create.Records[len(create.Records)-1].Position
	if len(all) == 0 || all[0].Position > deploy.Records[0].Position || all[len(all)-1].Position < last {
		t.Fatalf("%d records, want from %d to at least %d", len(all), deploy.Records[0].Position, last)
	}

	n := 0
	err = c.Records(testContext(t), false, func(engine.Record, *kgo.Record) (bool, error) { n++; return n == 3, nil })
	if err != nil || n != 3 {
		t.Errorf("stopping at the third record: %v after %d", err, n)
	}
	boom := errors.New("boom")
	err = c.Records(testContext(t), false, func(engine.Record, *kgo.Record) (bool, error) { return false, boom })
	if !errors.Is(err, boom) {
		t.Errorf("fn's error: got %v", err)
	}
}

// TestState: State is the fold of wfctl.records: what the engine knows
// now, to query.
func TestState(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	do(t, c, deployCommand(t))
	create := do(t, c, createCommand("payment"))
	pi := events(create.Records, engine.ValueProcessInstanceCreation, engine.IntentCreated)[0].Value.(*engine.ProcessInstanceCreationValue).ProcessInstanceKey
	eng, err := c.State(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if ps := eng.Processes(); len(ps) != 1 || ps[0].BPMNProcessID != "payment" {
		t.Errorf("processes: %+v", ps)
	}
	info, ok := eng.Instance(pi)
	if !ok || info.BPMNProcessID != "payment" {
		t.Fatalf("instance %d: %+v, %v", pi, info, ok)
	}
	if jobs := eng.Jobs(pi); len(jobs) != 1 || jobs[0].Type != "charge-card" {
		t.Errorf("jobs: %+v", jobs)
	}
	if vars := eng.Variables(pi); vars["amount"] == nil {
		t.Errorf("variables: %v", vars)
	}
}

// TestNoEngine: a broker without wfctl dev's topics, and one with the
// topics but no engine answering, are both ErrNoEngine, saying what to
// do; Records on a broker without wfctl.records says the topic is not
// there.
func TestNoEngine(t *testing.T) {
	b, err := broker.Start(testContext(t), broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	c := newClient(t, b.Addr())

	_, err = c.Do(testContext(t), createCommand("payment"), "k")
	if !errors.Is(err, devclient.ErrNoEngine) || !strings.Contains(err.Error(), "start `wfctl dev` first") {
		t.Errorf("no topics: %v", err)
	}
	if err := c.Records(testContext(t), false, func(engine.Record, *kgo.Record) (bool, error) { return false, nil }); !errors.Is(err, kafka.ErrTopicNotFound) {
		t.Errorf("Records, no topics: %v", err)
	}

	// The topics, as a wfctl dev that stopped leaves them: nobody answers.
	admin := kadm.NewClient(newKgo(t, b.Addr()))
	created, err := admin.CreateTopics(testContext(t), 1, 1, nil, devproto.TopicCommands, devproto.TopicRecords)
	if err == nil {
		err = created.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	c = newClient(t, b.Addr()) // a new command, as the CLI runs one
	c.Timeout = 500 * time.Millisecond
	_, err = c.Do(testContext(t), createCommand("payment"), "k")
	if !errors.Is(err, devclient.ErrNoEngine) || !strings.Contains(err.Error(), "within 500ms") || !strings.Contains(err.Error(), b.Addr()) {
		t.Errorf("no engine: %v", err)
	}
}

func newKgo(t *testing.T, addr string) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// TestDoShared: many goroutines send commands through the one shared
// reader at once: each gets its own records and Done marker (a create
// its instance, a bad create its rejection), none waits for another's.
// Queries answer from the engine's state.
func TestDoShared(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	defer c.Close()
	do(t, c, deployCommand(t))
	const n = 40
	resps := make([]*devclient.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := createCommand("payment")
			if i%10 == 9 {
				cmd = createCommand("nope")
			}
			resps[i], errs[i] = c.DoShared(testContext(t), cmd, "k")
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("%d: %v", i, errs[i])
		}
		r := resps[i]
		if i%10 == 9 {
			if !r.Rejected || !strings.Contains(r.Reason, "nope") {
				t.Errorf("%d: a create of nope: %+v", i, r)
			}
			continue
		}
		created := events(r.Records, engine.ValueProcessInstanceCreation, engine.IntentCreated)
		if r.Rejected || len(created) != 1 {
			t.Fatalf("%d: %+v", i, r)
		}
		key := created[0].Value.(*engine.ProcessInstanceCreationValue).ProcessInstanceKey
		if seen[key] {
			t.Errorf("%d: instance %d answered twice", i, key)
		}
		seen[key] = true
	}
	list, err := c.Instances(testContext(t), devproto.InstanceQuery{ProcessID: "payment", State: "active"})
	if err != nil || list.Total != n-n/10 {
		t.Fatalf("instances: %+v %v", list, err)
	}
	st, err := c.Status(testContext(t))
	if err != nil || st.Active != int64(n-n/10) || len(st.Processes) != 1 {
		t.Fatalf("status: %+v %v", st, err)
	}
}

// TestTypedOps drives an instance through the typed operations only:
// deploy, create, activate, fail out of retries (an incident), retries
// back, resolve, set variables, complete; a second one is cancelled; a
// message is published; what the engine refuses is a *RejectedError.
func TestTypedOps(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	defer c.Close()
	ctx := testContext(t)
	procs, err := c.Deploy(ctx, deployCommand(t).Value.(*engine.DeploymentValue).Resources...)
	if err != nil || len(procs) != 1 || procs[0].BPMNProcessID != "payment" || procs[0].Version != 1 {
		t.Fatalf("deploy: %+v %v", procs, err)
	}
	created, err := c.CreateInstance(ctx, "payment", -1, map[string]any{"amount": 7})
	if err != nil || created.Key == 0 || created.ProcessID != "payment" {
		t.Fatalf("create: %+v %v", created, err)
	}
	jobs, err := c.ActivateJobs(ctx, engine.JobRequest{Type: "charge-card", Worker: "test", MaxJobs: 5, Timeout: time.Minute})
	if err != nil || len(jobs) != 1 || fmt.Sprint(jobs[0].Variables["amount"]) != "7" {
		t.Fatalf("activate: %+v %v", jobs, err)
	}
	job := jobs[0].Key
	if err := c.FailJob(ctx, job, 0, 0, "card declined"); err != nil {
		t.Fatal(err)
	}
	d, err := c.Instance(ctx, created.Key)
	if err != nil || len(d.Incidents) != 1 || d.Incidents[0].JobKey != job {
		t.Fatalf("incident: %+v %v", d, err)
	}
	if err := c.UpdateRetries(ctx, job, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.ResolveIncident(ctx, d.Incidents[0].Key); err != nil {
		t.Fatal(err)
	}
	if err := c.SetVariables(ctx, created.Key, map[string]any{"note": "retried"}, false); err != nil {
		t.Fatal(err)
	}
	if jobs, err = c.ActivateJobs(ctx, engine.JobRequest{Type: "charge-card", Worker: "test", MaxJobs: 5, Timeout: time.Minute}); err != nil || len(jobs) != 1 ||
		jobs[0].Variables["note"] != "retried" {
		t.Fatalf("activate again: %+v %v", jobs, err)
	}
	if err := c.CompleteJob(ctx, job, map[string]any{"charged": true}); err != nil {
		t.Fatal(err)
	}
	if d, err = c.Instance(ctx, created.Key); err != nil || d.State != "completed" {
		t.Fatalf("after complete: %+v %v", d, err)
	}
	var rej *devclient.RejectedError
	if err := c.CompleteJob(ctx, job, nil); !errors.As(err, &rej) || !strings.Contains(rej.Reason, "no such job") && rej.Reason == "" {
		t.Errorf("complete twice: %v", err)
	}
	second, err := c.CreateInstance(ctx, "payment", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CancelInstance(ctx, second.Key); err != nil {
		t.Fatal(err)
	}
	p, err := c.PublishMessage(ctx, engine.Message{Name: "Nobody", CorrelationKey: "k"})
	if err != nil || p.MessageKey == 0 || p.Correlated != 0 || p.Started != 0 {
		t.Fatalf("publish: %+v %v", p, err)
	}
	if _, err := c.CreateInstance(ctx, "nope", -1, nil); !errors.As(err, &rej) {
		t.Errorf("create nope: %v", err)
	}
}

// TestWorker: Worker runs a handler for every job, at most Concurrency
// at once, completes them with the handler's variables, fails a job whose
// handler errs (one retry fewer), and returns nil once ctx ends.
func TestWorker(t *testing.T) {
	c := newClient(t, startDev(t).Addr())
	defer c.Close()
	ctx := testContext(t)
	if _, err := c.Deploy(ctx, deployCommand(t).Value.(*engine.DeploymentValue).Resources...); err != nil {
		t.Fatal(err)
	}
	const n = 60
	for range n {
		if _, err := c.CreateInstance(ctx, "payment", -1, map[string]any{"amount": 1}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	running, most, handled := 0, 0, map[int64]int{}
	failedOnce := map[int64]bool{}
	wctx, stop := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- c.Worker(wctx, devclient.WorkerOptions{Type: "charge-card", Name: "test", Concurrency: 4, MaxJobsActive: 16, Timeout: time.Minute},
			func(_ context.Context, job devproto.Job) (map[string]any, error) {
				mu.Lock()
				running++
				most = max(most, running)
				handled[job.Key]++
				fail := job.Key%7 == 0 && !failedOnce[job.Key]
				failedOnce[job.Key] = failedOnce[job.Key] || fail
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
				mu.Lock()
				running--
				mu.Unlock()
				if fail {
					return nil, errors.New("try again")
				}
				return map[string]any{"charged": true}, nil
			}, devclient.WorkerEvents{})
	}()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := c.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Completed == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all completed: %+v", st)
		}
	}
	stop()
	if err := <-errc; err != nil {
		t.Fatalf("worker: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if most > 4 || most < 2 {
		t.Errorf("%d handlers at once, want 2 to 4", most)
	}
	for key, times := range handled {
		if want := 1 + map[bool]int{true: 1}[failedOnce[key]]; times != want {
			t.Errorf("job %d handled %d times, want %d", key, times, want)
		}
	}
	if len(handled) != n {
		t.Errorf("%d jobs handled, want %d", len(handled), n)
	}
}
