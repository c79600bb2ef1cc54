package engine

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wfctl/wfctl/internal/corpustest"
)

// TestCorpus deploys every model of the shared corpus's zeebe/ and
// zeebe-process-test/ folders (real executable models from Camunda's
// repositories) and, for each deployed process with a none start event,
// runs one instance with every job completed as soon as it exists. It
// logs the counts; it fails only on a panic or a broken invariant, since
// the models use features this engine does not run.
func TestCorpus(t *testing.T) {
	root := corpustest.Dir(t)
	var files []string
	for _, dir := range []string{"zeebe", "zeebe-process-test"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".bpmn") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatalf("no Zeebe models in the corpus at %s", root)
	}
	c := corpusCounts{root: root, compatOK: compatAccepted(t, root)}
	for _, f := range files {
		c.file(t, f)
	}
	t.Logf("corpus: %d files; %d deployed (%d processes), %d rejected", len(files), c.deployed, c.processes, len(files)-c.deployed)
	for _, k := range slices.Sorted(maps.Keys(c.reasons)) {
		t.Logf("  rejected, %s: %d", k, c.reasons[k])
	}
	t.Logf("processes with a none start event: %d; instances that reached an end event: %d (completed: %d); stopped at an incident: %d; still waiting: %d",
		c.runnable, c.reachedEnd, c.completed, c.incidents, c.waiting)
	for _, k := range slices.Sorted(maps.Keys(c.waitingAt)) {
		t.Logf("  waiting at %s: %d", k, c.waitingAt[k])
	}
	t.Logf("rejected although camunda-compat (Camunda 8.8) accepts them: %d", len(c.compatRejected))
	for _, r := range c.compatRejected {
		t.Logf("  %s", r)
	}
}

// compatAccepted reads which corpus files bpmnlint-plugin-camunda-compat
// (config camunda-cloud-8-8) reports no error for: models Camunda 8.8's
// tooling lets through to its engine.
func compatAccepted(t *testing.T, root string) map[string]bool {
	src, err := os.ReadFile(filepath.Join(root, "camunda-compat-8-8-baseline.tsv"))
	if err != nil {
		t.Logf("no camunda-compat baseline: %v", err)
		return nil
	}
	ok := map[string]bool{}
	lines := strings.Split(string(src), "\n")
	for _, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) > 6 && f[5] == "ok" && f[6] == "0" {
			ok[f[0]] = true
		}
	}
	return ok
}

type corpusCounts struct {
	root                                                                     string
	compatOK                                                                 map[string]bool
	compatRejected                                                           []string
	deployed, processes, runnable, reachedEnd, completed, incidents, waiting int
	reasons                                                                  map[string]int
	waitingAt                                                                map[string]int
}

func (c *corpusCounts) file(t *testing.T, path string) {
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: panic: %v", path, p)
		}
	}()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e := New(WithStartTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	procs, err := e.Deploy(Resource{Name: filepath.Base(path), Content: src})
	if err != nil {
		c.reject(err)
		if rel, _ := filepath.Rel(c.root, path); c.compatOK[rel] {
			c.compatRejected = append(c.compatRejected, rel+": "+rejectReason(err.Error()))
		}
		return
	}
	c.deployed++
	c.processes += len(procs)
	for _, p := range procs {
		if e.processes[p.ProcessDefinitionKey].root.start != nil {
			c.run(t, e, p)
		}
	}
}

func (c *corpusCounts) reject(err error) {
	if c.reasons == nil {
		c.reasons = map[string]int{}
	}
	c.reasons[rejectReason(err.Error())]++
}

// rejectReason classifies a rejected deployment by its first problem:
// what the engine does not run, the validator rule, or a parse error.
func rejectReason(msg string) string {
	for _, line := range strings.Split(msg, "\n")[1:] {
		if strings.Contains(line, "invalid FEEL expression") {
			return "FEEL syntax error"
		}
		if strings.Contains(line, "Compensation boundary events must have a compensation association") {
			return "engine: compensation boundary event without a handler (Zeebe rejects it too)"
		}
		if strings.Contains(line, "eventType must be start or end") {
			return "engine: execution listener without an eventType (Zeebe's validation rejects it too)"
		}
		if strings.Contains(line, `waitForCompletion="false"`) {
			return "engine: compensation with waitForCompletion=\"false\" (camunda-compat refuses it too)"
		}
		if strings.Contains(line, "has no link catch event") {
			return "engine: link into a sub-process"
		}
		if i := strings.Index(line, " not supported by the wfctl engine"); i >= 0 {
			what := line[:i]
			what = what[strings.LastIndex(what, ": ")+2:]
			what = strings.TrimSuffix(strings.TrimSuffix(what, " are"), " is")
			return "engine: " + what
		}
		if i := strings.LastIndex(line, "[wfctl/"); i >= 0 {
			return "validator: " + strings.TrimSuffix(line[i+1:], "]")
		}
	}
	if strings.Contains(msg, "XML") || strings.Contains(msg, "not a BPMN") {
		return "parse error"
	}
	return "other: " + msg
}

// run creates one instance and completes jobs until none is left.
func (c *corpusCounts) run(t *testing.T, e *Engine, p ProcessMetadata) {
	c.runnable++
	key, err := e.CreateInstanceVersion(p.BPMNProcessID, p.Version, nil)
	if err != nil {
		t.Errorf("%s: create: %v", p.BPMNProcessID, err)
		return
	}
	for range 100 {
		jobs := slices.Sorted(maps.Keys(e.jobs))
		if len(jobs) == 0 {
			break
		}
		for _, k := range jobs {
			e.CompleteJob(k, nil)
		}
	}
	if endReached(e, p.ProcessDefinitionKey) {
		c.reachedEnd++
	}
	switch info, active := e.Instance(key); {
	case !active:
		c.completed++
	case info.Incidents > 0:
		c.incidents++
	default:
		c.waiting++
		if c.waitingAt == nil {
			c.waitingAt = map[string]int{}
		}
		for _, a := range e.ActiveElements(key) {
			if a.State == IntentElementActivated && a.ElementType != ElementSubProcess {
				c.waitingAt[a.ElementType.String()]++
			}
		}
	}
}

func endReached(e *Engine, pdk int64) bool {
	for _, ec := range e.processes[pdk].counts {
		if ec.ElementType == ElementEndEvent && ec.Completed > 0 {
			return true
		}
	}
	return false
}
