package engine

import (
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Tasks: what each task kind runs (a job, a FEEL script, a message
// subscription) and the definitions they read.

func (c *compiler) task(n *bpmn.FlowNode, el *element) bool {
	switch n.Kind {
	case bpmn.KindTask:
		el.typ = ElementTask
	case bpmn.KindManualTask:
		el.typ = ElementManualTask
	case bpmn.KindServiceTask:
		el.typ = ElementServiceTask
		c.jobDef(n, el)
	case bpmn.KindSendTask:
		el.typ = ElementSendTask
		c.jobDef(n, el)
	case bpmn.KindUserTask:
		el.typ = ElementUserTask
		c.userTask(n, el)
	case bpmn.KindScriptTask:
		el.typ = ElementScriptTask
		c.scriptTask(n, el)
	case bpmn.KindBusinessRuleTask:
		el.typ = ElementBusinessRuleTask
		if d := n.Zeebe.CalledDecision; d != nil && n.Zeebe.TaskDefinition == nil {
			c.calledDecision(n, el, d.DecisionID, d.ResultVariable)
		} else {
			c.jobDef(n, el)
		}
	case bpmn.KindReceiveTask:
		el.typ = ElementReceiveTask
		if n.Instantiate {
			c.errorf(n, "instantiating receive tasks are not supported: use a message start event")
			return false
		}
		el.msg = c.messageDef(n, n.Message)
	}
	return true
}

func (c *compiler) scriptTask(n *bpmn.FlowNode, el *element) {
	s := n.Zeebe.Script
	if s == nil || n.Zeebe.TaskDefinition != nil {
		c.jobDef(n, el)
		return
	}
	x, static, err := parseExpression(s.Expression)
	if err != nil || x == nil {
		c.errorf(n, "zeebe:script expression %q is not a FEEL expression (=...): %v", s.Expression, err)
		_ = static
		return
	}
	el.script, el.resultVar = x, s.ResultVariable
}

func (c *compiler) userTask(n *bpmn.FlowNode, el *element) {
	el.job = &jobDef{typ: userTaskJobType, retries: 1, headers: map[string]string{}}
	if a := n.Zeebe.AssignmentDefinition; a != nil {
		c.addHeader(n, el.job, "io.camunda.zeebe:assignee", a.Assignee)
		c.addHeader(n, el.job, "io.camunda.zeebe:candidateGroups", a.CandidateGroups)
		c.addHeader(n, el.job, "io.camunda.zeebe:candidateUsers", a.CandidateUsers)
	}
	if f := n.Zeebe.FormDefinition; f != nil {
		c.addHeader(n, el.job, "io.camunda.zeebe:formKey", f.FormKey)
	}
	for _, h := range n.Zeebe.TaskHeaders {
		el.job.headers[h.Key] = h.Value
	}
}

func (c *compiler) addHeader(n *bpmn.FlowNode, j *jobDef, k, v string) {
	if v == "" {
		return
	}
	x, _, err := parseExpression(v)
	switch {
	case err != nil:
		c.errorf(n, "%s: %v", k, err)
	case x != nil:
		if j.headerExprs == nil {
			j.headerExprs = map[string]*feel.Expr{}
		}
		j.headerExprs[k] = x
	default:
		j.headers[k] = v
	}
}

func (c *compiler) jobDef(n *bpmn.FlowNode, el *element) {
	td := n.Zeebe.TaskDefinition
	if td == nil || td.Type == "" {
		c.errorf(n, "has no zeebe:taskDefinition type")
		return
	}
	j := &jobDef{retries: 3, headers: map[string]string{}}
	var err error
	if j.typExpr, j.typ, err = c.stringExpr(td.Type); err != nil {
		c.errorf(n, "job type: %v", err)
	}
	if td.Retries != "" {
		x, static, err := parseExpression(td.Retries)
		switch {
		case err != nil:
			c.errorf(n, "job retries: %v", err)
		case x != nil:
			j.retriesExpr = x
		default:
			// Zeebe deploys a static value that is not a number and
			// raises an incident when it creates the job.
			r, err := strconv.Atoi(strings.TrimSpace(static.(string)))
			j.retries, j.badRetries, j.retriesText = int32(r), err != nil, td.Retries
		}
	}
	for _, h := range n.Zeebe.TaskHeaders {
		j.headers[h.Key] = h.Value
	}
	el.job = j
}

// stringExpr reads an attribute that is either static text or "=FEEL".
func (c *compiler) stringExpr(text string) (*feel.Expr, string, error) {
	x, static, err := parseExpression(text)
	if err != nil || x != nil {
		return x, "", err
	}
	return nil, static.(string), nil
}

func (c *compiler) messageDef(n *bpmn.FlowNode, m *bpmn.Message) *messageDef {
	if m == nil {
		c.errorf(n, "references no message")
		return nil
	}
	md := &messageDef{}
	var err error
	if md.nameExpr, md.name, err = c.stringExpr(m.Name); err != nil {
		c.errorf(n, "message name: %v", err)
	}
	if s := m.Zeebe.Subscription; s != nil {
		if md.corrKeyExpr, md.corrKey, err = c.stringExpr(s.CorrelationKey); err != nil {
			c.errorf(n, "correlation key: %v", err)
		}
		md.corrKeyVar = plainName(md.corrKeyExpr)
	}
	return md
}

// plainName returns the variable an expression consists of, or "" when
// it is anything else.
func plainName(x *feel.Expr) string {
	if x == nil {
		return ""
	}
	names := feel.Names(x)
	if len(names) != 1 || strings.TrimSpace(x.Source()) != names[0] {
		return ""
	}
	return names[0]
}
