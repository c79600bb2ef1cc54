package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleLoopCharacteristics checks multi-instance activities: Zeebe needs
// one zeebe:loopCharacteristics with an inputCollection to know what to
// iterate over, and outputCollection and outputElement together or not
// at all. (Standard loops are wfctl/element-type's: Zeebe has none.)
const RuleLoopCharacteristics = "wfctl/loop-characteristics"

var engineLoopCharacteristics = &Rule{
	ID:          RuleLoopCharacteristics,
	Description: "multi-instance activities have a zeebe:loopCharacteristics inputCollection, and outputCollection with outputElement",
	Check:       checkLoopCharacteristics,
}

func checkLoopCharacteristics(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		l := n.Loop
		if l == nil || !l.MultiInstance {
			return
		}
		switch count := l.ZeebeCount("loopCharacteristics"); {
		case count == 0 || l.Zeebe == nil:
			c.Report(&n.Base, fmt.Sprintf(`multi-instance %s has no zeebe:loopCharacteristics: add <zeebe:loopCharacteristics inputCollection="=items" inputElement="item"/> to its <bpmn:multiInstanceLoopCharacteristics>, the collection to create an instance per element of`, engLabel(n)))
			return
		case count > 1:
			c.Report(&n.Base, fmt.Sprintf("multi-instance %s has %d zeebe:loopCharacteristics: keep exactly one", engLabel(n), count))
		}
		z := l.Zeebe
		if strings.TrimSpace(z.InputCollection) == "" {
			c.Report(&n.Base, fmt.Sprintf(`the zeebe:loopCharacteristics of multi-instance %s has no inputCollection: add inputCollection="=...", the collection to create an instance per element of`, engLabel(n)))
		}
		hasColl, hasElem := strings.TrimSpace(z.OutputCollection) != "", strings.TrimSpace(z.OutputElement) != ""
		switch {
		case hasColl && !hasElem:
			c.Report(&n.Base, fmt.Sprintf(`the zeebe:loopCharacteristics of multi-instance %s has an outputCollection but no outputElement: add outputElement="=...", the value each instance contributes`, engLabel(n)))
		case hasElem && !hasColl:
			c.Report(&n.Base, fmt.Sprintf(`the zeebe:loopCharacteristics of multi-instance %s has an outputElement but no outputCollection: add outputCollection="...", the variable collecting the results`, engLabel(n)))
		}
	})
}
