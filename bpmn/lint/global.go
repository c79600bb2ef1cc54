package lint

import "github.com/wfctl/wfctl/bpmn"

// global: messages, errors, signals and escalations are declared once,
// named, and used.
var global = &Rule{
	ID:          "global",
	Description: "global messages, errors, signals and escalations are named, unique and used",
	Check: func(c *Check) {
		d := c.Doc.Definitions
		used := referencedGlobals(d)
		type named struct {
			b    *bpmn.Base
			kind string
		}
		var all []named
		for _, m := range d.Messages {
			all = append(all, named{&m.Base, "message"})
		}
		for _, e := range d.Errors {
			all = append(all, named{&e.Base, "error"})
		}
		for _, s := range d.Signals {
			all = append(all, named{&s.Base, "signal"})
		}
		for _, e := range d.Escalations {
			all = append(all, named{&e.Base, "escalation"})
		}
		for _, g := range all {
			// bpmnlint reports an empty name, not a missing one.
			if name, ok := g.b.Attr("name"); ok && jsTrim(name) == "" {
				c.Report(g.b, "Element is missing name")
			}
			if !used[g.kind+"#"+g.b.ID] {
				c.Report(g.b, "Element is unused")
			}
			same := 0
			name, hasName := g.b.Attr("name")
			for _, o := range all {
				oname, ohas := o.b.Attr("name")
				if o.kind == g.kind && oname == name && ohas == hasName {
					same++
				}
			}
			if same > 1 {
				c.Report(g.b, "Element name is not unique")
			}
		}
	},
}

// referencedGlobals returns "kind#id" for every global element that an
// event definition, message flow, send or receive task refers to.
func referencedGlobals(d *bpmn.Definitions) map[string]bool {
	used := map[string]bool{}
	flowNodes(d, func(n *bpmn.FlowNode) {
		if n.Kind == bpmn.KindReceiveTask || n.Kind == bpmn.KindSendTask {
			used["message#"+n.MessageRef] = true
		}
		if !n.Kind.IsEvent() {
			return
		}
		for _, ed := range n.EventDefinitions {
			switch ed.Kind {
			case bpmn.KindMessageEventDefinition:
				used["message#"+ed.MessageRef] = true
			case bpmn.KindErrorEventDefinition:
				used["error#"+ed.ErrorRef] = true
			case bpmn.KindSignalEventDefinition:
				used["signal#"+ed.SignalRef] = true
			case bpmn.KindEscalationEventDefinition:
				used["escalation#"+ed.EscalationRef] = true
			}
		}
	})
	for _, co := range d.Collaborations {
		for _, mf := range co.MessageFlows {
			used["message#"+mf.MessageRef] = true
		}
	}
	return used
}
