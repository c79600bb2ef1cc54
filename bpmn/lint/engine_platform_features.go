package lint

import (
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/timersyntax"
)

// The facts wfctl/platform-version holds a file to: which Camunda 8
// version first runs what. They are bpmnlint-plugin-camunda-compat's, the
// rules Camunda Modeler applies per declared version: its element-type
// configuration for elements and event definitions, and its per-version
// rules (no-zeebe-user-task, no-binding-type, timer, ...) for what comes
// inside them. Zeebe 1.x versions count as 1.x.

// sinceElement is the first version that runs each element kind; kinds
// not listed ran from the start or are wfctl/element-type's business.
var sinceElement = map[bpmn.Kind]platformVersion{
	bpmn.KindBusinessRuleTask: {1, 1}, bpmn.KindManualTask: {1, 1}, bpmn.KindScriptTask: {1, 1},
	bpmn.KindSendTask: {1, 1}, bpmn.KindInclusiveGateway: {8, 1}, bpmn.KindTask: {8, 2},
	bpmn.KindAdHocSubProcess: {8, 7},
}

// sinceDefinition is the first version that runs an event definition on
// an event kind (engNoDefinition: the none event).
var sinceDefinition = map[bpmn.Kind]map[bpmn.Kind]platformVersion{
	bpmn.KindBoundaryEvent: {bpmn.KindCompensateEventDefinition: {8, 5}, bpmn.KindEscalationEventDefinition: {8, 2},
		bpmn.KindSignalEventDefinition: {8, 3}},
	bpmn.KindEndEvent: {bpmn.KindCompensateEventDefinition: {8, 5}, bpmn.KindEscalationEventDefinition: {8, 2},
		bpmn.KindMessageEventDefinition: {1, 2}, bpmn.KindSignalEventDefinition: {8, 3}, bpmn.KindTerminateEventDefinition: {8, 1}},
	bpmn.KindIntermediateCatchEvent: {bpmn.KindLinkEventDefinition: {8, 2}, bpmn.KindSignalEventDefinition: {8, 3}},
	bpmn.KindIntermediateThrowEvent: {engNoDefinition: {1, 1}, bpmn.KindCompensateEventDefinition: {8, 5},
		bpmn.KindEscalationEventDefinition: {8, 2}, bpmn.KindLinkEventDefinition: {8, 2}, bpmn.KindMessageEventDefinition: {1, 2},
		bpmn.KindSignalEventDefinition: {8, 3}},
	bpmn.KindStartEvent: {bpmn.KindEscalationEventDefinition: {8, 2}, bpmn.KindSignalEventDefinition: {8, 2}},
}

// A feature is something a later version added inside an element: what
// names it in messages (plural: "... came with Camunda 8.6, ... rejects
// them"), since is the first version that runs it, compat the
// camunda-compat rule that holds the fact, and uses reports whether a
// node uses it.
type feature struct {
	since  platformVersion
	what   string
	compat string
	uses   func(n *bpmn.FlowNode) bool
}

// nodeFeatures is in version order.
var nodeFeatures = []feature{
	{platformVersion{1, 3}, "called decisions (zeebe:calledDecision)", "implementation", usesCalledDecision},
	{platformVersion{8, 1}, "cron time cycles", "timer", usesCronCycle},
	{platformVersion{8, 1}, "extension properties (zeebe:properties)", "no-zeebe-properties", usesProperties},
	{platformVersion{8, 2}, "FEEL scripts (zeebe:script)", "implementation", usesScript},
	{platformVersion{8, 2}, "candidate users (candidateUsers on zeebe:assignmentDefinition)", "no-candidate-users", usesCandidateUsers},
	{platformVersion{8, 2}, "due and follow-up dates (zeebe:taskSchedule)", "no-task-schedule", hasZeebe("taskSchedule")},
	{platformVersion{8, 2}, `calls that do not pass all variables in (propagateAllParentVariables="false")`, "no-propagate-all-parent-variables", usesPartialPropagation},
	{platformVersion{8, 2}, "error catch events without an error (catching all errors)", "error-reference", usesCatchAllError},
	{platformVersion{8, 2}, "errorCode expressions on thrown errors", "no-expression", usesThrownErrorCodeExpression},
	{platformVersion{8, 3}, "timer dates (timeDate) on intermediate catch and boundary events", "timer", usesTimerDate},
	{platformVersion{8, 3}, "signal start events in sub-processes", "no-signal-event-sub-process", usesSubProcessSignalStart},
	{platformVersion{8, 3}, "start event forms (zeebe:formDefinition)", "start-event-form", usesStartEventForm},
	{platformVersion{8, 4}, "linked forms (formId on zeebe:formDefinition)", "user-task-form", usesLinkedForm},
	{platformVersion{8, 5}, "Camunda user tasks (zeebe:userTask)", "no-zeebe-user-task", usesCamundaUserTask},
	{platformVersion{8, 6}, "joining inclusive gateways", "inclusive-gateway", usesInclusiveJoin},
	{platformVersion{8, 6}, "execution listeners", "no-execution-listeners", hasZeebe("executionListeners")},
	{platformVersion{8, 6}, "priorities (zeebe:priorityDefinition)", "no-priority-definition", hasZeebe("priorityDefinition")},
	{platformVersion{8, 6}, `bindings other than "latest" (bindingType)`, "no-binding-type", usesBindingType},
	{platformVersion{8, 8}, "user task listeners", "no-task-listeners", hasZeebe("taskListeners")},
	{platformVersion{8, 8}, "job worker ad-hoc sub-processes (zeebe:taskDefinition)", "implementation", usesAdHocJobWorker},
	{platformVersion{8, 8}, "ad-hoc completion conditions (completionCondition)", "ad-hoc-sub-process", usesAdHocCompletion},
	{platformVersion{8, 8}, `ad-hoc sub-processes that keep running instances (cancelRemainingInstances="false")`, "ad-hoc-sub-process", usesAdHocKeepRunning},
	{platformVersion{8, 8}, "ad-hoc output collections (outputCollection, outputElement on zeebe:adHoc)", "ad-hoc-sub-process", usesAdHocOutput},
	{platformVersion{8, 8}, "inputs without a source (zeebe:input)", "io-mapping", usesSourcelessInput},
}

// A processFeature is a feature of a process's own extension elements.
type processFeature struct {
	since  platformVersion
	what   string
	compat string
	uses   func(z *bpmn.Zeebe) bool
}

var processFeatures = []processFeature{
	{platformVersion{8, 1}, "extension properties (zeebe:properties)", "no-zeebe-properties", func(z *bpmn.Zeebe) bool { return len(z.Properties) > 0 }},
	{platformVersion{8, 6}, "execution listeners", "no-execution-listeners", func(z *bpmn.Zeebe) bool { return z.OtherElement("executionListeners") != nil }},
	{platformVersion{8, 6}, "version tags (zeebe:versionTag)", "no-version-tag", func(z *bpmn.Zeebe) bool { return z.OtherElement("versionTag") != nil }},
}

// hasZeebe is a feature test for an untyped zeebe: extension element.
func hasZeebe(local string) func(*bpmn.FlowNode) bool {
	return func(n *bpmn.FlowNode) bool { return n.Zeebe.OtherElement(local) != nil }
}

// zeebeAttr reports whether extension element ze carries attribute name.
func zeebeAttr(ze bpmn.ZeebeElement, name string) (string, bool) {
	if ze.XML == nil {
		return "", false
	}
	a := ze.XML.SelectAttr(name)
	if a == nil {
		return "", false
	}
	return a.Value, true
}

// usesCalledDecision: before 1.3 a business rule task ran as a job only.
func usesCalledDecision(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindBusinessRuleTask && n.Zeebe.CalledDecision != nil
}

func usesProperties(n *bpmn.FlowNode) bool { return len(n.Zeebe.Properties) > 0 }

func usesScript(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindScriptTask && n.Zeebe.Script != nil
}

func usesCandidateUsers(n *bpmn.FlowNode) bool {
	if n.Kind != bpmn.KindUserTask || n.Zeebe.AssignmentDefinition == nil {
		return false
	}
	_, ok := zeebeAttr(n.Zeebe.AssignmentDefinition.ZeebeElement, "candidateUsers")
	return ok
}

// usesPartialPropagation: "true" (the default) is what 8.1 did anyway.
func usesPartialPropagation(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindCallActivity && n.Zeebe.CalledElement != nil &&
		n.Zeebe.CalledElement.PropagateAllParentVariables == "false"
}

// timerValues calls fn with the type and static value (trimmed, "" for an
// expression) of each of n's timers.
func timerValues(n *bpmn.FlowNode, fn func(t bpmn.TimerType, static string)) {
	for _, ed := range n.EventDefinitions {
		if ed.Timer == nil || ed.Timer.Type == bpmn.TimerNone {
			continue
		}
		static := ""
		if ed.Timer.Value != nil && !strings.HasPrefix(strings.TrimSpace(ed.Timer.Value.Text), "=") {
			static = strings.TrimSpace(ed.Timer.Value.Text)
		}
		fn(ed.Timer.Type, static)
	}
}

// usesCronCycle: a static cycle that is not an ISO 8601 repeating
// interval is cron to Zeebe. Only a valid one counts: wfctl/timer reports
// the others, and only where cycles are allowed at all.
func usesCronCycle(n *bpmn.FlowNode) bool {
	found := false
	timerValues(n, func(t bpmn.TimerType, static string) {
		if t != bpmn.TimerCycle || static == "" || strings.HasPrefix(static, "R") || !timerTypeAllowed(n, t) {
			return
		}
		if _, err := timersyntax.ParseCron(static); err == nil {
			found = true
		}
	})
	return found
}

// usesTimerDate: Zeebe first waited for a date at intermediate catch and
// boundary events in 8.3; start events had it from the start.
func usesTimerDate(n *bpmn.FlowNode) bool {
	if n.Kind != bpmn.KindIntermediateCatchEvent && n.Kind != bpmn.KindBoundaryEvent {
		return false
	}
	found := false
	timerValues(n, func(t bpmn.TimerType, _ string) { found = found || t == bpmn.TimerDate })
	return found
}

func timerTypeAllowed(n *bpmn.FlowNode, t bpmn.TimerType) bool {
	allowed, _ := timerTypesAt(n)
	for _, a := range allowed {
		if a == t {
			return true
		}
	}
	return false
}

// usesCatchAllError: an error catch event naming no error catches every
// error from 8.2; before, it had to name one.
func usesCatchAllError(n *bpmn.FlowNode) bool {
	if !n.Kind.IsCatchEvent() {
		return false
	}
	for _, ed := range n.EventDefinitions {
		if ed.Kind == bpmn.KindErrorEventDefinition && ed.ErrorRef == "" {
			return true
		}
	}
	return false
}

func usesThrownErrorCodeExpression(n *bpmn.FlowNode) bool {
	if !n.Kind.IsThrowEvent() {
		return false
	}
	for _, ed := range n.EventDefinitions {
		if ed.Kind == bpmn.KindErrorEventDefinition && ed.Error != nil && strings.HasPrefix(ed.Error.ErrorCode, "=") {
			return true
		}
	}
	return false
}

// usesSubProcessSignalStart: in 8.2 a signal started process instances
// only; 8.3 let it start (event) sub-processes.
func usesSubProcessSignalStart(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindStartEvent && n.Parent != nil && engHasDefinition(n, bpmn.KindSignalEventDefinition)
}

func usesStartEventForm(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindStartEvent && n.Zeebe.FormDefinition != nil
}

// usesLinkedForm: a job worker user task links a deployed form by formId
// from 8.4 (Web Modeler, which deploys forms with the process, allowed it
// from 8.0; wfctl follows the desktop Modeler). On a Camunda user task the
// 8.5 zeebe:userTask row covers it.
func usesLinkedForm(n *bpmn.FlowNode) bool {
	if n.Kind != bpmn.KindUserTask || n.Zeebe.UserTask != nil || n.Zeebe.FormDefinition == nil {
		return false
	}
	_, ok := zeebeAttr(n.Zeebe.FormDefinition.ZeebeElement, "formId")
	return ok
}

func usesCamundaUserTask(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindUserTask && n.Zeebe.UserTask != nil
}

func usesInclusiveJoin(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindInclusiveGateway && len(n.Incoming) > 1
}

// usesBindingType: before 8.6 a call activity, business rule task or
// user task always used the latest deployed process, decision or form.
func usesBindingType(n *bpmn.FlowNode) bool {
	var ze *bpmn.ZeebeElement
	switch {
	case n.Kind == bpmn.KindCallActivity && n.Zeebe.CalledElement != nil:
		ze = &n.Zeebe.CalledElement.ZeebeElement
	case n.Kind == bpmn.KindBusinessRuleTask && n.Zeebe.CalledDecision != nil:
		ze = &n.Zeebe.CalledDecision.ZeebeElement
	case n.Kind == bpmn.KindUserTask && n.Zeebe.FormDefinition != nil:
		ze = &n.Zeebe.FormDefinition.ZeebeElement
	default:
		return false
	}
	v, _ := zeebeAttr(*ze, "bindingType")
	return v != "" && v != "latest"
}

func usesAdHocJobWorker(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindAdHocSubProcess && n.Zeebe.TaskDefinition != nil
}

func usesAdHocCompletion(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindAdHocSubProcess && n.CompletionCondition != nil
}

// usesAdHocKeepRunning: "true" (the default) is what 8.7 did anyway.
func usesAdHocKeepRunning(n *bpmn.FlowNode) bool {
	v, _ := n.Attr("cancelRemainingInstances")
	return n.Kind == bpmn.KindAdHocSubProcess && v == "false"
}

func usesAdHocOutput(n *bpmn.FlowNode) bool {
	b := n.Zeebe.OtherElement("adHoc")
	if n.Kind != bpmn.KindAdHocSubProcess || b == nil {
		return false
	}
	_, collection := b.Attr("outputCollection")
	_, element := b.Attr("outputElement")
	return collection || element
}

// usesSourcelessInput: from 8.8 a zeebe:input may name only its target.
func usesSourcelessInput(n *bpmn.FlowNode) bool {
	if n.Zeebe.IOMapping == nil {
		return false
	}
	for _, in := range n.Zeebe.IOMapping.Inputs {
		if strings.TrimSpace(in.Source) == "" {
			return true
		}
	}
	return false
}
