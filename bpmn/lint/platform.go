package lint

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleExecutionPlatform is the id of the note a file drawn for Camunda 7
// gets when the engine rules are chosen by the file's platform: it says
// that Camunda 8's engine rules were skipped, and why.
const RuleExecutionPlatform = "wfctl/execution-platform"

// EngineMode chooses which engine's rules (wfctl/...) run on a file.
type EngineMode int

const (
	// EngineCamunda8 runs Camunda 8's engine rules on every file (what
	// deploy needs: wfctl's engine runs Camunda 8 models).
	EngineCamunda8 EngineMode = iota
	// EngineAuto does as Camunda Modeler does: the rules of the platform
	// the file declares in modeler:executionPlatform, Camunda 8's when it
	// declares none. wfctl has no Camunda 7 engine rules, so a Camunda 7
	// file gets the core rules and a note (RuleExecutionPlatform).
	EngineAuto
	// EngineNone runs no engine rules: bpmnlint's rules only.
	EngineNone
)

// EngineModes are the names ParseEngineMode accepts, in help order.
var EngineModes = []string{"auto", "camunda8", "none"}

// ParseEngineMode reads "auto", "camunda8" or "none".
func ParseEngineMode(s string) (EngineMode, error) {
	switch s {
	case "auto", "":
		return EngineAuto, nil
	case "camunda8":
		return EngineCamunda8, nil
	case "none":
		return EngineNone, nil
	}
	return EngineAuto, fmt.Errorf("unknown engine %q: use auto (by the file's modeler:executionPlatform), camunda8 or none", s)
}

// WithEngine sets which engine rules run (EngineCamunda8 by default).
func WithEngine(m EngineMode) Option { return func(l *Linter) { l.engine = m } }

// skipEngineRules reports whether the engine rules stay off for doc, and
// the note that says so when the file's platform decided it.
func (l *Linter) skipEngineRules(doc *bpmn.Document) (bool, *Report) {
	switch {
	case l.engine == EngineNone:
		return true, nil
	case l.engine == EngineAuto && doc.Definitions.TargetsCamunda7():
		d := doc.Definitions
		return true, &Report{Rule: RuleExecutionPlatform, Element: d.ID, Pos: d.Pos,
			Message: "file targets Camunda 7 (modeler:executionPlatform=\"" + d.ExecutionPlatform + "\"" + versionNote(d.ExecutionPlatformVersion) +
				"): Camunda 8 engine rules (wfctl/...) skipped; use --engine camunda8 to apply them"}
	}
	return false, nil
}

func versionNote(v string) string {
	if v == "" {
		return ""
	}
	return " " + v
}
