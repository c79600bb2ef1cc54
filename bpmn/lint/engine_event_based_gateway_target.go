package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleEventBasedGatewayTarget checks event-based gateways as Zeebe does:
// at least two outgoing flows, each to an intermediate catch event with
// exactly one message, timer or signal definition (not a receive task),
// which has no other incoming flow, and no two of them waiting for a
// message of the same name.
const RuleEventBasedGatewayTarget = "wfctl/event-based-gateway-target"

var engineEventBasedGatewayTarget = &Rule{
	ID:          RuleEventBasedGatewayTarget,
	Description: "event-based gateways lead to two or more message, timer or signal intermediate catch events",
	Check:       checkEventBasedGateways,
}

var gatewayEvents = engKinds(bpmn.KindMessageEventDefinition, bpmn.KindTimerEventDefinition, bpmn.KindSignalEventDefinition)

func checkEventBasedGateways(c *Check) {
	c.ExecutableNodes(func(g *bpmn.FlowNode) {
		if g.Kind != bpmn.KindEventBasedGateway {
			return
		}
		if len(g.Outgoing) < 2 {
			c.Report(&g.Base, fmt.Sprintf("%s has %d outgoing flow(s): an event-based gateway needs at least two, one to each event it waits for (use the event directly otherwise)", engLabel(g), len(g.Outgoing)))
		}
		messages := map[string]bool{}
		for _, f := range g.Outgoing {
			t := f.Target
			switch {
			case t == nil:
			case !isGatewayEvent(t):
				c.Report(&t.Base, fmt.Sprintf("%s follows %s, but Camunda 8 allows only intermediate catch events with one message, timer or signal definition there%s", engLabel(t), engLabel(g), gatewayTargetHint(t)))
			case engOtherSources(t, g) > 0:
				c.Report(&t.Base, fmt.Sprintf("%s follows %s and has %d incoming flow(s) from elsewhere: an event after an event-based gateway may have no other incoming flow", engLabel(t), engLabel(g), engOtherSources(t, g)))
			default:
				if m := t.EventDefinitions[0].Message; m != nil && strings.TrimSpace(m.Name) != "" {
					if messages[m.Name] {
						c.Report(&t.Base, fmt.Sprintf("%s waits for message %q, as another event after %s does: each event of a gateway needs its own message name", engLabel(t), m.Name, engLabel(g)))
					}
					messages[m.Name] = true
				}
			}
		}
	})
}

func isGatewayEvent(n *bpmn.FlowNode) bool {
	return n.Kind == bpmn.KindIntermediateCatchEvent && len(n.EventDefinitions) == 1 && gatewayEvents[n.EventDefinitions[0].Kind]
}

func gatewayTargetHint(t *bpmn.FlowNode) string {
	if t.Kind == bpmn.KindReceiveTask {
		return ": replace the receive task by a message intermediate catch event with the same message"
	}
	return ""
}

// engOtherSources counts the flows into t that do not come from g.
func engOtherSources(t, g *bpmn.FlowNode) int {
	n := 0
	for _, f := range t.Incoming {
		if f.Source != g {
			n++
		}
	}
	return n
}
