package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleTaskDefinition asks every element Camunda 8 runs as a job for its
// job type, and for the alternatives where there are some: service and
// send tasks, message intermediate throw and end events need one
// zeebe:taskDefinition with a type; a script task needs one zeebe:script
// (expression and resultVariable) or one zeebe:taskDefinition; a business
// rule task one zeebe:calledDecision (decisionId and resultVariable) or
// one zeebe:taskDefinition. These extensions anywhere else are mistakes
// (a user task is not a job worker's), and reported too.
const RuleTaskDefinition = "wfctl/task-definition"

var engineTaskDefinition = &Rule{
	ID:          RuleTaskDefinition,
	Description: "elements run by job workers have a zeebe:taskDefinition type (or a zeebe:script / zeebe:calledDecision), and only they",
	Check:       checkTaskDefinitions,
}

// engImplementation says which zeebe: extensions implement a node.
type engImplementation struct {
	// alternative is "script" or "calledDecision" when the node may use
	// that instead of a job worker.
	alternative string
	// optional marks an ad-hoc sub-process, which needs no job worker.
	optional bool
}

func engImplementationOf(n *bpmn.FlowNode) (engImplementation, bool) {
	switch n.Kind {
	case bpmn.KindServiceTask, bpmn.KindSendTask:
		return engImplementation{}, true
	case bpmn.KindScriptTask:
		return engImplementation{alternative: "script"}, true
	case bpmn.KindBusinessRuleTask:
		return engImplementation{alternative: "calledDecision"}, true
	case bpmn.KindAdHocSubProcess:
		return engImplementation{optional: true}, true
	case bpmn.KindIntermediateThrowEvent, bpmn.KindEndEvent:
		return engImplementation{}, engHasDefinition(n, bpmn.KindMessageEventDefinition)
	}
	return engImplementation{}, false
}

func checkTaskDefinitions(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		impl, ok := engImplementationOf(n)
		counts := map[string]int{}
		for _, ext := range []string{"taskDefinition", "script", "calledDecision"} {
			counts[ext] = n.ZeebeCount(ext)
			allowed := ok && (ext == "taskDefinition" || ext == impl.alternative)
			if counts[ext] > 0 && !allowed {
				c.Report(&n.Base, misplacedExtension(n, ext))
			}
		}
		if ok {
			checkImplementation(c, n, impl, counts)
		}
	})
}

func misplacedExtension(n *bpmn.FlowNode, ext string) string {
	msg := fmt.Sprintf("%s has a zeebe:%s, which Camunda 8 does not allow there: remove it", engLabel(n), ext)
	switch {
	case ext == "taskDefinition" && n.Kind == bpmn.KindUserTask:
		msg += `; a user task is completed through the tasklist, not by a job worker (use <zeebe:userTask/>), or make it a service task`
	case ext == "taskDefinition" && n.Kind.IsEvent():
		msg += "; only message throw and end events are run by job workers"
	}
	return msg
}

func checkImplementation(c *Check, n *bpmn.FlowNode, impl engImplementation, counts map[string]int) {
	td, alt := counts["taskDefinition"], counts[impl.alternative]
	switch {
	case td+alt == 0 && !impl.optional:
		c.Report(&n.Base, missingImplementation(n, impl))
	case td > 0 && alt > 0:
		c.Report(&n.Base, fmt.Sprintf("%s has both a zeebe:%s and a zeebe:taskDefinition: keep one: Camunda 8 runs a task one way only", engLabel(n), impl.alternative))
	case td > 1 || alt > 1:
		ext := "taskDefinition"
		if alt > 1 {
			ext = impl.alternative
		}
		c.Report(&n.Base, fmt.Sprintf("%s has %d zeebe:%s elements: keep exactly one", engLabel(n), max(td, alt), ext))
	case td == 1:
		checkTaskDefinition(c, n, n.Zeebe.TaskDefinition)
	case impl.alternative == "script":
		engRequireAttrs(c, n, "zeebe:script", map[string]string{"expression": n.Zeebe.Script.Expression, "resultVariable": n.Zeebe.Script.ResultVariable})
	case impl.alternative == "calledDecision":
		engRequireAttrs(c, n, "zeebe:calledDecision", map[string]string{"decisionId": n.Zeebe.CalledDecision.DecisionID, "resultVariable": n.Zeebe.CalledDecision.ResultVariable})
	}
}

func missingImplementation(n *bpmn.FlowNode, impl engImplementation) string {
	const job = `<zeebe:taskDefinition type="..."/>, the job type workers subscribe to`
	switch impl.alternative {
	case "script":
		return fmt.Sprintf(`%s has no implementation: add <zeebe:script expression="=..." resultVariable="..."/> to evaluate a FEEL expression, or %s`, engLabel(n), job)
	case "calledDecision":
		return fmt.Sprintf(`%s has no implementation: add <zeebe:calledDecision decisionId="..." resultVariable="..."/> to evaluate a DMN decision, or %s`, engLabel(n), job)
	}
	return fmt.Sprintf("%s has no zeebe:taskDefinition type: add %s", engLabel(n), job)
}

func checkTaskDefinition(c *Check, n *bpmn.FlowNode, td *bpmn.TaskDefinition) {
	if strings.TrimSpace(td.Type) == "" {
		c.ReportAt(n.ID, td.Pos, fmt.Sprintf(`the zeebe:taskDefinition of %s has no type: add type="...", the job type workers subscribe to`, engLabel(n)))
	}
	// An empty retries="" is fine: Zeebe reads empty attributes as absent
	// and takes the default of 3.
}

// engRequireAttrs reports each empty attribute of a zeebe: extension, in a
// fixed order.
func engRequireAttrs(c *Check, n *bpmn.FlowNode, ext string, attrs map[string]string) {
	for _, name := range []string{"expression", "decisionId", "resultVariable"} {
		v, ok := attrs[name]
		if ok && strings.TrimSpace(v) == "" {
			c.Report(&n.Base, fmt.Sprintf(`the %s of %s has no %s: add %s="..."`, ext, engLabel(n), name, name))
		}
	}
}
