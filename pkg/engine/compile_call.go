package engine

import (
	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// callDef is a call activity's zeebe:calledElement.
type callDef struct {
	processID      string
	processIDExpr  *feel.Expr
	propagateChild bool // propagateAllChildVariables (default true)
	propagateAll   bool // propagateAllParentVariables (default true)
}

func (c *compiler) callActivity(n *bpmn.FlowNode, el *element) bool {
	ce := n.Zeebe.CalledElement
	if ce == nil || ce.ProcessID == "" {
		c.errorf(n, "a call activity needs zeebe:calledElement with a processId")
		return false
	}
	cd := &callDef{propagateChild: ce.PropagateAllChildVariables != "false", propagateAll: ce.PropagateAllParentVariables != "false"}
	var err error
	if cd.processIDExpr, cd.processID, err = c.stringExpr(ce.ProcessID); err != nil {
		c.errorf(n, "called process id: %v", err)
		return false
	}
	el.call = cd
	return true
}
