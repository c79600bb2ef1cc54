package lint

import "github.com/wfctl/wfctl/bpmn"

// linkEvent: link events come in pairs of throw and catch with one name,
// within one process or sub-process.
var linkEvent = &Rule{
	ID:          "link-event",
	Description: "link events are named, and each link throw has exactly one catch in its scope",
	Check: func(c *Check) {
		scopes(c.Doc.Definitions, func(s scope) {
			groups := map[string][]*bpmn.FlowNode{}
			var order []string
			for _, n := range s.c.FlowNodes {
				if !n.Kind.IsEvent() || !hasDefinition(n, bpmn.KindLinkEventDefinition) {
					continue
				}
				name := linkName(n)
				if name == "" {
					c.Report(&n.Base, "Link event is missing link name")
					// bpmnlint groups unnamed links under "_" and checks
					// them as a pair too; so do we, for the same counts.
					name = "_"
				}
				if groups[name] == nil {
					order = append(order, name)
				}
				groups[name] = append(groups[name], n)
			}
			for _, name := range order {
				checkLinkGroup(c, name, groups[name])
			}
		})
	},
}

func checkLinkGroup(c *Check, name string, events []*bpmn.FlowNode) {
	if len(events) == 1 {
		other := "throw"
		if events[0].Kind.IsThrowEvent() {
			other = "catch"
		}
		c.Report(&events[0].Base, "Link "+other+" event with link name <"+name+"> missing in scope")
		return
	}
	var catches []*bpmn.FlowNode
	for _, e := range events {
		if e.Kind.IsCatchEvent() {
			catches = append(catches, e)
		}
	}
	switch {
	case len(catches) > 1:
		for _, e := range catches {
			c.Report(&e.Base, "Duplicate link catch event with link name <"+name+"> in scope")
		}
	case len(catches) == 0:
		for _, e := range events {
			c.Report(&e.Base, "Link catch event with link name <"+name+"> missing in scope")
		}
	}
}

// linkName is the name of the event's first link event definition.
func linkName(n *bpmn.FlowNode) string {
	for _, ed := range n.EventDefinitions {
		if ed.Kind == bpmn.KindLinkEventDefinition {
			return ed.Name
		}
	}
	return ""
}
