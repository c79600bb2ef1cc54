package validate

import (
	"os"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// brokenModel has a service task without a job type: an engine-rule
// error (wfctl/task-definition), and no diagram (a lint error).
const brokenModel = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://wfctl.dev/t">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task" />
    <bpmn:serviceTask id="Task" name="Task without a job type" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>
`

// TestGate: what blocks a deploy, with and without --no-lint, and what
// the refusal says to do.
func TestGate(t *testing.T) {
	payment, err := os.ReadFile("../../fixtures/dev/payment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		src         string
		noLint      bool
		engine, lnt int
		reason      []string // in the reason
		notReason   []string // not in it
	}{
		{name: "lint error", src: string(payment), lnt: 5,
			reason: []string{"not deployed: 5 lint errors", "--no-lint"}},
		{name: "lint error, --no-lint", src: string(payment), noLint: true},
		{name: "engine error", src: brokenModel, engine: 1, lnt: 7,
			reason:    []string{"1 engine error", "wfctl/", "block even with --no-lint", "and 7 lint errors"},
			notReason: []string{"despite"}},
		{name: "engine error, --no-lint", src: brokenModel, noLint: true, engine: 1,
			reason:    []string{"not deployed: 1 engine error (engine rules wfctl/... and parse errors", "block even with --no-lint", "fix it"},
			notReason: []string{"despite", "lint error"}},
		{name: "not BPMN", src: "<nope", noLint: true, engine: 1,
			reason: []string{"1 engine error"}, notReason: []string{"despite"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &Gate{Config: lint.DefaultConfig(), NoLint: tc.noLint}
			v := g.CheckSource("models/m.bpmn", []byte(tc.src))
			if v.EngineErrors != tc.engine || v.LintErrors != tc.lnt {
				t.Errorf("engine %d, lint %d errors; want %d, %d", v.EngineErrors, v.LintErrors, tc.engine, tc.lnt)
			}
			if v.Blocked() != (tc.engine+tc.lnt > 0) {
				t.Errorf("Blocked() = %v", v.Blocked())
			}
			for _, s := range tc.reason {
				if !strings.Contains(v.Reason(), s) {
					t.Errorf("reason %q lacks %q", v.Reason(), s)
				}
			}
			for _, s := range tc.notReason {
				if strings.Contains(v.Reason(), s) {
					t.Errorf("reason %q has %q", v.Reason(), s)
				}
			}
			// The problems shown are those of the errors, with the path the
			// model was given.
			if tc.engine+tc.lnt > 0 && (len(v.Result.Files) != 1 || v.Result.Files[0].Path != "models/m.bpmn" || v.Result.Summary().Errors == 0) {
				t.Errorf("result: %+v", v.Result.Files[0])
			}
		})
	}
}

// TestGateConfig: the gate applies the rule config as validate does,
// overrides matched against the path a model is given, and no config
// turns an engine error into something --no-lint lets through.
func TestGateConfig(t *testing.T) {
	dir := t.TempDir()
	cfg, err := lint.ParseConfig([]byte(`{"extends": "bpmnlint:recommended",
		"overrides": [{"files": ["sketches/**"], "rules": {"no-bpmndi": "warn"}}]}`), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.WorkDir = dir
	payment, err := os.ReadFile("../../fixtures/dev/payment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	g := &Gate{Config: cfg, Dir: dir}
	if v := g.CheckSource("models/payment.bpmn", payment); !v.Blocked() {
		t.Errorf("models/payment.bpmn passed: no-bpmndi is an error there")
	}
	v := g.CheckSource("sketches/payment.bpmn", payment)
	if v.Blocked() || !v.Shown() || v.Result.Summary().Warnings != 5 {
		t.Errorf("sketches/payment.bpmn: blocked %v, summary %+v; want 5 warnings shown, not blocked", v.Blocked(), v.Result.Summary())
	}
	if v := g.CheckSource("sketches/broken.bpmn", []byte(brokenModel)); v.EngineErrors != 1 {
		t.Errorf("sketches/broken.bpmn: %d engine errors, want 1", v.EngineErrors)
	}
}

// TestGateCheckFiles: Check reads the files, judges them as one
// deployment (the same process id in two files is an engine error), and
// a file that cannot be read is an error, not a finding.
func TestGateCheckFiles(t *testing.T) {
	dir := t.TempDir()
	payment, err := os.ReadFile("../../fixtures/dev/payment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.bpmn", "b.bpmn"} {
		if err := os.WriteFile(dir+"/"+name, payment, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g := &Gate{Config: lint.DefaultConfig(), Dir: dir, NoLint: true}
	v, err := g.Check([]string{"a.bpmn"})
	if err != nil || v.Blocked() {
		t.Fatalf("a.bpmn alone: %v, %+v", err, v)
	}
	v, err = g.Check([]string{"a.bpmn", "b.bpmn"})
	if err != nil || v.EngineErrors == 0 {
		t.Fatalf("the same process in two files: %v, %d engine errors", err, v.EngineErrors)
	}
	if _, err := g.Check([]string{"missing.bpmn"}); err == nil {
		t.Errorf("a missing file: no error")
	}
}
