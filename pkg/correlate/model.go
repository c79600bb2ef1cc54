package correlate

import (
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// messageUsed reports whether a catch event or receive task of d uses msg.
func messageUsed(d *bpmn.Definitions, msg *bpmn.Message) bool {
	used := false
	d.FlowNodes(func(n *bpmn.FlowNode) {
		if n.Message == msg && n.Kind == bpmn.KindReceiveTask {
			used = true
		}
		if n.Kind.IsCatchEvent() {
			for _, ed := range n.EventDefinitions {
				used = used || ed.Message == msg
			}
		}
	})
	return used
}

// readsVariables reports whether the model evaluates anything but
// correlation keys: conditions, mappings, FEEL timers, collections.
func readsVariables(d *bpmn.Definitions) bool {
	reads := false
	for _, p := range d.Processes {
		p.SequenceFlowsDeep(func(f *bpmn.SequenceFlow) { reads = reads || f.Condition != nil })
		p.Walk(func(n *bpmn.FlowNode) {
			z := n.Zeebe
			reads = reads || z.IOMapping != nil || z.Script != nil || n.Loop != nil
			for _, ed := range n.EventDefinitions {
				if ed.Timer != nil && ed.Timer.Value != nil && strings.HasPrefix(ed.Timer.Value.Text, "=") {
					reads = true
				}
			}
		})
	}
	return reads
}

// startMessageNames are the messages of message start events.
func startMessageNames(d *bpmn.Definitions) map[string]bool {
	names := map[string]bool{}
	d.FlowNodes(func(n *bpmn.FlowNode) {
		if n.Kind != bpmn.KindStartEvent {
			return
		}
		for _, ed := range n.EventDefinitions {
			if ed.Message != nil {
				names[ed.Message.Name] = true
			}
		}
	})
	return names
}
