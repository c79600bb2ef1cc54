package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleLinkEvent checks link events as Zeebe does: every link event has a
// name; no two link catch events of a process share a name (Zeebe counts
// the catch events of nested sub-processes with their parents'); and every
// link throw event has a catch event of its name in its scope or a
// sub-process of it.
const RuleLinkEvent = "wfctl/link-event"

var engineLinkEvent = &Rule{
	ID:          RuleLinkEvent,
	Description: "link events are named, catch names are unique in a process, and every throw has its catch",
	Check:       checkLinkEvents,
}

// engLinkCatches returns the link catch events in nodes and, recursively, in
// their sub-processes.
func engLinkCatches(nodes []*bpmn.FlowNode) []*bpmn.FlowNode {
	var out []*bpmn.FlowNode
	for _, n := range nodes {
		if n.Kind == bpmn.KindIntermediateCatchEvent && engHasDefinition(n, bpmn.KindLinkEventDefinition) {
			out = append(out, n)
		}
		if n.Sub != nil {
			out = append(out, engLinkCatches(n.Sub.FlowNodes)...)
		}
	}
	return out
}

// engLinkNames returns the names of n's link definitions.
func engLinkNames(n *bpmn.FlowNode) []string {
	var names []string
	for _, ed := range n.EventDefinitions {
		if ed.Kind == bpmn.KindLinkEventDefinition {
			names = append(names, ed.Name)
		}
	}
	return names
}

func checkLinkEvents(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		for _, name := range engLinkNames(n) {
			if strings.TrimSpace(name) == "" {
				c.Report(&n.Base, fmt.Sprintf(`%s has no link name: add name="..." to its <bpmn:linkEventDefinition>; a link throw continues at the link catch of the same name`, engLabel(n)))
			}
		}
	})
	for _, p := range c.Executable() {
		checkDuplicateLinkCatches(c, p)
	}
	c.engScopes(func(owner *bpmn.FlowNode, p *bpmn.Process, nodes []*bpmn.FlowNode) {
		caught := map[string]bool{}
		for _, n := range engLinkCatches(nodes) {
			for _, name := range engLinkNames(n) {
				caught[name] = true
			}
		}
		for _, n := range nodes {
			if n.Kind != bpmn.KindIntermediateThrowEvent {
				continue
			}
			for _, name := range engLinkNames(n) {
				if name != "" && !caught[name] {
					c.Report(&n.Base, fmt.Sprintf("%s links to %q, but no link catch event of that name is in its scope: add one, or fix the name", engLabel(n), name))
				}
			}
		}
	})
}

func checkDuplicateLinkCatches(c *Check, p *bpmn.Process) {
	byName := map[string][]*bpmn.FlowNode{}
	catches := engLinkCatches(p.FlowNodes)
	for _, n := range catches {
		for _, name := range engLinkNames(n) {
			if name != "" {
				byName[name] = append(byName[name], n)
			}
		}
	}
	for _, n := range catches {
		for _, name := range engLinkNames(n) {
			if len(byName[name]) > 1 {
				c.Report(&n.Base, fmt.Sprintf("%s shares the link name %q with %d other link catch event(s) of %s: link names must be unique in a process", engLabel(n), name, len(byName[name])-1, engProcessLabel(p)))
			}
		}
	}
}
