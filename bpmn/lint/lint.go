// Package lint checks BPMN models: bpmnlint's 28 core rules, with the same
// ids, meanings and default severities as bpmnlint 11.15, and wfctl's
// engine rules (ids starting with "wfctl/") for what the engine, like
// Camunda 8, rejects at deploy.
//
// A Linter is built from a Config (usually read from a .bpmnlintrc) and
// run on parsed documents; it returns one Report per finding, in document
// order. Rules never modify the model and are safe to run concurrently on
// different documents.
package lint

import (
	"sort"

	"github.com/wfctl/wfctl/bpmn"
)

// Severity of a report. The order matters: Off < Info < Warn < Error.
type Severity int

// Severities, as bpmnlint names them.
const (
	Off Severity = iota
	Info
	Warn
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warn:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// Report is one finding of one rule.
type Report struct {
	Rule     string
	Severity Severity
	Message  string
	// Element is the id of the element the finding is about ("" for the
	// document as a whole).
	Element string
	Pos     bpmn.Pos
}

// Rule is a check with a stable id.
type Rule struct {
	// ID is the rule's name in configs and reports: bpmnlint's id for the
	// core rules, "wfctl/<name>" for engine rules.
	ID string
	// Description says in one line what the rule asks for.
	Description string
	// Check reports what the rule finds in c.Doc.
	Check func(c *Check)
}

// Engine reports whether r is an engine rule: engine rules look at
// executable processes only, as Zeebe ignores the others at deploy.
func (r *Rule) Engine() bool { return len(r.ID) > 6 && r.ID[:6] == "wfctl/" }

// Check is one rule's run over one document.
type Check struct {
	Doc *bpmn.Document
	// Options are the rule's options from the config, or nil.
	Options map[string]any
	// ParseExpr checks FEEL syntax; nil when the linter has no parser.
	ParseExpr ExpressionParser

	rule    *Rule
	reports []Report
}

// Report records a finding on element b (nil for the whole document).
func (c *Check) Report(b *bpmn.Base, msg string) {
	if b == nil {
		c.ReportAt("", c.Doc.Definitions.Pos, msg)
		return
	}
	c.ReportAt(b.ID, b.Pos, msg)
}

// ReportAt records a finding about element id at pos.
func (c *Check) ReportAt(id string, pos bpmn.Pos, msg string) {
	c.reports = append(c.reports, Report{Rule: c.rule.ID, Message: msg, Element: id, Pos: pos})
}

// Executable returns the processes the engine would deploy.
func (c *Check) Executable() []*bpmn.Process {
	var out []*bpmn.Process
	for _, p := range c.Doc.Definitions.Processes {
		if p.IsExecutable {
			out = append(out, p)
		}
	}
	return out
}

// ExecutableNodes calls fn for every flow node of every executable process.
func (c *Check) ExecutableNodes(fn func(*bpmn.FlowNode)) {
	for _, p := range c.Executable() {
		p.Walk(fn)
	}
}

// Linter runs a set of rules with their severities.
type Linter struct {
	cfg       *Config
	rules     []*Rule
	parseExpr ExpressionParser
	engine    EngineMode
}

// ExpressionParser checks the syntax of one FEEL expression, given without
// its leading "=". It returns nil when the expression parses.
//
// The bpmn packages know nothing of FEEL (they import only etree and the
// standard library); the caller passes the parser in, and without one
// wfctl/feel-syntax reports nothing.
type ExpressionParser func(src string) *ExpressionError

// ExpressionError is a syntax error in an expression: Offset is the byte
// offset in the expression, Line and Column are 1-based.
type ExpressionError struct {
	Offset       int
	Line, Column int
	Msg          string
}

// Option configures a Linter.
type Option func(*Linter)

// WithExpressionParser sets the FEEL syntax checker for wfctl/feel-syntax.
func WithExpressionParser(p ExpressionParser) Option { return func(l *Linter) { l.parseExpr = p } }

// New returns a linter for cfg. Rules the config turns off never run.
func New(cfg *Config, opts ...Option) *Linter {
	l := &Linter{cfg: cfg, rules: Rules()}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Lint runs every enabled rule on doc and returns the reports sorted by
// position. path selects per-file overrides of the config.
func (l *Linter) Lint(path string, doc *bpmn.Document) []Report {
	eff := l.cfg.forFile(path)
	var out []Report
	for _, p := range doc.Problems {
		sev := eff.severity(p.Rule, Error)
		if sev == Off || eff.ignored(p.Rule, p.Element) {
			continue
		}
		out = append(out, Report{Rule: p.Rule, Severity: sev, Message: p.Message, Element: p.Element, Pos: p.Pos})
	}
	skipEngine, note := l.skipEngineRules(doc)
	if sev := eff.severity(RuleExecutionPlatform, Info); note != nil && sev != Off {
		note.Severity = sev
		out = append(out, *note)
	}
	for _, r := range l.rules {
		setting := eff.rules[r.ID]
		if setting.Severity == Off || (skipEngine && r.Engine()) || (r.ID == RulePlatformVersion && l.engine != EngineAuto) {
			continue // (the platform version is judged only by the file's own declaration: --engine auto)
		}
		c := &Check{Doc: doc, Options: setting.Options, ParseExpr: l.parseExpr, rule: r}
		r.Check(c)
		for _, rep := range c.reports {
			if eff.ignored(r.ID, rep.Element) {
				continue
			}
			rep.Severity = setting.Severity
			out = append(out, rep)
		}
	}
	SortReports(out)
	return out
}

// SortReports orders reports by position, then rule id.
func SortReports(out []Report) {
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return out[i].Rule < out[j].Rule
	})
}
