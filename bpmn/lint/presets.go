package lint

import (
	"sort"
	"strings"
)

// The bpmnlint 11.15 configurations, so that a team's .bpmnlintrc that
// extends them means the same here.
var presets = map[string]map[string]Severity{
	"bpmnlint:recommended": {
		"ad-hoc-sub-process":                  Error,
		"conditional-flows":                   Error,
		"end-event-required":                  Error,
		"event-based-gateway":                 Error,
		"event-sub-process-typed-start-event": Error,
		"fake-join":                           Warn,
		"global":                              Warn,
		"label-required":                      Error,
		"link-event":                          Error,
		"no-bpmndi":                           Error,
		"no-complex-gateway":                  Error,
		"no-disconnected":                     Error,
		"no-duplicate-sequence-flows":         Error,
		"no-gateway-join-fork":                Error,
		"no-implicit-split":                   Error,
		"no-implicit-end":                     Error,
		"no-implicit-start":                   Error,
		"no-inclusive-gateway":                Warn,
		"no-overlapping-elements":             Warn,
		"single-blank-start-event":            Error,
		"single-event-definition":             Error,
		"start-event-required":                Error,
		"sub-process-blank-start-event":       Error,
		"superfluous-gateway":                 Warn,
		"superfluous-label":                   Warn,
		"superfluous-termination":             Warn,
	},
	"bpmnlint:correctness": {
		"ad-hoc-sub-process":                  Error,
		"conditional-event":                   Error,
		"event-based-gateway":                 Error,
		"event-sub-process-typed-start-event": Error,
		"link-event":                          Error,
		"no-duplicate-sequence-flows":         Warn,
		"sub-process-blank-start-event":       Error,
		"single-blank-start-event":            Error,
	},
}

func init() {
	// bpmnlint:all turns every core rule on as an error.
	all := map[string]Severity{}
	for _, r := range coreRules() {
		all[r.ID] = Error
	}
	presets["bpmnlint:all"] = all
}

// preset returns the rule settings of a named configuration. bpmnlint
// also accepts "plugin:bpmnlint/recommended"-style names for its own
// configs.
func preset(name string) (map[string]RuleSetting, bool) {
	name = strings.TrimPrefix(name, "plugin:")
	name = strings.Replace(name, "bpmnlint/", "bpmnlint:", 1)
	p, ok := presets[name]
	if !ok {
		return nil, false
	}
	out := make(map[string]RuleSetting, len(p))
	for id, s := range p {
		out[id] = RuleSetting{Severity: s}
	}
	return out, true
}

func presetRules(name string) map[string]RuleSetting {
	r, _ := preset(name)
	return r
}

// PresetNames lists the configurations a config may extend.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// engineDefaults turns every engine rule on as an error.
func engineDefaults() map[string]RuleSetting {
	out := map[string]RuleSetting{}
	for _, r := range engineRules() {
		out[r.ID] = RuleSetting{Severity: Error}
	}
	return out
}
