package lint

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Config says which rules run with which severity and options. It is read
// from a .bpmnlintrc (JSON), in bpmnlint's format:
//
//	{"extends": "bpmnlint:recommended",
//	 "rules": {"label-required": "off", "no-overlapping-elements": ["warn", {"ignoreVerticalOverlaps": true}]}}
//
// with two additions bpmnlint users asked for (bpmnlint issue 116):
//
//	"overrides": [{"files": ["legacy/**"], "rules": {...}, "ignore": {...}}]
//	"ignore": {"label-required": ["Gateway_*", "Task_1"]}
//
// Overrides apply, in order, to files whose path (relative to the config's
// folder) matches one of their globs. An ignore list drops a rule's
// reports on the named element ids (globs allowed).
//
// wfctl's engine rules ("wfctl/...") are on with severity error unless the
// config turns them off, whatever it extends.
type Config struct {
	// Dir is the folder override globs are relative to.
	Dir string
	// WorkDir is the folder relative file paths are relative to.
	WorkDir string
	// Warnings says what in the config was not understood (unknown
	// presets or rule ids); they do not stop a run.
	Warnings []string

	base      ruleSet
	overrides []override
}

// RuleSetting is a rule's severity and options.
type RuleSetting struct {
	Severity Severity
	Options  map[string]any
}

type ruleSet struct {
	rules  map[string]RuleSetting
	ignore map[string][]string
}

type override struct {
	files []string
	set   ruleSet
}

// rawConfig is the JSON form.
type rawConfig struct {
	Extends   json.RawMessage            `json:"extends"`
	Rules     map[string]json.RawMessage `json:"rules"`
	Ignore    map[string][]string        `json:"ignore"`
	Overrides []struct {
		Files  json.RawMessage            `json:"files"`
		Rules  map[string]json.RawMessage `json:"rules"`
		Ignore map[string][]string        `json:"ignore"`
	} `json:"overrides"`
}

// DefaultConfig is what runs without a .bpmnlintrc: bpmnlint:recommended
// and the engine rules.
func DefaultConfig() *Config {
	c := &Config{base: ruleSet{rules: map[string]RuleSetting{}, ignore: map[string][]string{}}}
	c.base.apply(presetRules("bpmnlint:recommended"))
	c.base.apply(engineDefaults())
	return c
}

// ParseConfig reads a .bpmnlintrc's JSON. dir is the folder it lives in.
func ParseConfig(data []byte, dir string) (*Config, error) {
	var raw rawConfig
	// json.Unmarshal checks the whole text first, so that a truncated or
	// malformed file is a SyntaxError with an offset (a Decoder says only
	// "unexpected EOF").
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a valid .bpmnlintrc (JSON): %w", jsonErrorWithPos(data, err))
	}
	c := &Config{Dir: dir, base: ruleSet{rules: map[string]RuleSetting{}, ignore: map[string][]string{}}}
	extends, err := stringOrList(raw.Extends, "extends")
	if err != nil {
		return nil, err
	}
	// The engine rules are on unless a config says otherwise, and a
	// camunda-compat config extended may: it comes after.
	c.base.apply(engineDefaults())
	for _, e := range extends {
		c.extend(e)
	}
	rules, err := c.parseRules(raw.Rules, "rules")
	if err != nil {
		return nil, err
	}
	c.base.apply(rules)
	c.base.addIgnore(raw.Ignore)
	for i, o := range raw.Overrides {
		files, err := stringOrList(o.Files, fmt.Sprintf("overrides[%d].files", i))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("overrides[%d]: \"files\" must name at least one glob", i)
		}
		rules, err := c.parseRules(o.Rules, fmt.Sprintf("overrides[%d].rules", i))
		if err != nil {
			return nil, err
		}
		set := ruleSet{rules: rules, ignore: map[string][]string{}}
		set.addIgnore(o.Ignore)
		c.overrides = append(c.overrides, override{files: files, set: set})
	}
	return c, nil
}

// extend applies a named configuration: bpmnlint's, or one of
// bpmnlint-plugin-camunda-compat's, mapped to wfctl's rules.
func (c *Config) extend(name string) {
	if rules, lacking, ok := compatPreset(name); ok {
		c.base.apply(rules)
		if len(lacking) > 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("extends %q: %d of its rules have no wfctl equivalent and are not checked: %s",
				name, len(lacking), strings.Join(lacking, ", ")))
		}
		return
	}
	rules, ok := preset(name)
	if !ok {
		c.Warnings = append(c.Warnings, fmt.Sprintf("extends %q: unknown configuration, ignored (known: %s, plugin:camunda-compat/camunda-cloud-1-0 to camunda-cloud-8-10, plugin:camunda-compat/camunda-platform-7-19 to camunda-platform-7-24)",
			name, strings.Join(PresetNames(), ", ")))
		return
	}
	c.base.apply(rules)
}

func (c *Config) parseRules(raw map[string]json.RawMessage, where string) (map[string]RuleSetting, error) {
	out := map[string]RuleSetting{}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s, err := parseSetting(raw[id])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", where, id, err)
		}
		if short, ok := strings.CutPrefix(id, "camunda-compat/"); ok {
			c.compatRule(out, where, short, s)
			continue
		}
		if !knownRule(id) {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: unknown rule %q, ignored", where, id))
			continue
		}
		out[id] = s
	}
	return out, nil
}

// compatRule sets the wfctl rules a camunda-compat rule maps to; one wfctl
// lacks is named in a warning, unless the config turns it off anyway.
func (c *Config) compatRule(out map[string]RuleSetting, where, short string, s RuleSetting) {
	ids, ok := CompatRules[short]
	if !ok {
		if s.Severity != Off {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: camunda-compat/%s has no wfctl equivalent, not checked", where, short))
		}
		return
	}
	for _, id := range ids {
		out[id] = s
	}
}

// parseSetting reads "error", 2, ["warn", {...}] and the like.
func parseSetting(raw json.RawMessage) (RuleSetting, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		if len(list) == 0 {
			return RuleSetting{}, fmt.Errorf("empty setting: want a severity or [severity, options]")
		}
		s, err := parseSeverity(list[0])
		if err != nil {
			return RuleSetting{}, err
		}
		rs := RuleSetting{Severity: s}
		if len(list) > 1 {
			if err := json.Unmarshal(list[1], &rs.Options); err != nil {
				return RuleSetting{}, fmt.Errorf("options must be a JSON object")
			}
		}
		return rs, nil
	}
	s, err := parseSeverity(raw)
	return RuleSetting{Severity: s}, err
}

func parseSeverity(raw json.RawMessage) (Severity, error) {
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		if n < 0 || n > 3 {
			return Off, fmt.Errorf("severity %d out of range: use 0 (off), 1 (warn), 2 (error) or 3 (info)", n)
		}
		return [...]Severity{Off, Warn, Error, Info}[n], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return Off, fmt.Errorf("severity must be \"off\", \"warn\", \"error\", \"info\" or 0-3, not %s", raw)
	}
	switch s {
	case "off":
		return Off, nil
	case "warn", "warning":
		return Warn, nil
	case "error":
		return Error, nil
	case "info":
		return Info, nil
	}
	return Off, fmt.Errorf("unknown severity %q: use \"off\", \"warn\", \"error\" or \"info\"", s)
}

func stringOrList(raw json.RawMessage, what string) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}, nil
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("%s must be a string or a list of strings", what)
	}
	return l, nil
}

func (s *ruleSet) apply(rules map[string]RuleSetting) {
	for id, r := range rules {
		s.rules[id] = r
	}
}

func (s *ruleSet) addIgnore(ig map[string][]string) {
	for id, ids := range ig {
		s.ignore[id] = append(s.ignore[id], ids...)
	}
}

// forFile returns the rule set for a file, overrides applied.
func (c *Config) forFile(file string) ruleSet {
	if len(c.overrides) == 0 {
		return c.base
	}
	if !filepath.IsAbs(file) && c.WorkDir != "" {
		file = filepath.Join(c.WorkDir, file)
	}
	rel := relSlash(c.Dir, file)
	eff := ruleSet{rules: map[string]RuleSetting{}, ignore: map[string][]string{}}
	eff.apply(c.base.rules)
	eff.addIgnore(c.base.ignore)
	for _, o := range c.overrides {
		if matchAny(o.files, rel) {
			eff.apply(o.set.rules)
			eff.addIgnore(o.set.ignore)
		}
	}
	return eff
}

// Setting returns the effective setting of rule id for file.
func (c *Config) Setting(file, id string) RuleSetting { return c.forFile(file).rules[id] }

func (s ruleSet) severity(id string, dflt Severity) Severity {
	if r, ok := s.rules[id]; ok {
		return r.Severity
	}
	return dflt
}

func (s ruleSet) ignored(rule, element string) bool {
	for _, pat := range s.ignore[rule] {
		if element != "" && MatchGlob(pat, element) {
			return true
		}
	}
	return false
}

func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if MatchGlob(g, name) || (!strings.Contains(g, "/") && MatchGlob(g, path.Base(name))) {
			return true
		}
	}
	return false
}

func relSlash(dir, file string) string {
	file = strings.ReplaceAll(file, "\\", "/")
	dir = strings.TrimSuffix(strings.ReplaceAll(dir, "\\", "/"), "/")
	if dir != "" && dir != "." && strings.HasPrefix(file, dir+"/") {
		return file[len(dir)+1:]
	}
	return strings.TrimPrefix(file, "./")
}

// jsonErrorWithPos adds line:column to a JSON syntax error.
func jsonErrorWithPos(data []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err
	}
	line, col := 1, 1
	for _, b := range data[:min(int(off), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
