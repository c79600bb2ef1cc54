package lint

import "github.com/wfctl/wfctl/bpmn"

var noComplexGateway = discouragedKind("no-complex-gateway", bpmn.KindComplexGateway, "bpmn:ComplexGateway")

var noInclusiveGateway = discouragedKind("no-inclusive-gateway", bpmn.KindInclusiveGateway, "bpmn:InclusiveGateway")

// discouragedKind makes a rule that reports every flow node of kind k.
func discouragedKind(id string, k bpmn.Kind, typeName string) *Rule {
	msg := "Element type <" + typeName + "> is discouraged"
	return &Rule{
		ID:          id,
		Description: "no " + typeName + "; it is hard to read and often misunderstood",
		Check: func(c *Check) {
			flowNodes(c.Doc.Definitions, func(n *bpmn.FlowNode) {
				if n.Kind == k {
					c.Report(&n.Base, msg)
				}
			})
		},
	}
}
