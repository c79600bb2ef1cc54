package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RulePlatformVersion checks a file against the Camunda 8 version it
// declares (modeler:executionPlatformVersion), as Camunda Modeler does: an
// element, event definition or feature inside one (a Camunda user task, a
// binding type, a timer date at a catch event, ...) that came with a later
// version than the file targets is reported, since that version's engine
// rejects it. The versions, in engine_platform_features.go, are those
// bpmnlint-plugin-camunda-compat applies per version.
// The rule runs only with --engine auto (wfctl validate's default):
// `wfctl deploy` deploys to wfctl's engine, which runs 8.8's elements
// whatever version a file names, so it never blocks a deploy.
const RulePlatformVersion = "wfctl/platform-version"

var enginePlatformVersion = &Rule{
	ID:          RulePlatformVersion,
	Description: "elements, event definitions and extension features exist in the Camunda 8 version the file declares (modeler:executionPlatformVersion)",
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

func checkPlatformVersion(c *Check) {
	d := c.Doc.Definitions
	if d.ExecutionPlatform != bpmn.PlatformCamunda8 {
		return
	}
	declared, ok := parsePlatformVersion(d.ExecutionPlatformVersion)
	if !ok || !declared.less(currentPlatform) {
		return
	}
	// label is a func: most elements are not reported, and need not be named.
	need := func(b *bpmn.Base, label func() string, what string, since platformVersion) {
		if declared.less(since) {
			c.Report(b, fmt.Sprintf("%s: %s came with Camunda %s, but the file declares %s (modeler:executionPlatformVersion), whose engine rejects them: "+
				"raise the version it targets in Camunda Modeler, or do without", label(), what, since, declared))
		}
	}
	for _, p := range c.Executable() {
		for _, f := range processFeatures {
			if f.uses(&p.Zeebe) {
				need(&p.Base, func() string { return engProcessLabel(p) }, f.what, f.since)
			}
		}
	}
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		label := func() string { return engLabel(n) }
		if since, ok := sinceElement[n.Kind]; ok {
			need(&n.Base, label, plural(engKindWords[n.Kind]), since)
		}
		if defs := sinceDefinition[n.Kind]; defs != nil {
			if len(n.EventDefinitions) == 0 {
				if since, ok := defs[engNoDefinition]; ok {
					need(&n.Base, label, "none "+plural(engKindWords[n.Kind]), since)
				}
			}
			for _, ed := range n.EventDefinitions {
				if since, ok := defs[ed.Kind]; ok {
					need(&n.Base, label, engDefinitionWords[ed.Kind]+" definitions on "+plural(engKindWords[n.Kind]), since)
				}
			}
		}
		for _, f := range nodeFeatures {
			if declared.less(f.since) && f.uses(n) {
				need(&n.Base, label, f.what, f.since)
			}
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
