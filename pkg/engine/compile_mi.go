package engine

import (
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// miDef is a multi-instance activity's loop: the body element stands in
// the flow (sequence flows and boundary events attach to it) and runs
// inner instances of the activity, one per item of the input collection.
type miDef struct {
	inner            *element
	sequential       bool
	inputCollection  *feel.Expr
	inputElement     string
	outputCollection string
	outputElement    *feel.Expr
	completion       *feel.Expr
}

// multiInstance wraps a compiled activity in its multi-instance body, as
// Zeebe does: the body has the activity's id and type MULTI_INSTANCE_BODY.
func (c *compiler) multiInstance(n *bpmn.FlowNode, inner *element) *element {
	l := n.Loop
	if !l.MultiInstance {
		c.errorf(n, "standard loops are not supported: use a sequential multi-instance")
		return nil
	}
	z := l.Zeebe
	if z == nil || strings.TrimSpace(z.InputCollection) == "" {
		c.errorf(n, "a multi-instance activity needs zeebe:loopCharacteristics with an inputCollection")
		return nil
	}
	mi := &miDef{inner: inner, sequential: l.IsSequential, inputElement: z.InputElement, outputCollection: z.OutputCollection}
	mi.inputCollection = c.feelAttr(n, "inputCollection", z.InputCollection)
	if z.OutputElement != "" {
		mi.outputElement = c.feelAttr(n, "outputElement", z.OutputElement)
	}
	if cc := completionCondition(l); cc != "" {
		mi.completion = c.feelAttr(n, "completionCondition", cc)
	}
	body := &element{id: n.ID, name: n.Name, typ: ElementMultiInstanceBody, model: c.p, scope: inner.scope, mi: mi}
	inner.scope, inner.body = body, body
	return body
}

// feelAttr parses an attribute that must be a FEEL expression; Zeebe
// reads these with or without the leading "=".
func (c *compiler) feelAttr(n *bpmn.FlowNode, what, text string) *feel.Expr {
	t := strings.TrimPrefix(strings.TrimSpace(text), "=")
	x, err := feel.Parse(t)
	if err != nil {
		c.errorf(n, "%s %q: %v", what, text, err)
	}
	return x
}

func completionCondition(l *bpmn.LoopCharacteristics) string {
	if l.XML == nil {
		return ""
	}
	for _, ch := range l.XML.ChildElements() {
		if ch.Tag == "completionCondition" {
			return strings.TrimSpace(ch.Text())
		}
	}
	return ""
}
