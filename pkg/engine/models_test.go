package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wfctl/wfctl/bpmn/lint"
)

func fixtureResources(t testing.TB, names ...string) []Resource {
	t.Helper()
	var rs []Resource
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join("../../fixtures/engine", name))
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, Resource{Name: filepath.Base(name), Content: src})
	}
	return rs
}

func mustCompile(t testing.TB, names ...string) *Models {
	t.Helper()
	m, err := CompileModels(nil, fixtureResources(t, names...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCompileModelsRejectsAsDeploy: what a Deploy rejects, CompileModels
// rejects with the same error, diagnostics and positions included.
func TestCompileModelsRejectsAsDeploy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"engine rule", []string{"invalid.bpmn"}},
		{"one process id twice", []string{"receive.bpmn", "payment-v2.bpmn"}},
		{"no resources", nil},
		{"not XML", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := fixtureResources(t, tc.files...)
			if tc.name == "not XML" {
				rs = []Resource{{Name: "x.bpmn", Content: []byte("<definitions/>")}}
			}
			_, want := New().Deploy(rs...)
			_, got := CompileModels(nil, rs...)
			if want == nil || got == nil || got.Error() != want.Error() {
				t.Fatalf("CompileModels: %v\nDeploy:        %v", got, want)
			}
			if rej, ok := got.(*RejectionError); !ok || rej.Type != InvalidArgument {
				t.Fatalf("not a rejection: %#v", got)
			}
		})
	}
	_, err := CompileModels(nil, fixtureResources(t, "invalid.bpmn")...)
	if !strings.Contains(err.Error(), "invalid.bpmn:") || !strings.Contains(err.Error(), "[wfctl/") {
		t.Fatalf("diagnostics without file:line:col and rule: %v", err)
	}
}

// TestCompileModelsLintConfig: the validator configuration decides, as
// WithLintConfig does for Deploy.
func TestCompileModelsLintConfig(t *testing.T) {
	rs := fixtureResources(t, "invalid.bpmn")
	cfg, err := lint.ParseConfig([]byte(`{"rules":{"wfctl/task-definition":"off"}}`), ".")
	if err != nil {
		t.Fatal(err)
	}
	_, want := New(WithLintConfig(cfg)).Deploy(rs...)
	_, got := CompileModels(cfg, rs...)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("CompileModels: %v\nDeploy:        %v", got, want)
	}
	_, def := CompileModels(nil, rs...)
	if fmt.Sprint(got) == fmt.Sprint(def) {
		t.Fatalf("the configuration made no difference: %v", got)
	}
}

// TestDeployModelsScenarios runs every scenario twice, once deploying
// with Deploy and once with DeployModels (precompiled models, one
// *Models per distinct deploy line, reused wherever the line comes
// again), and compares the records byte for byte. A deploy line that
// does not compile deploys with Deploy in both runs, once CompileModels
// gave the same error. The DeployModels run then replays its records
// onto a new engine and restores its snapshot (checkReplay).
func TestDeployModelsScenarios(t *testing.T) {
	files, err := filepath.Glob("../../fixtures/engine/scenarios/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	cache := map[string]*Models{}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			want := runScenarioDeploying(t, f, nil)
			got := runScenarioDeploying(t, f, cache)
			if len(want) == 0 {
				t.Fatal("the scenario wrote no records")
			}
			compareLogs(t, "DeployModels", want, got)
		})
	}
}

// runScenarioDeploying runs a scenario's commands and returns its records
// as JSON; with models set, deploy lines use DeployModels.
func runScenarioDeploying(t *testing.T, path string, models map[string]*Models) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newScenario(t)
	var log []string
	for _, line := range strings.Split(strings.TrimRight(string(src), "\n"), "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "  ") {
			continue
		}
		verb, args, doc := splitCommand(line)
		if verb == "deploy" && models != nil {
			deployModels(t, s, line, args, models)
		} else {
			s.exec(verb, args, doc)
		}
		for _, r := range s.e.LastRecords() {
			s.log = append(s.log, r.Clone())
			log = append(log, mustJSON(t, r))
		}
	}
	if models != nil {
		s.checkReplay()
	}
	return log
}

func deployModels(t *testing.T, s *scenario, line string, args map[string]string, cache map[string]*Models) {
	var names []string
	for i := 0; args[strconv.Itoa(i)] != ""; i++ {
		names = append(names, args[strconv.Itoa(i)])
	}
	m, ok := cache[line]
	if !ok {
		var err error
		if m, err = CompileModels(nil, fixtureResources(t, names...)...); err != nil {
			if _, want := New().Deploy(fixtureResources(t, names...)...); want == nil || want.Error() != err.Error() {
				t.Fatalf("%s: CompileModels: %v, Deploy: %v", line, err, want)
			}
			s.deploy(args) // for the same rejection records
			return
		}
		cache[line] = m
	}
	if _, err := s.e.DeployModels(m); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
}

// TestDeployModelsVersions: one compiled model deployed again after
// another version makes a third version whose instances and counts are
// its own, though the element graph is the first version's.
func TestDeployModelsVersions(t *testing.T) {
	v1, v2 := mustCompile(t, "receive.bpmn"), mustCompile(t, "payment-v2.bpmn")
	e := New(WithStartTime(t0))
	for i, m := range []*Models{v1, v1, v2, v1} {
		ps, err := e.DeployModels(m)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]ProcessMetadata{0: {Version: 1}, 1: {Version: 1, Duplicate: true}, 2: {Version: 2}, 3: {Version: 3}}[i]
		if len(ps) != 1 || ps[0].Version != want.Version || ps[0].Duplicate != want.Duplicate {
			t.Fatalf("deployment %d: %+v", i+1, ps)
		}
	}
	first, _ := e.CreateInstanceVersion("payment", 1, map[string]any{"orderId": "o-1"})
	third, _ := e.CreateInstanceVersion("payment", 3, map[string]any{"orderId": "o-3"})
	if a, b := mustInstance(t, e, first), mustInstance(t, e, third); a.Version != 1 || b.Version != 3 || a.ProcessDefinitionKey == b.ProcessDefinitionKey {
		t.Fatalf("instances %+v and %+v", a, b)
	}
	active := map[int32]int64{}
	for _, c := range e.ElementCounts() {
		if c.ElementType == ElementReceiveTask {
			active[c.Version] += c.Active
		}
	}
	if active[1] != 1 || active[3] != 1 || active[2] != 0 {
		t.Fatalf("active receive tasks per version: %v", active)
	}
	snap := mustSnapshot(t, e)
	restored, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustSnapshot(t, restored); string(got) != string(snap) {
		t.Fatalf("restored state differs:\n%s", diffLines(string(snap), string(got)))
	}
}

func mustInstance(t *testing.T, e *Engine, key int64) InstanceInfo {
	t.Helper()
	info, ok := e.Instance(key)
	if !ok {
		t.Fatalf("no instance %d", key)
	}
	return info
}

// TestDeployModelsDeterminism drives engines with seeded random commands
// over every fixture model (as TestDeterminism does): an engine that
// deployed shared precompiled models writes the same records as one that
// deployed the resources, its records replay into the same state and
// its snapshot restores.
func TestDeployModelsDeterminism(t *testing.T) {
	models := compileDetModels(t)
	for seed := range 4 {
		want, _ := runGenerated(t, New(WithStartTime(detStart)), nil, uint64(seed))
		e := New(WithStartTime(detStart))
		got, records := runGenerated(t, e, models, uint64(seed))
		compareLogs(t, fmt.Sprint("seed ", seed), want, got)
		final := mustSnapshot(t, e)
		replayed := New(WithStartTime(detStart))
		for _, r := range records {
			if err := replayed.Apply(roundTripRecord(t, r)); err != nil {
				t.Fatal(err)
			}
		}
		if got := mustSnapshot(t, replayed); string(got) != string(final) {
			t.Fatalf("seed %d: replayed state differs:\n%s", seed, diffLines(indent(final), indent(got)))
		}
		restored, err := Restore(final)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustSnapshot(t, restored); string(got) != string(final) {
			t.Fatalf("seed %d: restored state differs", seed)
		}
	}
}

var detStart = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func compileDetModels(t testing.TB) []*Models {
	models := make([]*Models, len(detModels))
	for i, name := range detModels {
		models[i] = mustCompile(t, name)
	}
	return models
}

// runGenerated runs 400 generated commands (the determinism test's) on e
// and returns its records as JSON and as records. With models set, the
// generator's deployments deploy models[i] instead.
func runGenerated(t *testing.T, e *Engine, models []*Models, seed uint64) ([]string, []Record) {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 7)), e: e, t: t}
	var log []string
	var records []Record
	for i := range 400 {
		cmd := g.next(i)
		if i < len(models) {
			e.DeployModels(models[i])
		} else {
			e.Process(cmd)
		}
		for _, r := range e.LastRecords() {
			log = append(log, mustJSON(t, r))
			records = append(records, r.Clone())
		}
	}
	return log, records
}

// TestModelsConcurrentEngines runs engines on goroutines over one set of
// precompiled models, as wfctl trace does (run it with -race): some write
// records and are driven by generated commands (every fixture model,
// FEEL expressions, timers, jobs), some replay orders as trace does
// (WithoutRecords, WithInstanceEnded, Tick before every message). Each
// must do exactly what the same engine does alone.
func TestModelsConcurrentEngines(t *testing.T) {
	models := compileDetModels(t)
	fulfillment := mustCompile(t, "fulfillment.bpmn")
	const engines = 4
	wantLogs := make([][]string, engines)
	wantEnds := make([]string, engines)
	for i := range engines {
		wantLogs[i], _ = runGenerated(t, New(WithStartTime(detStart), WithPartition(int32(i+1))), models, uint64(i))
		wantEnds[i] = replayOrders(t, fulfillment, int32(i+1))
	}
	var wg sync.WaitGroup
	gotLogs := make([][]string, engines)
	gotEnds := make([]string, engines)
	for i := range engines {
		wg.Go(func() {
			gotLogs[i], _ = runGenerated(t, New(WithStartTime(detStart), WithPartition(int32(i+1))), models, uint64(i))
		})
		wg.Go(func() { gotEnds[i] = replayOrders(t, fulfillment, int32(i+1)) })
	}
	wg.Wait()
	for i := range engines {
		compareLogs(t, fmt.Sprint("engine ", i+1), wantLogs[i], gotLogs[i])
		if gotEnds[i] != wantEnds[i] {
			t.Errorf("replay %d ended differently:\n%s", i+1, diffLines(wantEnds[i], gotEnds[i]))
		}
	}
}

// replayOrders replays 2,000 orders through fulfillment.bpmn as wfctl
// trace does and describes how each instance ended.
func replayOrders(t *testing.T, m *Models, partition int32) string {
	var ends strings.Builder
	ended := func(end InstanceEnd) {
		fmt.Fprintf(&ends, "%d %s %v %v %v\n", end.Key, end.StartCorrelationKey, end.Completed, end.TimedOut, end.EndedAt)
	}
	now := detStart
	e := New(WithoutRecords(), WithInstanceEnded(ended), WithStartTime(now), WithPartition(partition))
	if _, err := e.DeployModels(m); err != nil {
		t.Error(err)
		return ""
	}
	rng := rand.New(rand.NewPCG(uint64(partition), 3))
	names := []string{"OrderPlaced", "PaymentReceived", "GoodsShipped", "OrderDelivered"}
	stage := map[string]int{}
	for n := range 8000 {
		id := fmt.Sprintf("o-%d", rng.IntN(2000))
		now = now.Add(time.Duration(rng.IntN(120)) * time.Minute)
		e.Tick(now)
		msg := Message{Name: names[stage[id]], CorrelationKey: id}
		if stage[id] == 0 {
			msg.Variables = map[string]any{"orderId": id}
		}
		if _, err := e.PublishMessage(msg); err != nil {
			t.Errorf("message %d: %v", n, err)
			return ""
		}
		stage[id] = (stage[id] + 1) % len(names)
	}
	return ends.String()
}
