package lint

import (
	"strings"
	"testing"
)

func TestParseConfigSeverities(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{
		"extends": ["bpmnlint:correctness"],
		"rules": {"label-required": 1, "fake-join": "info", "global": ["error", {"x": 1}], "link-event": 0, "no-such": "warn"}
	}`), "/proj")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Severity{
		"label-required":       Warn,
		"fake-join":            Info,
		"global":               Error,
		"link-event":           Off,
		"conditional-event":    Error, // from correctness
		"no-implicit-start":    Off,   // not in correctness
		"wfctl/element-type":   Error, // engine rules are on by default
		"no-inclusive-gateway": Off,
	} {
		if got := cfg.Setting("/proj/a.bpmn", id).Severity; got != want {
			t.Errorf("%s: %v, want %v", id, got, want)
		}
	}
	if opts := cfg.Setting("/proj/a.bpmn", "global").Options; opts["x"] != float64(1) {
		t.Errorf("options %v", opts)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], `"no-such"`) {
		t.Errorf("warnings %v", cfg.Warnings)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for src, want := range map[string]string{
		`{"rules": {"label-required": 7}}`:      "out of range",
		`{"rules": {"label-required": "loud"}}`: `unknown severity "loud"`,
		`{"rules": {"label-required": []}}`:     "empty setting",
		`{"extends": 3}`:                        "extends must be a string",
		`{"overrides": [{"rules": {}}]}`:        "must name at least one glob",
		"{\n  \"rules\": {,}\n}":                "line 2, column",
		`{"rules": {"global": ["warn", "x"]}}`:  "options must be a JSON object",
	} {
		_, err := ParseConfig([]byte(src), "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", src, err, want)
		}
	}
}

func TestOverridesAndIgnore(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{
		"extends": "bpmnlint:recommended",
		"ignore": {"label-required": ["Task_*"]},
		"overrides": [
			{"files": "legacy/**/*.bpmn", "rules": {"label-required": "off"}},
			{"files": ["*.draft.bpmn"], "ignore": {"no-bpmndi": ["*"]}}
		]
	}`), "/proj")
	if err != nil {
		t.Fatal(err)
	}
	cfg.WorkDir = "/proj/sub"
	if s := cfg.Setting("/proj/legacy/x/a.bpmn", "label-required").Severity; s != Off {
		t.Errorf("override not applied: %v", s)
	}
	if s := cfg.Setting("/proj/models/a.bpmn", "label-required").Severity; s != Error {
		t.Errorf("override applied outside its files: %v", s)
	}
	// Relative paths are relative to WorkDir.
	if s := cfg.Setting("../legacy/a.bpmn", "label-required").Severity; s != Off {
		t.Errorf("relative path: %v", s)
	}
	eff := cfg.forFile("/proj/deep/a.draft.bpmn")
	if !eff.ignored("no-bpmndi", "Anything") || !eff.ignored("label-required", "Task_9") || eff.ignored("label-required", "Gateway_1") {
		t.Errorf("ignore lists wrong: %v", eff.ignore)
	}
}

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		pat, name string
		want      bool
	}{
		{"**/*.bpmn", "a.bpmn", true},
		{"**/*.bpmn", "x/y/a.bpmn", true},
		{"legacy/**", "legacy/a/b.bpmn", true},
		{"legacy/**", "other/a.bpmn", false},
		{"a/*/c", "a/b/c", true},
		{"a/*/c", "a/b/x/c", false},
		{"Task_?", "Task_1", true},
		{"[", "[", false},
	} {
		if got := MatchGlob(tc.pat, tc.name); got != tc.want {
			t.Errorf("MatchGlob(%q, %q) = %v", tc.pat, tc.name, got)
		}
	}
}

// TestCamundaCompatConfig: bpmnlint-plugin-camunda-compat's configs and
// rule names map to wfctl's engine rules; its rules wfctl lacks are named.
func TestCamundaCompatConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"extends": ["bpmnlint:recommended", "plugin:camunda-compat/camunda-cloud-8-8"],
		"rules": {"camunda-compat/timer": "warn", "camunda-compat/message-reference": "off", "camunda-compat/no-loop": "error", "camunda-compat/secrets": 0}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Severity{RuleTimer: Warn, RuleMessageSubscription: Off, RuleTaskDefinition: Error, "label-required": Error} {
		if got := cfg.Setting("", id).Severity; got != want {
			t.Errorf("%s: %v, want %v", id, got, want)
		}
	}
	warnings := strings.Join(cfg.Warnings, "\n")
	for _, want := range []string{"have no wfctl equivalent and are not checked: ad-hoc-sub-process,", "camunda-compat/no-loop has no wfctl equivalent"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	if strings.Contains(warnings, "camunda-compat/secrets") {
		t.Errorf("a lacking rule turned off is warned about:\n%s", warnings)
	}
	c7, err := ParseConfig([]byte(`{"extends": "plugin:camunda-compat/camunda-platform-7-21"}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := c7.Setting("", RuleTaskDefinition).Severity; got != Off {
		t.Errorf("camunda-platform-7-21 leaves %s at %v", RuleTaskDefinition, got)
	}
}

// TestConfigErrorPosition: a config cut short says where it ends.
func TestConfigErrorPosition(t *testing.T) {
	_, err := ParseConfig([]byte("{\"extends\": \"bpmnlint:recommended\",\n  \"rules\": {\n"), "")
	if err == nil || !strings.Contains(err.Error(), "line 3, column 1: unexpected end of JSON input") {
		t.Errorf("error %v, want line 3, column 1", err)
	}
}
