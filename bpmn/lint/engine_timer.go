package lint

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/timersyntax"
)

// RuleTimer checks timer events: exactly one of timeDuration, timeDate and
// timeCycle, of a type the event allows, with a value Zeebe can read.
// Where each type is allowed (Camunda 8.8):
//
//	start event of a process or sub-process           timeCycle, timeDate
//	interrupting event sub-process start             timeDate, timeDuration
//	non-interrupting event sub-process start         any
//	interrupting boundary event                      timeDate, timeDuration
//	non-interrupting boundary event                  any
//	intermediate catch event                         timeDate, timeDuration
//
// Values starting with "=" are FEEL expressions, checked by the FEEL rule;
// static values are read as package timersyntax describes. Zeebe reads
// them trimmed of surrounding white space, and so does wfctl.
const RuleTimer = "wfctl/timer"

var engineTimer = &Rule{
	ID:          RuleTimer,
	Description: "timer events have one timeDuration, timeDate or timeCycle, allowed at that event, with a valid ISO 8601 or cron value",
	Check:       checkTimers,
}

var timerHints = map[bpmn.TimerType]string{
	bpmn.TimerCycle:    "<bpmn:timeCycle> (R/PT1H, or a cron expression such as 0 0 9 * * MON-FRI)",
	bpmn.TimerDate:     "<bpmn:timeDate> (2025-03-01T09:00:00Z)",
	bpmn.TimerDuration: "<bpmn:timeDuration> (PT15M)",
}

func checkTimers(c *Check) {
	c.ExecutableNodes(func(n *bpmn.FlowNode) {
		allowed, where := timerTypesAt(n)
		if allowed == nil {
			return // not a timer position; wfctl/element-type reports it
		}
		for _, ed := range n.EventDefinitions {
			if ed.Kind == bpmn.KindTimerEventDefinition {
				if msg := checkTimer(n, ed.Timer, allowed, where); msg != "" {
					pos := n.Pos
					if ed.Timer.Count == 1 && ed.Timer.Value.Pos.IsValid() {
						pos = ed.Timer.Value.Pos // point at the value to fix
					}
					c.ReportAt(n.ID, pos, msg)
				}
			}
		}
	})
}

// timerTypesAt returns the timer types allowed at n, in the order messages
// list them, and what n is, for messages.
func timerTypesAt(n *bpmn.FlowNode) ([]bpmn.TimerType, string) {
	all := []bpmn.TimerType{bpmn.TimerCycle, bpmn.TimerDate, bpmn.TimerDuration}
	once := []bpmn.TimerType{bpmn.TimerDate, bpmn.TimerDuration}
	switch n.Kind {
	case bpmn.KindStartEvent:
		switch {
		case n.Parent == nil || !n.Parent.IsEventSubProcess():
			return []bpmn.TimerType{bpmn.TimerCycle, bpmn.TimerDate}, "a start event starts instances at a date or on a cycle"
		case n.IsInterrupting:
			return once, "an interrupting event sub-process start event fires once"
		}
		return all, ""
	case bpmn.KindBoundaryEvent:
		if n.CancelActivity {
			return once, `an interrupting boundary event fires once; set cancelActivity="false" to repeat it`
		}
		return all, ""
	case bpmn.KindIntermediateCatchEvent:
		return once, "an intermediate catch event fires once"
	}
	return nil, ""
}

func checkTimer(n *bpmn.FlowNode, t *bpmn.Timer, allowed []bpmn.TimerType, where string) string {
	switch {
	case t.Count == 0:
		hints := make([]string, len(allowed))
		for i, a := range allowed {
			hints[i] = timerHints[a]
		}
		return fmt.Sprintf("%s has no timer value: add one of %s", engLabel(n), strings.Join(hints, ", "))
	case t.Count > 1:
		return fmt.Sprintf("%s has %d of timeDuration, timeDate and timeCycle: keep exactly one", engLabel(n), t.Count)
	case !engTimerAllowed(t.Type, allowed):
		return fmt.Sprintf("%s has a %s, which Camunda 8 does not allow there (%s): use %s", engLabel(n), t.Type, where, timerTypeList(allowed))
	}
	v := strings.TrimSpace(t.Value.Text)
	switch {
	case v == "":
		return fmt.Sprintf("the %s of %s is empty: add a value such as %s", t.Type, engLabel(n), timerHints[t.Type])
	case strings.HasPrefix(v, "="):
		return "" // FEEL: the FEEL rule checks it
	}
	if err := timersyntax.Parse(t.Type, v); err != nil {
		return fmt.Sprintf("the %s of %s is invalid: %v", t.Type, engLabel(n), err)
	}
	return ""
}

func engTimerAllowed(t bpmn.TimerType, allowed []bpmn.TimerType) bool {
	for _, a := range allowed {
		if a == t {
			return true
		}
	}
	return false
}

func timerTypeList(ts []bpmn.TimerType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " or ")
}
