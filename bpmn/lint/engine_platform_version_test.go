package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn"
)

// A platformCase is the version a feature came with, as checked against
// bpmnlint-plugin-camunda-compat, and XML that uses it.
type platformCase struct{ since, xml string }

// nodeCases has, for each row of nodeFeatures, a process body that uses
// the feature on the element with id "X"; processCases, for each row of
// processFeatures, the extension elements of process "p" that use it.
// TestPlatformVersionBoundaries checks the tables say the same version
// and declares, for each, the version before the feature came (one
// report) and the version it came with (none).
var nodeCases = map[string]platformCase{
	"called decisions (zeebe:calledDecision)":                                             {"1.3", `<bpmn:businessRuleTask id="X"><bpmn:extensionElements><zeebe:calledDecision decisionId="d" resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>`},
	"cron time cycles":                                                                    {"8.1", `<bpmn:startEvent id="X"><bpmn:timerEventDefinition><bpmn:timeCycle>0 0 9 * * MON-FRI</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>`},
	"extension properties (zeebe:properties)":                                             {"8.1", `<bpmn:serviceTask id="X"><bpmn:extensionElements><zeebe:properties><zeebe:property name="a" value="b" /></zeebe:properties></bpmn:extensionElements></bpmn:serviceTask>`},
	"FEEL scripts (zeebe:script)":                                                         {"8.2", `<bpmn:scriptTask id="X"><bpmn:extensionElements><zeebe:script expression="=1" resultVariable="r" /></bpmn:extensionElements></bpmn:scriptTask>`},
	"candidate users (candidateUsers on zeebe:assignmentDefinition)":                      {"8.2", `<bpmn:userTask id="X"><bpmn:extensionElements><zeebe:assignmentDefinition candidateUsers="ann" /></bpmn:extensionElements></bpmn:userTask>`},
	"due and follow-up dates (zeebe:taskSchedule)":                                        {"8.2", `<bpmn:userTask id="X"><bpmn:extensionElements><zeebe:taskSchedule followUpDate="=later" /></bpmn:extensionElements></bpmn:userTask>`},
	`calls that do not pass all variables in (propagateAllParentVariables="false")`:       {"8.2", `<bpmn:callActivity id="X"><bpmn:extensionElements><zeebe:calledElement processId="c" propagateAllParentVariables="false" /></bpmn:extensionElements></bpmn:callActivity>`},
	"error catch events without an error (catching all errors)":                           {"8.2", `<bpmn:subProcess id="S" triggeredByEvent="true"><bpmn:startEvent id="X"><bpmn:errorEventDefinition /></bpmn:startEvent></bpmn:subProcess>`},
	"errorCode expressions on thrown errors":                                              {"8.2", `<bpmn:endEvent id="X"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:endEvent>`},
	"timer dates (timeDate) on intermediate catch and boundary events":                    {"8.3", `<bpmn:task id="T" /><bpmn:boundaryEvent id="X" attachedToRef="T" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDate>2025-03-01T09:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>`},
	"signal start events in sub-processes":                                                {"8.3", `<bpmn:subProcess id="S" triggeredByEvent="true"><bpmn:startEvent id="X"><bpmn:signalEventDefinition signalRef="Sig" /></bpmn:startEvent></bpmn:subProcess>`},
	"start event forms (zeebe:formDefinition)":                                            {"8.3", `<bpmn:startEvent id="X"><bpmn:extensionElements><zeebe:formDefinition formId="f" /></bpmn:extensionElements></bpmn:startEvent>`},
	"linked forms (formId on zeebe:formDefinition)":                                       {"8.4", `<bpmn:userTask id="X"><bpmn:extensionElements><zeebe:formDefinition formId="f" /></bpmn:extensionElements></bpmn:userTask>`},
	"Camunda user tasks (zeebe:userTask)":                                                 {"8.5", `<bpmn:userTask id="X"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>`},
	"joining inclusive gateways":                                                          {"8.6", `<bpmn:startEvent id="A" /><bpmn:startEvent id="B" /><bpmn:inclusiveGateway id="X" /><bpmn:sequenceFlow id="F1" sourceRef="A" targetRef="X" /><bpmn:sequenceFlow id="F2" sourceRef="B" targetRef="X" />`},
	"execution listeners":                                                                 {"8.6", `<bpmn:serviceTask id="X"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="end" type="t" /></zeebe:executionListeners></bpmn:extensionElements></bpmn:serviceTask>`},
	"priorities (zeebe:priorityDefinition)":                                               {"8.6", `<bpmn:userTask id="X"><bpmn:extensionElements><zeebe:priorityDefinition priority="1" /></bpmn:extensionElements></bpmn:userTask>`},
	`bindings other than "latest" (bindingType)`:                                          {"8.6", `<bpmn:businessRuleTask id="X"><bpmn:extensionElements><zeebe:calledDecision decisionId="d" resultVariable="r" bindingType="deployment" /></bpmn:extensionElements></bpmn:businessRuleTask>`},
	"user task listeners":                                                                 {"8.8", `<bpmn:userTask id="X"><bpmn:extensionElements><zeebe:userTask /><zeebe:taskListeners><zeebe:taskListener eventType="creating" type="t" /></zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>`},
	"job worker ad-hoc sub-processes (zeebe:taskDefinition)":                              {"8.8", `<bpmn:adHocSubProcess id="X"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements><bpmn:task id="T" /></bpmn:adHocSubProcess>`},
	"ad-hoc completion conditions (completionCondition)":                                  {"8.8", `<bpmn:adHocSubProcess id="X"><bpmn:task id="T" /><bpmn:completionCondition>=done</bpmn:completionCondition></bpmn:adHocSubProcess>`},
	`ad-hoc sub-processes that keep running instances (cancelRemainingInstances="false")`: {"8.8", `<bpmn:adHocSubProcess id="X" cancelRemainingInstances="false"><bpmn:task id="T" /></bpmn:adHocSubProcess>`},
	"ad-hoc output collections (outputCollection, outputElement on zeebe:adHoc)":          {"8.8", `<bpmn:adHocSubProcess id="X"><bpmn:extensionElements><zeebe:adHoc outputElement="=r" /></bpmn:extensionElements><bpmn:task id="T" /></bpmn:adHocSubProcess>`},
	"inputs without a source (zeebe:input)":                                               {"8.8", `<bpmn:serviceTask id="X"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input target="t" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`},
}

var processCases = map[string]platformCase{
	"extension properties (zeebe:properties)": {"8.1", `<zeebe:properties><zeebe:property name="a" value="b" /></zeebe:properties>`},
	"execution listeners":                     {"8.6", `<zeebe:executionListeners><zeebe:executionListener eventType="end" type="t" /></zeebe:executionListeners>`},
	"version tags (zeebe:versionTag)":         {"8.6", `<zeebe:versionTag value="v1" />`},
}

// platformDoc is a document declaring version v around one process body.
func platformDoc(t *testing.T, v platformVersion, body string) *bpmn.Document {
	t.Helper()
	src := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Defs" targetNamespace="t" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="%s.0">
  <bpmn:error id="Err" name="e" errorCode="=code" />
  <bpmn:signal id="Sig" name="s" />
  <bpmn:process id="p" isExecutable="true">%s</bpmn:process>
</bpmn:definitions>`, v, body)
	doc, err := bpmn.Parse("t.bpmn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// reportsOf runs wfctl/platform-version on doc and returns the reports
// naming what.
func reportsOf(doc *bpmn.Document, what string) []Report {
	c := &Check{Doc: doc, rule: enginePlatformVersion}
	enginePlatformVersion.Check(c)
	var out []Report
	for _, r := range c.reports {
		if strings.Contains(r.Message, what) {
			out = append(out, r)
		}
	}
	return out
}

// before is the minor version before v (8.0 before 8.1, 1.2 before 1.3).
func before(v platformVersion) platformVersion { return platformVersion{v.major, v.minor - 1} }

func TestPlatformVersionBoundaries(t *testing.T) {
	type row struct {
		what, element, body, want string
		since                     platformVersion
	}
	var rows []row
	for _, f := range nodeFeatures {
		c := nodeCases[f.what]
		rows = append(rows, row{f.what, "X", c.xml, c.since, f.since})
	}
	for _, f := range processFeatures {
		c := processCases[f.what]
		rows = append(rows, row{f.what, "p", "<bpmn:extensionElements>" + c.xml + "</bpmn:extensionElements>", c.since, f.since})
	}
	for _, r := range rows {
		t.Run(r.element+" "+r.what, func(t *testing.T) {
			if r.want != r.since.String() {
				t.Fatalf("the table says %q came with %s; its case says %q", r.what, r.since, r.want)
			}
			got := reportsOf(platformDoc(t, before(r.since), r.body), r.what)
			if len(got) != 1 || got[0].Element != r.element || !strings.Contains(got[0].Message, "came with Camunda "+r.since.String()) {
				t.Errorf("declaring %s: got %v, want one report on %s saying it came with %s", before(r.since), got, r.element, r.since)
			}
			if got := reportsOf(platformDoc(t, r.since, r.body), r.what); len(got) != 0 {
				t.Errorf("declaring %s: got %v, want none", r.since, got)
			}
		})
	}
}
