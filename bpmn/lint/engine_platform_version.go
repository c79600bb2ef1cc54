package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RulePlatformVersion checks a file against the Camunda 8 version it
// declares (modeler:executionPlatformVersion), as Camunda Modeler does: an
// element or event definition that came with a later version than the
// file targets is reported, since that version's engine rejects it. The
// versions are Camunda's release history (the same facts
// bpmnlint-plugin-camunda-compat's element-type configuration records).
// The rule runs only with --engine auto (wfctl validate's default):
// `wfctl deploy` deploys to wfctl's engine, which runs 8.8's elements
// whatever version a file names, so it never blocks a deploy.
const RulePlatformVersion = "wfctl/platform-version"

var enginePlatformVersion = &Rule{
	ID:          RulePlatformVersion,
	Description: "elements and event definitions exist in the Camunda 8 version the file declares (modeler:executionPlatformVersion)",
	Check:       checkPlatformVersion,
}

// platformVersion is a Camunda version, major and minor.
type platformVersion struct{ major, minor int }

func (v platformVersion) less(o platformVersion) bool {
	return v.major < o.major || (v.major == o.major && v.minor < o.minor)
}

func (v platformVersion) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }

// parsePlatformVersion reads "8.2.0" or "8.2".
func parsePlatformVersion(s string) (platformVersion, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 2 {
		return platformVersion{}, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return platformVersion{major, minor}, err1 == nil && err2 == nil
}

// The version wfctl's engine rules are written for: a file declaring it or
// a later one is not checked by this rule.
var currentPlatform = platformVersion{8, 8}

// sinceElement is the first Camunda 8 version (Zeebe 1.x counted as 1.x)
// that runs each element kind; kinds not listed ran from the start or are
// wfctl/element-type's business.
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

// Features inside elements: joining inclusive gateways came with 8.6,
// execution listeners with 8.6, user task listeners with 8.7.
var (
	sinceInclusiveJoin      = platformVersion{8, 6}
	sinceExecutionListeners = platformVersion{8, 6}
	sinceTaskListeners      = platformVersion{8, 7}
)

func checkPlatformVersion(c *Check) {
	d := c.Doc.Definitions
	if d.ExecutionPlatform != bpmn.PlatformCamunda8 {
		return
	}
	declared, ok := parsePlatformVersion(d.ExecutionPlatformVersion)
	if !ok || !declared.less(currentPlatform) {
		return
	}
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		need := func(what string, since platformVersion) {
			if declared.less(since) {
				c.Report(&n.Base, fmt.Sprintf("%s: %s came with Camunda %s, but the file declares %s (modeler:executionPlatformVersion), whose engine rejects them: "+
					"raise the version it targets in Camunda Modeler, or do without", engLabel(n), what, since, declared))
			}
		}
		if since, ok := sinceElement[n.Kind]; ok {
			need(plural(engKindWords[n.Kind]), since)
		}
		if defs := sinceDefinition[n.Kind]; defs != nil {
			if len(n.EventDefinitions) == 0 {
				if since, ok := defs[engNoDefinition]; ok {
					need("none "+plural(engKindWords[n.Kind]), since)
				}
			}
			for _, ed := range n.EventDefinitions {
				if since, ok := defs[ed.Kind]; ok {
					need(engDefinitionWords[ed.Kind]+" definitions on "+plural(engKindWords[n.Kind]), since)
				}
			}
		}
		if n.Kind == bpmn.KindInclusiveGateway && len(n.Incoming) > 1 {
			need("joining inclusive gateways", sinceInclusiveJoin)
		}
		if n.Zeebe.OtherElement("executionListeners") != nil {
			need("execution listeners", sinceExecutionListeners)
		}
		if n.Zeebe.OtherElement("taskListeners") != nil {
			need("user task listeners", sinceTaskListeners)
		}
	})
}

// plural is "ad-hoc sub-processes", "boundary events".
func plural(kind string) string {
	if strings.HasSuffix(kind, "s") {
		return kind + "es"
	}
	return kind + "s"
}
