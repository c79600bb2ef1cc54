package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/ui"
)

// The files the table's cases use.
const (
	tableModel    = "testdata/table/engine.bpmn" // processes work, parent and by-message; no diagram
	orderModel    = "../../fixtures/orders/order-fulfillment.bpmn"
	paymentModel  = "../../fixtures/orders/payment.bpmn"
	invalidModel  = "../../fixtures/engine/invalid.bpmn" // an engine-rule error: neither validates nor deploys
	discountModel = "../../fixtures/engine/discount.dmn" // tier fails (UNIQUE) at exactly 10 orders
)

// maxDocument is the engine's --max-document-size here: small, so that
// a variable document over it is quick to send.
const maxDocument = 32 << 10

// traceStart is when the order history on traceTopic begins: o-old is
// placed 72 hours before it (stalled as of then), o-1 at it.
var traceStart = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

const traceTopic = "table-orders"

// scene is a wfctl dev engine and what the cases set up on it: the
// state is built as cases ask for it, each piece once where it can be
// shared.
type scene struct {
	ctx    context.Context
	addr   string
	dir    string // the commands' working folder
	config string // XDG_CONFIG_HOME: profiles
	client *devclient.Client
	kafka  *kgo.Client
	// traceClock is what a followed trace sees as the wall clock.
	traceClock *fakeClock

	once  map[string]bool
	stuck stuckJob
	// printed counts the JSON values of "command -o format" checked.
	printed map[string]int
}

// stuckJob is a job failed with no retries left, and its incident: what
// the engine refuses to complete, fail or throw from, or to resolve.
type stuckJob struct{ job, incident int64 }

func newScene(t *testing.T) *scene {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	srv, err := dev.Start(ctx, dev.Options{Listen: "127.0.0.1:0", Limits: dev.Limits{Document: maxDocument}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := &kafka.Config{Brokers: []string{srv.Addr()}, DialTimeout: kafka.DefaultDialTimeout}
	cl, err := kafka.NewClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	dc := devclient.New(cl, cfg)
	t.Cleanup(dc.Close)
	return &scene{ctx: ctx, addr: srv.Addr(), dir: t.TempDir(), config: t.TempDir(), client: dc, kafka: cl,
		traceClock: &fakeClock{now: traceStart}, once: map[string]bool{}, printed: map[string]int{}}
}

// factory is what a command of the scene gets: its streams, the wall
// clock (now, else the real one), and the scene's config folder.
func (s *scene) factory(out, errOut io.Writer, now func() time.Time) *Factory {
	if out == nil {
		out, errOut = io.Discard, io.Discard
	}
	if now == nil {
		now = time.Now
	}
	env := map[string]string{"XDG_CONFIG_HOME": s.config}
	return &Factory{
		IO:      &ui.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, Color: ui.ColorAuto},
		Getenv:  func(k string) string { return env[k] },
		Now:     now,
		WorkDir: s.dir,
		Build:   BuildInfo{Version: "1.2.3", Commit: "abc", Date: "2026-01-01"},
	}
}

// first reports whether this is the first time name is asked for.
func (s *scene) first(name string) bool {
	if s.once[name] {
		return false
	}
	s.once[name] = true
	return true
}

// path is a file of the repository, absolute: commands run in s.dir.
func path(t *testing.T, rel string) string {
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// deploy deploys the table's model and the discount decisions, once.
func (s *scene) deploy(t *testing.T) {
	if !s.first("deploy") {
		return
	}
	var rs []engine.Resource
	for _, f := range []string{tableModel, discountModel} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, engine.Resource{Name: filepath.Base(f), Content: src})
	}
	if _, err := s.client.DeployResources(s.ctx, rs...); err != nil {
		t.Fatal(err)
	}
}

// instance starts an instance of a process of the table's model.
func (s *scene) instance(t *testing.T, process string) int64 {
	s.deploy(t)
	created, err := s.client.CreateInstance(s.ctx, process, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return created.Key
}

// job is an activated job of type table-work, of a new instance of work.
func (s *scene) job(t *testing.T) engine.ActivatedJob {
	s.instance(t, "work")
	jobs, err := s.client.ActivateJobs(s.ctx, engine.JobRequest{Type: "table-work", Worker: "table", MaxJobs: 1, Timeout: time.Hour})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("activating a table-work job: %v (%d jobs)", err, len(jobs))
	}
	return jobs[0]
}

// failedJob is a job failed with no retries left, and its incident.
func (s *scene) failedJob(t *testing.T) stuckJob {
	j := s.job(t)
	if err := s.client.FailJob(s.ctx, j.Key, 0, 0, "table: no retries"); err != nil {
		t.Fatal(err)
	}
	d, err := s.client.Instance(s.ctx, j.ProcessInstanceKey)
	if err != nil || len(d.Incidents) != 1 {
		t.Fatalf("the incident of job %d: %v (%+v)", j.Key, err, d)
	}
	return stuckJob{job: j.Key, incident: d.Incidents[0].Key}
}

// stuckJob is one failed job, for every case that needs one: the engine
// refuses what is tried on it, and so it stays as it is.
func (s *scene) stuckJob(t *testing.T) stuckJob {
	if s.first("stuck") {
		s.stuck = s.failedJob(t)
	}
	return s.stuck
}

// resolvableIncident is the incident of a failed job given retries back.
func (s *scene) resolvableIncident(t *testing.T) int64 {
	f := s.failedJob(t)
	if err := s.client.UpdateRetries(s.ctx, f.job, 1); err != nil {
		t.Fatal(err)
	}
	return f.incident
}

// child is an instance of work called by an instance of parent.
func (s *scene) child(t *testing.T) int64 {
	s.deploy(t)
	resp, err := s.client.Do(s.ctx, engine.CreateInstanceCommand("parent", -1, nil), "parent")
	if err != nil || resp.Rejected {
		t.Fatalf("creating a parent instance: %v %s", err, resp.Reason)
	}
	for _, r := range resp.Records {
		if v, ok := r.Value.(*engine.ProcessInstanceValue); ok && r.IsEvent() && v.ParentProcessInstanceKey > 0 &&
			v.BPMNElementType == engine.ElementProcess && r.Intent == engine.IntentElementActivated {
			return r.Key
		}
	}
	t.Fatal("a parent instance without a child")
	return 0
}

// clockAhead is an RFC 3339 time a minute after the engine's clock.
func (s *scene) clockAhead(t *testing.T) string {
	resp, err := s.client.Clock(s.ctx, devproto.ClockShow, devproto.ClockCommandValue{})
	if err != nil || resp.Done.Clock == nil {
		t.Fatalf("clock show: %v %+v", err, resp)
	}
	return time.UnixMilli(resp.Done.Clock.Time + time.Minute.Milliseconds()).UTC().Format(time.RFC3339Nano)
}

// pinAtTheEnd pins the engine's clock a day before it ends (9999), where
// no clock add of two days fits. The clock never goes back: the case
// that needs this runs last.
func (s *scene) pinAtTheEnd(t *testing.T) {
	end := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMilli()
	resp, err := s.client.Clock(s.ctx, devproto.ClockPin, devproto.ClockCommandValue{Time: end})
	if err != nil || resp.Rejected {
		t.Fatalf("clock pin: %v %+v", err, resp)
	}
}

// publishedOnce publishes message M with id table-dup once (buffered for
// an hour), so that publishing it again is refused.
func (s *scene) publishedOnce(t *testing.T) {
	if !s.first("published") {
		return
	}
	m := engine.Message{Name: "M", CorrelationKey: "k", TTL: time.Hour, MessageID: "table-dup"}
	if _, err := s.client.PublishMessage(s.ctx, m); err != nil {
		t.Fatal(err)
	}
}

// file writes a file into the commands' folder and returns its path.
func (s *scene) file(t *testing.T, name, content string) string {
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bigVariables is a variable document over the engine's limit.
func (s *scene) bigVariables(t *testing.T) string {
	return s.file(t, "big.json", `{"blob": "`+strings.Repeat("x", maxDocument+1)+`"}`)
}

// profile creates a profile, as profile create does.
func (s *scene) profile(t *testing.T, name string) {
	if code := Main(s.ctx, []string{"profile", "create", name, "-b", s.addr, "--force"}, s.factory(nil, nil, nil)); code != ExitOK {
		t.Fatalf("profile create %s: exit %d", name, code)
	}
}

// orderHistory writes, once, an order history to traceTopic: o-old
// placed 72 hours before traceStart, o-1 at it; both wait for payment.
func (s *scene) orderHistory(t *testing.T) {
	if !s.first("orders") {
		return
	}
	cfg := &kafka.Config{Brokers: []string{s.addr}, DialTimeout: kafka.DefaultDialTimeout}
	if _, err := kafka.EnsureTopic(s.ctx, s.kafka, cfg, traceTopic, 1); err != nil {
		t.Fatal(err)
	}
	placed := func(id string, at time.Time) *kgo.Record {
		return &kgo.Record{Topic: traceTopic, Key: []byte(id), Timestamp: at, Value: []byte(`{"type":"OrderPlaced","orderId":"` + id + `"}`)}
	}
	if err := kafka.ProduceAll(s.ctx, s.kafka, cfg, []*kgo.Record{placed("o-old", traceStart.Add(-72*time.Hour)), placed("o-1", traceStart)}); err != nil {
		t.Fatal(err)
	}
}

// fakeClock is a wall clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// syncBuffer is an output a running command writes while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
