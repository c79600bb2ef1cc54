package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleErrorReference checks errors as Zeebe does: an error end event
// throws a bpmn:error with an errorCode (catch events match on it); a
// catch event may omit the error (it then catches all), but the code of
// an error it names cannot be a FEEL expression. Unlike
// bpmnlint-plugin-camunda-compat, a catch event's error may lack a code.
const RuleErrorReference = "wfctl/error-reference"

var engineErrorReference = &Rule{
	ID:          RuleErrorReference,
	Description: "error end events throw an error with an errorCode; error catch events match static codes",
	Check:       checkErrorReferences,
}

func checkErrorReferences(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		for _, ed := range n.EventDefinitions {
			if ed.Kind != bpmn.KindErrorEventDefinition {
				continue
			}
			if msg := errorProblem(n, ed); msg != "" {
				c.Report(&n.Base, msg)
			}
		}
	})
}

func errorProblem(n *bpmn.FlowNode, ed *bpmn.EventDefinition) string {
	if n.Kind != bpmn.KindEndEvent {
		if ed.Error != nil && strings.HasPrefix(ed.Error.ErrorCode, "=") {
			return fmt.Sprintf("error %s caught by %s has the errorCode expression %q: catch events match error codes literally; use a static code", engName(&ed.Error.Base), engLabel(n), ed.Error.ErrorCode)
		}
		return ""
	}
	switch {
	case ed.ErrorRef == "":
		return fmt.Sprintf(`%s throws no error: add errorRef="..." naming a <bpmn:error errorCode="...">, the code catch events match`, engLabel(n))
	case ed.Error == nil:
		return fmt.Sprintf(`%s throws error %q, which is not a <bpmn:error> of this document: define it or fix errorRef`, engLabel(n), ed.ErrorRef)
	case strings.TrimSpace(ed.Error.ErrorCode) == "":
		return fmt.Sprintf(`error %s thrown by %s has no errorCode: add errorCode="...", the code catch events match`, engName(&ed.Error.Base), engLabel(n))
	}
	return ""
}
