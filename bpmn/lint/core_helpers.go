package lint

import "github.com/wfctl/wfctl/bpmn"

// scope is a flow elements container as bpmnlint sees it: a process or a
// sub-process of any kind (embedded, event, ad-hoc, transaction).
type scope struct {
	base *bpmn.Base
	c    *bpmn.Container
	// node is the sub-process, nil for a process.
	node *bpmn.FlowNode
	// process is the process the scope belongs to.
	process *bpmn.Process
}

func (s scope) isSubProcess() bool { return s.node != nil }

// typeName is "Process" or "Sub process", as bpmnlint's messages say.
func (s scope) typeName() string {
	if s.isSubProcess() {
		return "Sub process"
	}
	return "Process"
}

// scopes calls fn for every process and sub-process, outer first.
func scopes(d *bpmn.Definitions, fn func(scope)) {
	for _, p := range d.Processes {
		s := scope{base: &p.Base, c: &p.Container, process: p}
		fn(s)
		subScopes(s, fn)
	}
}

func subScopes(s scope, fn func(scope)) {
	for _, n := range s.c.FlowNodes {
		if n.Sub == nil {
			continue
		}
		sub := scope{base: &n.Base, c: n.Sub, node: n, process: s.process}
		fn(sub)
		subScopes(sub, fn)
	}
}

// flowNodes calls fn for every flow node of every process, however deep.
func flowNodes(d *bpmn.Definitions, fn func(*bpmn.FlowNode)) {
	for _, p := range d.Processes {
		p.Walk(func(n *bpmn.FlowNode) {
			if n.Kind.IsFlowNode() {
				fn(n)
			}
		})
	}
}

// sequenceFlows calls fn for every sequence flow of every process.
func sequenceFlows(d *bpmn.Definitions, fn func(*bpmn.SequenceFlow)) {
	for _, p := range d.Processes {
		p.SequenceFlowsDeep(fn)
	}
}

// inAdHoc reports whether n sits directly in an ad-hoc sub-process.
func inAdHoc(n *bpmn.FlowNode) bool {
	return n.Parent != nil && n.Parent.Kind == bpmn.KindAdHocSubProcess
}

// isDefault reports whether f is n's default flow.
func isDefault(n *bpmn.FlowNode, f *bpmn.SequenceFlow) bool {
	return n.Default != nil && n.Default == f
}

// allDefinitions reports whether n has at least one event definition and
// all are of kind k.
func allDefinitions(n *bpmn.FlowNode, k bpmn.Kind) bool {
	if len(n.EventDefinitions) == 0 {
		return false
	}
	for _, ed := range n.EventDefinitions {
		if ed.Kind != k {
			return false
		}
	}
	return true
}

// hasDefinition reports whether n has an event definition of kind k.
func hasDefinition(n *bpmn.FlowNode, k bpmn.Kind) bool {
	for _, ed := range n.EventDefinitions {
		if ed.Kind == k {
			return true
		}
	}
	return false
}

// reportID reports on the element with the given id, wherever it is.
func (c *Check) reportID(id, msg string) {
	pos := c.Doc.Definitions.Pos
	if b := bpmn.BaseOf(c.Doc.ByID(id)); b != nil {
		pos = b.Pos
	}
	c.ReportAt(id, pos, msg)
}
