package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleCalledElement asks call activities for the process they call: one
// zeebe:calledElement with a processId (the BPMN calledElement attribute
// is not read by Camunda 8).
const RuleCalledElement = "wfctl/called-element"

var engineCalledElement = &Rule{
	ID:          RuleCalledElement,
	Description: "call activities have one zeebe:calledElement with a processId",
	Check:       checkCalledElements,
}

func checkCalledElements(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		if n.Kind != bpmn.KindCallActivity {
			return
		}
		switch count := n.ZeebeCount("calledElement"); {
		case count == 0 || n.Zeebe.CalledElement == nil:
			msg := fmt.Sprintf(`%s calls no process: add <zeebe:calledElement processId="..."/>, the id of the process to call`, engLabel(n))
			if n.CalledElement != "" {
				msg = fmt.Sprintf(`%s calls no process: add <zeebe:calledElement processId=%q/>; Camunda 8 ignores the calledElement attribute`, engLabel(n), n.CalledElement)
			}
			c.Report(&n.Base, msg)
		case count > 1:
			c.Report(&n.Base, fmt.Sprintf("%s has %d zeebe:calledElement elements: keep exactly one", engLabel(n), count))
		case strings.TrimSpace(n.Zeebe.CalledElement.ProcessID) == "":
			c.Report(&n.Base, fmt.Sprintf(`the zeebe:calledElement of %s has no processId: add processId="...", the id of the process to call`, engLabel(n)))
		}
	})
}
