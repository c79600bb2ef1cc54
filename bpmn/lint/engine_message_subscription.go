package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleMessageSubscription checks what Zeebe needs to correlate a message:
// message catch events (intermediate, boundary, start) and receive tasks
// reference a bpmn:message with a name, and, except for start events
// directly in a process (which create instances and need no key), the
// message has one zeebe:subscription with a correlationKey. Messages that
// throw events and send tasks reference need a name too.
const RuleMessageSubscription = "wfctl/message-subscription"

var engineMessageSubscription = &Rule{
	ID:          RuleMessageSubscription,
	Description: "message catch events and receive tasks reference a named message with a zeebe:subscription correlationKey",
	Check:       checkMessageSubscriptions,
}

// engMessageUse is one reference from a flow node to a message.
type engMessageUse struct {
	node *bpmn.FlowNode
	ref  string
	msg  *bpmn.Message
	// catching marks a catch event or receive task: the reference is
	// required and, if needsKey, so is a correlation key.
	catching, needsKey bool
}

func checkMessageSubscriptions(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		for _, u := range engMessageUses(n) {
			checkMessageUse(c, u)
		}
	})
}

func engMessageUses(n *bpmn.FlowNode) []engMessageUse {
	switch {
	case n.Kind == bpmn.KindReceiveTask:
		return []engMessageUse{{node: n, ref: n.MessageRef, msg: n.Message, catching: true, needsKey: true}}
	case n.Kind == bpmn.KindSendTask:
		return []engMessageUse{{node: n, ref: n.MessageRef, msg: n.Message}}
	case !n.Kind.IsEvent():
		return nil
	}
	var uses []engMessageUse
	for _, ed := range n.EventDefinitions {
		if ed.Kind != bpmn.KindMessageEventDefinition {
			continue
		}
		catching := n.Kind.IsCatchEvent()
		uses = append(uses, engMessageUse{node: n, ref: ed.MessageRef, msg: ed.Message, catching: catching,
			needsKey: catching && (n.Kind != bpmn.KindStartEvent || n.Parent != nil)})
	}
	return uses
}

func checkMessageUse(c *Check, u engMessageUse) {
	n := u.node
	switch {
	case u.ref == "" && u.catching:
		c.Report(&n.Base, fmt.Sprintf(`%s references no message: add messageRef="..." naming a <bpmn:message name="...">, whose name the engine correlates on`, engLabel(n)))
		return
	case u.ref == "":
		return
	case u.msg == nil:
		c.Report(&n.Base, fmt.Sprintf(`%s references message %q, which is not a <bpmn:message> of this document: define it or fix messageRef`, engLabel(n), u.ref))
		return
	}
	if strings.TrimSpace(u.msg.Name) == "" {
		c.Report(&n.Base, fmt.Sprintf(`message %s used by %s has no name: add name="..." to the <bpmn:message>, the message name publishers use`, engName(&u.msg.Base), engLabel(n)))
	}
	if !u.needsKey {
		return
	}
	switch subs := u.msg.ZeebeCount("subscription"); {
	case subs == 0:
		c.Report(&n.Base, fmt.Sprintf(`message %s used by %s has no correlation key: add <zeebe:subscription correlationKey="=..."/> to the message's extensionElements, the expression whose value matches a published message to this instance`, engName(&u.msg.Base), engLabel(n)))
	case subs > 1:
		c.Report(&n.Base, fmt.Sprintf(`message %s used by %s has %d zeebe:subscription elements: keep exactly one`, engName(&u.msg.Base), engLabel(n), subs))
	case strings.TrimSpace(u.msg.Zeebe.Subscription.CorrelationKey) == "":
		c.Report(&n.Base, fmt.Sprintf(`the zeebe:subscription of message %s used by %s has no correlationKey: add correlationKey="=...", the expression whose value matches a published message to this instance`, engName(&u.msg.Base), engLabel(n)))
	}
}
