package dev

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/engine"
)

// notices collects a server's notices for a test to wait on.
type notices struct {
	mu      sync.Mutex
	all     []Notice
	changed chan struct{}
}

func newNotices() *notices { return &notices{changed: make(chan struct{})} }

func (n *notices) notify(x Notice) {
	n.mu.Lock()
	n.all = append(n.all, x)
	close(n.changed)
	n.changed = make(chan struct{})
	n.mu.Unlock()
}

// wait waits for a notice that matches and returns it.
func (n *notices) wait(t *testing.T, what string, match func(Notice) bool) Notice {
	t.Helper()
	ctx := testContext(t)
	seen := 0
	for {
		n.mu.Lock()
		for ; seen < len(n.all); seen++ {
			if match(n.all[seen]) {
				x := n.all[seen]
				n.mu.Unlock()
				return x
			}
		}
		ch := n.changed
		n.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
}

func (n *notices) count(match func(Notice) bool) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, x := range n.all {
		if match(x) {
			c++
		}
	}
	return c
}

func kindIs(k NoticeKind, model string) func(Notice) bool {
	return func(n Notice) bool { return n.Kind == k && n.Model == model }
}

// TestModelsFolder: the models of the folder are deployed at start (an
// invalid one is reported with its diagnostics, and blocks no other), a
// changed model is deployed again after the debounce, a fixed invalid
// one too, and a restart finds the deployed models unchanged.
func TestModelsFolder(t *testing.T) {
	models, data := t.TempDir(), t.TempDir()
	writeModel(t, models, "order.bpmn", readModel(t, "order.bpmn"))
	writeModel(t, models, "sub/broken.bpmn", readModel(t, "invalid.bpmn"))
	writeModel(t, models, ".hidden/skipped.bpmn", readModel(t, "work.bpmn"))
	n := newNotices()
	s := startServer(t, Options{ModelsDir: models, DataDir: data, Notify: n.notify})

	// Start: deployed before Start returned.
	dep := n.wait(t, "order.bpmn deployed", kindIs(ModelDeployed, "order.bpmn"))
	if len(dep.Processes) != 1 || dep.Processes[0].BPMNProcessID != "order" || dep.Processes[0].Version != 1 {
		t.Fatalf("deployed: %+v", dep)
	}
	rej := n.wait(t, "broken.bpmn rejected", kindIs(ModelRejected, "sub/broken.bpmn"))
	if !strings.Contains(rej.Message, "sub/broken.bpmn:7:5") {
		t.Errorf("diagnostics: %s", rej.Message)
	}
	if got := s.DomainTopics(); len(got) != 1 || got[0] != "payments" {
		t.Errorf("domain topics: %v", got)
	}
	if n.count(func(x Notice) bool { return strings.Contains(x.Model, "skipped") }) != 0 {
		t.Error("a model in a hidden folder was deployed")
	}

	// A change: version 2; the fixed model: deployed.
	changed := strings.Replace(string(readModel(t, "order.bpmn")), `name="Charge card"`, `name="Charge the card"`, 1)
	writeModel(t, models, "order.bpmn", []byte(changed))
	writeModel(t, models, "sub/broken.bpmn", readModel(t, "work.bpmn"))
	dep = n.wait(t, "order.bpmn deployed again", func(x Notice) bool {
		return x.Kind == ModelDeployed && x.Model == "order.bpmn" && x.Processes[0].Version == 2
	})
	n.wait(t, "the fixed model deployed", kindIs(ModelDeployed, "sub/broken.bpmn"))
	inspect(t, s, func(e *engine.Engine) {
		if ps := e.Processes(); len(ps) != 3 {
			t.Errorf("processes: %+v", ps)
		}
	})
	if n.count(kindIs(ModelDeployed, "order.bpmn")) != 2 {
		t.Errorf("order.bpmn deployed %d times", n.count(kindIs(ModelDeployed, "order.bpmn")))
	}

	// A restart: the same files are duplicates.
	s.Close()
	n2 := newNotices()
	startServer(t, Options{ModelsDir: models, DataDir: data, Notify: n2.notify})
	un := n2.wait(t, "order.bpmn unchanged", kindIs(ModelUnchanged, "order.bpmn"))
	if !un.Processes[0].Duplicate || un.Processes[0].Version != 2 {
		t.Errorf("after the restart: %+v", un)
	}
}

// TestModelsGate: a model the gate refuses is not deployed (nothing is
// written for it) and blocks no other; the gate's diagnostics are in the
// notices, of a refused model and of a deployed one (warnings); a model
// fixed on disk passes the next time.
func TestModelsGate(t *testing.T) {
	models := t.TempDir()
	writeModel(t, models, "order.bpmn", readModel(t, "order.bpmn"))
	writeModel(t, models, "sub/refused.bpmn", readModel(t, "work.bpmn"))
	var judged []string
	gate := func(model string, content []byte) (string, bool) {
		judged = append(judged, model)
		if strings.Contains(string(content), `id="work"`) {
			return model + ":1:1: error: refused by the test's gate", false
		}
		return model + ": a warning", true
	}
	n := newNotices()
	s := startServer(t, Options{ModelsDir: models, Gate: gate, Notify: n.notify})
	log := newLogReader(t, s.Addr())

	dep := n.wait(t, "order.bpmn deployed", kindIs(ModelDeployed, "order.bpmn"))
	if dep.Message != "order.bpmn: a warning" {
		t.Errorf("the deployed model's diagnostics: %q", dep.Message)
	}
	rej := n.wait(t, "refused.bpmn refused", kindIs(ModelRejected, "sub/refused.bpmn"))
	if rej.Message != "sub/refused.bpmn:1:1: error: refused by the test's gate" || len(rej.Processes) != 0 {
		t.Errorf("refused: %+v", rej)
	}
	log.request("wfctl-dev:models/order.bpmn")
	inspect(t, s, func(e *engine.Engine) {
		if ps := e.Processes(); len(ps) != 1 || ps[0].BPMNProcessID != "order" {
			t.Errorf("processes: %+v", ps)
		}
	})
	log.mu.Lock()
	if _, ok := log.done["wfctl-dev:models/sub/refused.bpmn"]; ok {
		t.Errorf("the refused model has a Done marker: it reached the engine")
	}
	log.mu.Unlock()

	changed := strings.Replace(string(readModel(t, "work.bpmn")), `id="work"`, `id="work-fixed"`, 1)
	writeModel(t, models, "sub/refused.bpmn", []byte(changed))
	n.wait(t, "the fixed model deployed", kindIs(ModelDeployed, "sub/refused.bpmn"))
	inspect(t, s, func(e *engine.Engine) {
		if !slices.Equal(judged, []string{"order.bpmn", "sub/refused.bpmn", "sub/refused.bpmn"}) {
			t.Errorf("judged %v", judged)
		}
	})
}

func writeModel(t *testing.T, dir, name string, src []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	// A fresh modification time even on file systems with coarse ones.
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, time.Time{}, time.Now().Add(time.Duration(len(src))*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

// TestJobsPushedAgain: a job that times out, and a job that fails with
// retries left, are pushed to wfctl.jobs again.
func TestJobsPushedAgain(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := startServer(t, Options{Now: clock.Now})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	jobs := newJobReader(t, s.Addr())
	produce(t, cl,
		commandRecord(t, "deploy", deployCommand("order.bpmn", readModel(t, "order.bpmn"))),
		commandRecord(t, "create", createCommand("order", map[string]any{"orderId": "o-1"})))
	log.request("create")
	first := jobs.nth(1)

	// The worker fails it with retries left: pushed again at once.
	fail := engine.Command{ValueType: engine.ValueJob, Intent: engine.IntentFail, Key: first.Key,
		Value: &engine.JobValue{Retries: 2, ErrorMessage: "card declined"}}
	produce(t, cl, commandRecord(t, "fail", fail))
	if done, _ := log.request("fail"); done.Status != DoneOK {
		t.Fatalf("fail: %+v", done)
	}
	second := jobs.nth(2)
	if second.Key != first.Key || second.Retries != 2 {
		t.Fatalf("after the failure: %+v", second)
	}

	// Nobody completes it: after JobTimeout it times out and is pushed
	// again.
	clock.Advance(JobTimeout + time.Second)
	third := jobs.nth(3)
	if third.Key != first.Key || third.Deadline <= second.Deadline {
		t.Fatalf("after the time-out: %+v (before: %+v)", third, second)
	}
	log.wait("the time-out's record", func() bool { return count(log.all, engine.ValueJob, engine.IntentTimedOut) == 1 })
}

// TestRequestIDsAreIdempotent: a command whose request id was run is not
// run again; its Done marker names the first.
func TestRequestIDsAreIdempotent(t *testing.T) {
	s := startServer(t, Options{})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	produce(t, cl,
		commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))),
		commandRecord(t, "create", createCommand("work", nil)),
		commandRecord(t, "create", createCommand("work", nil)))
	if err := s.Await(testContext(t), func(st Stats) bool { return st.Commands == 3 }); err != nil {
		t.Fatal(err)
	}
	done, recs := log.request("create")
	if count(recs, engine.ValueProcessInstanceCreation, engine.IntentCreated) != 1 {
		t.Fatalf("create ran %d times", count(recs, engine.ValueProcessInstanceCreation, engine.IntentCreated))
	}
	if done.DuplicateOf != "wfctl.commands/0@1" || done.Command != "wfctl.commands/0@2" || done.Status != DoneOK {
		t.Fatalf("the duplicate's done marker: %+v", done)
	}
	if st := s.Stats(); st.Duplicates != 1 || st.Created != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

// TestProtocolEncoders: the hand encoders of the protocol's values write
// what Marshal writes.
func TestProtocolEncoders(t *testing.T) {
	jv := sampleValue(reflect.TypeFor[*engine.JobValue]()).(*engine.JobValue)
	got, _ := appendJobMessage(nil, 42, jv)
	want := Marshal(Job{Key: 42, Type: jv.Type, ProcessInstanceKey: jv.ProcessInstanceKey, BPMNProcessID: jv.BPMNProcessID,
		ElementID: jv.ElementID, Retries: int(jv.Retries), Deadline: jv.Deadline, CustomHeaders: jv.CustomHeaders, Variables: jv.Variables})
	if string(got) != string(want) {
		t.Errorf("job:\n got %s\nwant %s", got, want)
	}
	for _, d := range []Done{{Status: DoneOK, Command: "wfctl.commands/0@1", Position: 3},
		{Status: DoneRejected, Command: sampleText, Reason: sampleText}, {Status: DoneOK, Command: "c", DuplicateOf: "d"},
		{Status: DoneOK, Command: "c", Clock: &Clock{Time: 5, Wall: 4, Offset: 1, Pinned: true}}} {
		if got, want := appendDone(nil, &d), Marshal(d); string(got) != string(want) {
			t.Errorf("done:\n got %s\nwant %s", got, want)
		}
	}
}
