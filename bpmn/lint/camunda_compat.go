package lint

import (
	"sort"
	"strings"
)

// CompatRules maps the rules of bpmnlint-plugin-camunda-compat (2.61),
// which Camunda Modeler runs for Camunda 8, to the wfctl rules that check
// the same thing, so that a .bpmnlintrc written for the plugin means the
// same here: "camunda-compat/timer": "warn" sets wfctl/timer to warn.
// The plugin's rules missing here have no wfctl equivalent (yet); a config
// that turns one on gets a warning naming it. engine_parity_test.go checks
// each mapping against the plugin's reports on the shared corpus.
var CompatRules = map[string][]string{
	"called-element":                {RuleCalledElement},
	"element-type":                  {RuleElementType},
	"error-reference":               {RuleErrorReference},
	"event-based-gateway-target":    {RuleEventBasedGatewayTarget},
	"executable-process":            {RuleExecutableProcess},
	"feel":                          {RuleFEELSyntax},
	"implementation":                {RuleTaskDefinition},
	"link-event":                    {RuleLinkEvent},
	"loop-characteristics":          {RuleLoopCharacteristics},
	"message-reference":             {RuleMessageSubscription},
	"no-multiple-none-start-events": {RuleMultipleNoneStartEvents},
	"sequence-flow-condition":       {RuleSequenceFlowCondition},
	"subscription":                  {RuleMessageSubscription},
	"timer":                         {RuleTimer},
	// The plugin's configs include bpmnlint's own start-event-required.
	"bpmnlint/start-event-required": {"start-event-required"},
}

// compatCloud are the plugin's camunda-cloud-X-Y configs, each written as
// in the plugin's index.js: the previous version's rules, less some, plus
// some (all "error" unless listed in compatWarn).
var compatCloud = []struct {
	version   string
	drop, add []string
}{
	{version: "1-0", add: []string{"implementation", "called-element", "collapsed-subprocess", "duplicate-task-headers",
		"element-type", "error-reference", "event-based-gateway-target", "executable-process", "loop-characteristics",
		"message-reference", "io-mapping", "no-binding-type", "no-business-id", "no-candidate-users",
		"no-cancel-execution-listener", "no-execution-listener-headers", "no-execution-listeners", "no-expression",
		"no-job-priority-definition", "no-loop", "no-multiple-none-start-events", "no-priority-definition",
		"no-propagate-all-parent-variables", "no-task-listeners", "no-task-schedule", "no-template", "no-version-tag",
		"no-zeebe-properties", "no-zeebe-user-task", "sequence-flow-condition", "start-event-form", "subscription",
		"timer", "user-task-definition", "user-task-form", "variable-name", "feel", "feel-compatibility",
		"bpmnlint/start-event-required"}},
	{version: "1-1"}, {version: "1-2"}, {version: "1-3"},
	{version: "8-0", drop: []string{"no-template"}, add: []string{"connector-properties"}},
	{version: "8-1", drop: []string{"no-zeebe-properties"}, add: []string{"inclusive-gateway"}},
	{version: "8-2", drop: []string{"no-candidate-users", "no-propagate-all-parent-variables", "no-task-schedule"},
		add: []string{"escalation-boundary-event-attached-to-ref", "escalation-reference", "link-event", "no-signal-event-sub-process", "task-schedule"}},
	{version: "8-3", drop: []string{"no-signal-event-sub-process"}, add: []string{"secrets", "signal-reference"}},
	{version: "8-4", drop: []string{"collapsed-subprocess"}},
	{version: "8-5", drop: []string{"no-zeebe-user-task"}, add: []string{"wait-for-completion"}},
	{version: "8-6", drop: []string{"inclusive-gateway", "no-binding-type", "no-execution-listeners", "no-priority-definition", "no-version-tag"},
		add: []string{"duplicate-execution-listeners", "execution-listener", "no-before-all-execution-listener", "priority-definition", "version-tag", "zeebe-user-task"}},
	{version: "8-7", add: []string{"ad-hoc-sub-process", "no-interrupting-event-subprocess"}},
	{version: "8-8", drop: []string{"no-task-listeners"}, add: []string{"agent-tool-documentation", "agent-tool-output-key", "agent-fromai-contract", "task-listener"}},
	{version: "8-9", add: []string{"start-event-form-embedded"}},
	{version: "8-10", drop: []string{"no-business-id", "no-execution-listener-headers", "no-before-all-execution-listener", "no-cancel-execution-listener", "no-job-priority-definition"},
		add: []string{"before-all-execution-listener", "cancel-execution-listener", "duplicate-execution-listener-headers", "unresolvable-secret-reference"}},
}

// compatWarn are the plugin's rules its configs set to "warn".
var compatWarn = map[string]bool{"user-task-definition": true, "connector-properties": true, "secrets": true,
	"zeebe-user-task": true, "agent-tool-documentation": true, "agent-tool-output-key": true, "start-event-form-embedded": true}

// compatConfigs are the plugin's configs by name, rule -> severity.
var compatConfigs = func() map[string]map[string]Severity {
	out := map[string]map[string]Severity{}
	prior := map[string]Severity{}
	for _, c := range compatCloud {
		cur := map[string]Severity{}
		for id, s := range prior {
			cur[id] = s
		}
		for _, id := range c.drop {
			delete(cur, id)
		}
		for _, id := range c.add {
			cur[id] = Error
			if compatWarn[id] {
				cur[id] = Warn
			}
		}
		out["camunda-cloud-"+c.version] = cur
		prior = cur
	}
	for _, v := range []string{"7-19", "7-20", "7-21", "7-22", "7-23", "7-24"} {
		out["camunda-platform-"+v] = map[string]Severity{"history-time-to-live": Info}
	}
	return out
}()

// compatPreset reads "plugin:camunda-compat/camunda-cloud-8-8" (or
// "camunda-compat/...", or bpmnlint-plugin-camunda-compat's full name): the
// wfctl rules its rules map to, with the config's severities, and the
// plugin rules it turns on that wfctl lacks. A Camunda 7 config
// (camunda-platform-7-x) turns Camunda 8's engine rules off.
func compatPreset(name string) (rules map[string]RuleSetting, lacking []string, ok bool) {
	name = strings.TrimPrefix(name, "plugin:")
	name = strings.TrimPrefix(name, "bpmnlint-plugin-")
	short, found := strings.CutPrefix(name, "camunda-compat/")
	if !found {
		return nil, nil, false
	}
	cfg, ok := compatConfigs[short]
	if !ok {
		return nil, nil, false
	}
	rules = map[string]RuleSetting{}
	if strings.HasPrefix(short, "camunda-platform-") {
		for _, r := range engineRules() {
			rules[r.ID] = RuleSetting{Severity: Off}
		}
	}
	for id, sev := range cfg {
		ids, mapped := CompatRules[id]
		if !mapped {
			lacking = append(lacking, id)
		}
		for _, w := range ids {
			rules[w] = RuleSetting{Severity: sev}
		}
	}
	sort.Strings(lacking)
	return rules, lacking, true
}

// compatPresetNames lists the plugin configs a .bpmnlintrc may extend.
func compatPresetNames() []string {
	names := make([]string, 0, len(compatConfigs))
	for n := range compatConfigs {
		names = append(names, "plugin:camunda-compat/"+n)
	}
	sort.Strings(names)
	return names
}

// StarterConfig is the .bpmnlintrc `wfctl validate --init` writes:
// bpmnlint's recommended rules, which bpmnlint itself reads the same way,
// and an empty "rules" to adjust them. wfctl's engine rules apply without
// being named; a team that also runs bpmnlint with
// bpmnlint-plugin-camunda-compat can add
// "plugin:camunda-compat/camunda-cloud-8-8" to "extends".
const StarterConfig = `{
  "extends": "bpmnlint:recommended",
  "rules": {}
}
`
