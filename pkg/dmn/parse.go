package dmn

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/wfctl/wfctl/pkg/feel"
)

// Limits Parse enforces, so that hostile or broken input is refused with a
// problem instead of exhausting memory or time.
const (
	// MaxFileSize is the largest file Parse accepts by default (see
	// WithMaxSize); real DMN files are a few hundred kilobytes.
	MaxFileSize = 16 << 20
	// MaxDepth bounds XML nesting; DMN nests about ten levels.
	MaxDepth = 256
	// MaxDecisions bounds the decisions of one file.
	MaxDecisions = 10_000
	// MaxRules bounds the rules of one decision table.
	MaxRules = 20_000
	// MaxColumns bounds the input and the output columns of one table.
	MaxColumns = 1_000
	// maxProblems bounds the problems reported for one file.
	maxProblems = 1_000
)

// ParseOption configures Parse.
type ParseOption func(*parseConfig)

type parseConfig struct{ maxSize int }

// WithMaxSize sets the largest file, in bytes, Parse accepts.
func WithMaxSize(n int) ParseOption { return func(c *parseConfig) { c.maxSize = n } }

// Parse reads a DMN file (DMN 1.1 to 1.5, as Camunda Modeler writes it).
// name is used in messages only. Every FEEL expression and unary test is
// parsed here, once. When the file cannot be evaluated, the error is a
// *ParseError listing every problem found, each with its line and column;
// problems Camunda reads past are in Definitions.Warnings.
func Parse(name string, data []byte, opts ...ParseOption) (*Definitions, error) {
	cfg := parseConfig{maxSize: MaxFileSize}
	for _, o := range opts {
		o(&cfg)
	}
	doc := newDocument(name, data)
	fail := func(p Problem) (*Definitions, error) {
		return nil, &ParseError{Path: name, Problems: []Problem{p}}
	}
	if len(data) > cfg.maxSize {
		return fail(Problem{Rule: RuleLimit, Pos: doc.pos(0), Msg: fmt.Sprintf("file is %d bytes, more than the limit of %d bytes for a DMN file", len(data), cfg.maxSize)})
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(Problem{Rule: RuleParse, Pos: doc.pos(0), Msg: "file is empty: expected a DMN document (<definitions>)"})
	}
	root, prob := doc.read()
	if prob != nil {
		return fail(*prob)
	}
	if !root.dmn || root.local != "definitions" {
		return fail(Problem{Rule: RuleParse, Pos: root.pos, Msg: fmt.Sprintf("not a DMN document: root element <%s> in namespace %q; expected <definitions> in namespace https://www.omg.org/spec/DMN/20191111/MODEL/", root.local, root.el.NamespaceURI())})
	}
	p := &parser{doc: doc, defs: &Definitions{Path: name, byID: map[string]*Decision{}}}
	p.parseDefinitions(root)
	p.resolve()
	sortProblems(p.problems)
	sortProblems(p.warnings)
	p.defs.Warnings = p.warnings
	if len(p.problems) > 0 {
		return nil, &ParseError{Path: name, Problems: p.problems}
	}
	return p.defs, nil
}

type parser struct {
	doc      *document
	defs     *Definitions
	problems []Problem
	warnings []Problem
}

func (p *parser) problem(rule string, n *node, element, format string, args ...any) {
	p.problemAt(rule, n.pos, element, format, args...)
}

func (p *parser) problemAt(rule string, pos Pos, element, format string, args ...any) {
	if len(p.problems) < maxProblems {
		p.problems = append(p.problems, Problem{Rule: rule, Pos: pos, Element: element, Msg: fmt.Sprintf(format, args...)})
	}
}

func (p *parser) warn(rule string, n *node, element, format string, args ...any) {
	if len(p.warnings) < maxProblems {
		p.warnings = append(p.warnings, Problem{Rule: rule, Pos: n.pos, Element: element, Msg: fmt.Sprintf(format, args...)})
	}
}

func (p *parser) parseDefinitions(root *node) {
	p.defs.ID, p.defs.Name, p.defs.Namespace = root.attr("id"), root.attr("name"), root.attr("namespace")
	for _, c := range root.children {
		if !c.dmn {
			continue
		}
		switch c.local {
		case "decision":
			if len(p.defs.decisions) == MaxDecisions {
				p.problem(RuleLimit, c, c.attr("id"), "more than %d decisions in one file", MaxDecisions)
				return
			}
			p.parseDecision(c)
		case "businessKnowledgeModel", "decisionService":
			p.warn(RuleUnsupported, c, c.attr("id"), "<%s> %q is not evaluated: wfctl evaluates decision tables and literal expressions", c.local, c.attr("id"))
		}
	}
}

// logicElements are the DMN expression kinds a decision's logic can be.
var logicElements = map[string]bool{
	"decisionTable": true, "literalExpression": true, "context": true, "relation": true,
	"list": true, "invocation": true, "functionDefinition": true,
}

func (p *parser) parseDecision(n *node) {
	d := &Decision{ID: n.attr("id"), Name: n.attr("name"), Pos: n.pos}
	switch {
	case d.ID == "":
		p.problem(RuleParse, n, "", "decision %q has no id", d.Name)
	case p.defs.byID[d.ID] != nil:
		p.problem(RuleDRG, n, d.ID, "duplicate decision id %q (the first is at line %d)", d.ID, p.defs.byID[d.ID].Pos.Line)
	default:
		p.defs.byID[d.ID] = d
	}
	p.defs.decisions = append(p.defs.decisions, d)
	d.ResultName = d.ID
	if v := n.child("variable"); v != nil {
		if name := v.attr("name"); name != "" {
			d.ResultName = name
		}
		d.ResultType = v.attr("typeRef")
	}
	for _, req := range n.all("informationRequirement") {
		if rd := req.child("requiredDecision"); rd != nil {
			d.requiredRefs = append(d.requiredRefs, requirement{href: rd.attr("href"), pos: rd.pos})
		}
	}
	for _, req := range n.all("knowledgeRequirement") {
		p.problem(RuleUnsupported, req, d.ID, "decision %q requires a business knowledge model: wfctl evaluates decision tables and literal expressions only", d.ID)
	}
	var logic *node
	for _, c := range n.children {
		if c.dmn && logicElements[c.local] {
			logic = c
			break
		}
	}
	switch {
	case logic == nil:
		p.problem(RuleParse, n, d.ID, "decision %q has no decision logic: add a decision table or a literal expression", d.ID)
	case logic.local == "decisionTable":
		d.Table = p.parseTable(logic, d.ID)
	case logic.local == "literalExpression":
		d.Literal = &LiteralExpression{ID: logic.attr("id"), Expr: p.expression(logic, d.ID)}
	default:
		p.problem(RuleUnsupported, logic, d.ID, "decision %q is a <%s>: wfctl evaluates decision tables and literal expressions only", d.ID, logic.local)
	}
}

// feelLanguages are the expressionLanguage values Camunda accepts (the
// FEEL namespaces of DMN 1.1 to 1.5, and "feel").
func isFEEL(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "" || l == "feel" || strings.Contains(l, "/feel/") || strings.HasSuffix(l, "/feel") ||
		strings.HasPrefix(l, "http://www.omg.org/spec/feel/") || l == "https://www.omg.org/spec/dmn/20230324/model/"
}

// textOf returns the <text> child of an expression element, or a problem
// when it has none (Camunda: "The expression '...' must not be empty").
func (p *parser) textOf(n *node, element string) (*node, bool) {
	if lang := n.attr("expressionLanguage"); !isFEEL(lang) {
		p.problem(RuleUnsupported, n, element, "expression language %q is not supported: Camunda evaluates FEEL", lang)
		return nil, false
	}
	t := n.child("text")
	if t == nil {
		p.problem(RuleParse, n, element, "<%s> %s has no <text>: the expression must not be empty", n.local, idOr(n, element))
		return nil, false
	}
	return t, true
}

func idOr(n *node, fallback string) string {
	if id := n.attr("id"); id != "" {
		return fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("of %q", fallback)
}

// expression parses the FEEL expression in n's <text>.
func (p *parser) expression(n *node, element string) *feel.Expr {
	t, ok := p.textOf(n, element)
	if !ok {
		return nil
	}
	src := t.el.Text()
	x, err := feel.Parse(src)
	if err != nil {
		p.feelProblem(t, element, "FEEL expression", src, err)
		return nil
	}
	return x
}

// unaryTests parses the unary tests in n's <text>; empty text matches
// anything, as in Camunda.
func (p *parser) unaryTests(n *node, element string) (*feel.UnaryTests, bool) {
	t, ok := p.textOf(n, element)
	if !ok {
		return nil, false
	}
	src := t.el.Text()
	if src == "" {
		return nil, true
	}
	u, err := feel.ParseUnaryTests(src)
	if err != nil {
		p.feelProblem(t, element, "FEEL unary tests", src, err)
		return nil, false
	}
	return u, true
}

func (p *parser) feelProblem(t *node, element, what, src string, err error) {
	var se *feel.SyntaxError
	if !errors.As(err, &se) {
		p.problem(RuleFEEL, t, element, "%s %q: %v", what, clip(src), err)
		return
	}
	p.problemAt(RuleFEEL, p.doc.textPos(t.offset, se.Offset), element, "%s %q: %s", what, clip(src), se.Msg)
}

// sortProblems puts problems in document order (a cycle is found after
// the decisions it passes through).
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Offset < ps[j].Pos.Offset })
}

// clip shortens source text quoted in a message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
