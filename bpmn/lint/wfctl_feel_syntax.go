package lint

import (
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleFEELSyntax is the id of the FEEL syntax rule.
const RuleFEELSyntax = "wfctl/feel-syntax"

// engineFEELSyntax checks every "="-expression of executable processes:
// Zeebe parses them at deploy and rejects the model when one does not
// parse. The report points at the error inside the attribute or element
// text, not only at the element.
var engineFEELSyntax = &Rule{
	ID:          RuleFEELSyntax,
	Description: "every FEEL expression (=...) in conditions, correlation keys, mappings, collections, timers, called ids and scripts parses",
	Check: func(c *Check) {
		if c.ParseExpr == nil {
			return
		}
		for _, x := range expressionsOf(c) {
			text := strings.TrimSpace(x.value)
			src, ok := strings.CutPrefix(text, "=")
			if !ok {
				continue
			}
			if e := c.ParseExpr(src); e != nil {
				pos := x.pos(c.Doc, strings.Index(x.value, "=")+1+e.Offset)
				c.ReportAt(x.owner.ID, pos, "FEEL syntax error in "+x.what+" of "+describeBase(x.owner)+": "+e.Msg+" (in "+quote(text)+")")
			}
		}
	},
}

// expression is one expression of a model and where it is written.
type expression struct {
	owner *bpmn.Base
	what  string // "condition", "correlation key", ...
	value string
	// elem is the position of the XML element holding it; attr is the
	// attribute name, or "" when the expression is the element's text.
	elem bpmn.Pos
	attr string
}

// pos locates byte offset off of the expression's value in the file.
func (x expression) pos(d *bpmn.Document, off int) bpmn.Pos {
	if x.attr == "" {
		return d.TextPos(x.elem, off)
	}
	return d.AttrValuePos(x.elem, x.attr, off)
}

// expressionsOf lists the expressions of the executable processes.
func expressionsOf(c *Check) []expression {
	var out []expression
	add := func(owner *bpmn.Base, what, value string, elem bpmn.Pos, attr string) {
		if strings.HasPrefix(strings.TrimSpace(value), "=") {
			out = append(out, expression{owner, what, value, elem, attr})
		}
	}
	for _, p := range c.Executable() {
		p.SequenceFlowsDeep(func(f *bpmn.SequenceFlow) {
			if f.Condition != nil {
				add(&f.Base, "condition", rawText(f.Condition), f.Condition.Pos, "")
			}
		})
		p.Walk(func(n *bpmn.FlowNode) { out = append(out, nodeExpressions(&n.Base, n)...) })
	}
	for _, m := range usedMessages(c) {
		if s := m.Zeebe.Subscription; s != nil {
			add(&m.Base, "correlation key", s.CorrelationKey, s.Pos, "correlationKey")
		}
	}
	return out
}

func nodeExpressions(b *bpmn.Base, n *bpmn.FlowNode) []expression {
	var out []expression
	add := func(what, value string, elem bpmn.Pos, attr string) {
		if strings.HasPrefix(strings.TrimSpace(value), "=") {
			out = append(out, expression{b, what, value, elem, attr})
		}
	}
	z := &n.Zeebe
	if td := z.TaskDefinition; td != nil {
		add("job type", td.Type, td.Pos, "type")
		add("job retries", td.Retries, td.Pos, "retries")
	}
	if io := z.IOMapping; io != nil {
		for _, m := range io.Inputs {
			add("input mapping", m.Source, m.Pos, "source")
		}
		for _, m := range io.Outputs {
			add("output mapping", m.Source, m.Pos, "source")
		}
	}
	if ce := z.CalledElement; ce != nil {
		add("called process id", ce.ProcessID, ce.Pos, "processId")
	}
	if s := z.Script; s != nil {
		add("script", s.Expression, s.Pos, "expression")
	}
	if d := z.CalledDecision; d != nil {
		add("called decision id", d.DecisionID, d.Pos, "decisionId")
	}
	if a := z.AssignmentDefinition; a != nil {
		add("assignee", a.Assignee, a.Pos, "assignee")
		add("candidate groups", a.CandidateGroups, a.Pos, "candidateGroups")
		add("candidate users", a.CandidateUsers, a.Pos, "candidateUsers")
	}
	if l := n.Loop; l != nil && l.Zeebe != nil {
		add("input collection", l.Zeebe.InputCollection, l.Zeebe.Pos, "inputCollection")
		add("output element", l.Zeebe.OutputElement, l.Zeebe.Pos, "outputElement")
	}
	if cc := n.CompletionCondition; cc != nil {
		add("completion condition", rawText(cc), cc.Pos, "")
	}
	for _, ed := range n.EventDefinitions {
		if t := ed.Timer; t != nil && t.Value != nil {
			add("timer", rawText(t.Value), t.Value.Pos, "")
		}
		if ed.Condition != nil {
			add("condition", rawText(ed.Condition), ed.Condition.Pos, "")
		}
	}
	return out
}

// rawText is an expression's text as the engine reads it.
func rawText(e *bpmn.Expression) string { return e.Text }

// usedMessages returns the messages referenced from executable processes.
func usedMessages(c *Check) []*bpmn.Message {
	seen := map[*bpmn.Message]bool{}
	var out []*bpmn.Message
	use := func(m *bpmn.Message) {
		if m != nil && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		use(n.Message)
		for _, ed := range n.EventDefinitions {
			use(ed.Message)
		}
	})
	return out
}

func describeBase(b *bpmn.Base) string {
	if b.Name != "" {
		return b.Type + " " + quote(b.Name)
	}
	return b.Type + " " + b.ID
}

func quote(s string) string { return "\"" + s + "\"" }
