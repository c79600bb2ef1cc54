package render

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// Icons are paths around (0, 0), sized for an event of radius 18 (or,
// for task icons and markers, about 16 across), scaled where drawn.
const (
	envelopePath    = "M-9 -6 H9 V6 H-9 Z"
	envelopeFlap    = "M-9 -6 L0 1 L9 -6"
	timerPath       = "M0 -9.5 A9.5 9.5 0 1 1 0 9.5 A9.5 9.5 0 1 1 0 -9.5 Z M0 -9.5 V-7 M9.5 0 H7 M0 9.5 V7 M-9.5 0 H-7 M6.7 -6.7 L5 -5 M6.7 6.7 L5 5 M-6.7 6.7 L-5 5 M-6.7 -6.7 L-5 -5 M0 0 L0.8 -7 M0 0 L4.5 1.5"
	errorPath       = "M-8 8 L-3.5 -8 L2 1 L7.5 -9 L3.5 8 L-2 -1 Z"
	escalationPath  = "M0 -9 L6.5 8 L0 2 L-6.5 8 Z"
	signalPath      = "M0 -9 L8.5 6.5 L-8.5 6.5 Z"
	compensatePath  = "M-9 0 L-1 -6 V6 Z M-1 0 L7 -6 V6 Z"
	conditionalPath = "M-6.5 -8.5 H6.5 V8.5 H-6.5 Z M-4 -5 H4 M-4 -1.7 H4 M-4 1.7 H4 M-4 5 H4"
	linkPath        = "M-8 -3 H2 V-7.5 L8.5 0 L2 7.5 V3 H-8 Z"
	terminatePath   = "M0 -10.5 A10.5 10.5 0 1 1 0 10.5 A10.5 10.5 0 1 1 0 -10.5 Z"
	cancelPath      = "M-7 -9.5 L0 -2.5 L7 -9.5 L9.5 -7 L2.5 0 L9.5 7 L7 9.5 L0 2.5 L-7 9.5 L-9.5 7 L-2.5 0 L-9.5 -7 Z"
	pentagonPath    = "M0 -9 L8.6 -2.8 L5.3 7.3 H-5.3 L-8.6 -2.8 Z"
	plusPath        = "M-2 -10 H2 V-2 H10 V2 H2 V10 H-2 V2 H-10 V-2 H-2 Z"
	crossPath       = "M-7.5 -10.5 L0 -3 L7.5 -10.5 L10.5 -7.5 L3 0 L10.5 7.5 L7.5 10.5 L0 3 L-7.5 10.5 L-10.5 7.5 L-3 0 L-10.5 -7.5 Z"
	asteriskPath    = "M-1.5 -11 H1.5 V-3.6 L6.8 -8.9 L8.9 -6.8 L3.6 -1.5 H11 V1.5 H3.6 L8.9 6.8 L6.8 8.9 L1.5 3.6 V11 H-1.5 V3.6 L-6.8 8.9 L-8.9 6.8 L-3.6 1.5 H-11 V-1.5 H-3.6 L-8.9 -6.8 L-6.8 -8.9 L-1.5 -3.6 Z"
	arrowPath       = "M-7 -3 H1 V-8 L9 0 L1 8 V3 H-7 Z"

	// Task type icons.
	userPath     = "M-6.5 8 V4.5 Q-6.5 0.5 -2.5 0 H2.5 Q6.5 0.5 6.5 4.5 V8 Z M0 -8.5 A3.8 3.8 0 1 1 0 -0.9 A3.8 3.8 0 1 1 0 -8.5 Z"
	scriptPath   = "M-5 -7 H7 Q4 -3.5 7 0 Q10 3.5 7 7 H-5 Q-8 3.5 -5 0 Q-2 -3.5 -5 -7 Z M-3 -3.5 H4 M-2.5 0 H5 M-1.5 3.5 H6"
	rulePath     = "M-8 -6 H8 V6 H-8 Z M-8 -2 H8 M-8 2 H8 M-3 -2 V6"
	ruleHeadPath = "M-8 -6 H8 V-2 H-8 Z"
	manualPath   = "M-8 7 V0 L-3 -5 H6 Q7.5 -4 6 -3 H0 M-1 -3 H8 Q9.5 -2 8 -1 H0 M0 -1 H7.5 Q9 0 7.5 1 H0 M0 1 H6 Q7.5 2 6 3 H-1 L-3 7 Z"

	// Activity markers.
	parallelMarkerPath   = "M-4 -6 V6 M0 -6 V6 M4 -6 V6"
	sequentialMarkerPath = "M-6 -4 H6 M-6 0 H6 M-6 4 H6"
	loopMarkerPath       = "M3.8 5.5 A6.5 6.5 0 1 0 -3.8 5.5 M-3.8 5.5 L-8 4.5 M-3.8 5.5 L-3.5 1.5"
	collapsedMarkerPath  = "M-7 -7 H7 V7 H-7 Z M-4 0 H4 M0 -4 V4"
	adHocMarkerPath      = "M-7 1.5 Q-3.5 -4.5 0 0 Q3.5 4.5 7 -1.5"
)

// icon draws a path at (cx, cy), scaled by k: filled in the stroke
// colour, or outlined.
func (c *canvas) icon(cx, cy, k float64, d string, filled bool) {
	f := "none"
	if filled {
		f = stroke
	}
	fmt.Fprintf(&c.b, `<path d="%s" transform="translate(%s %s) scale(%s)" fill="%s" stroke="%s" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>`,
		d, num(cx), num(cy), num(k), f, stroke)
}

// eventIcons are the icons of the event definitions drawn as one path,
// and whether a throwing event fills it (a timer's and a condition's
// never are; a terminate event's always is).
var eventIcons = map[bpmn.Kind]struct {
	d      string
	filled func(throwing bool) bool
}{
	bpmn.KindErrorEventDefinition:       {errorPath, asThrown},
	bpmn.KindEscalationEventDefinition:  {escalationPath, asThrown},
	bpmn.KindSignalEventDefinition:      {signalPath, asThrown},
	bpmn.KindCompensateEventDefinition:  {compensatePath, asThrown},
	bpmn.KindLinkEventDefinition:        {linkPath, asThrown},
	bpmn.KindCancelEventDefinition:      {cancelPath, asThrown},
	bpmn.KindConditionalEventDefinition: {conditionalPath, func(bool) bool { return false }},
	bpmn.KindTerminateEventDefinition:   {terminatePath, func(bool) bool { return true }},
}

func asThrown(throwing bool) bool { return throwing }

// eventIcon draws an event definition's icon in an event of radius rad.
func (c *canvas) eventIcon(k bpmn.Kind, cx, cy, rad float64, filled bool) {
	s := rad / 18
	switch k {
	case bpmn.KindMessageEventDefinition:
		c.envelope(cx, cy, s, filled)
	case bpmn.KindTimerEventDefinition:
		fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="none"/>`, num(cx), num(cy), num(9.5*s), fill)
		c.icon(cx, cy, s, timerPath, false)
	default:
		if ic, ok := eventIcons[k]; ok {
			c.icon(cx, cy, s, ic.d, ic.filled(filled))
		}
	}
}

// envelope is a message: outlined, or filled with a white flap.
func (c *canvas) envelope(cx, cy, k float64, filled bool) {
	if !filled {
		c.icon(cx, cy, k, envelopePath+" "+envelopeFlap, false)
		return
	}
	c.icon(cx, cy, k, envelopePath, true)
	fmt.Fprintf(&c.b, `<path d="%s" transform="translate(%s %s) scale(%s)" fill="none" stroke="%s" stroke-width="1.5"/>`,
		envelopeFlap, num(cx), num(cy), num(k), fill)
}

// gear is a service task's icon: a toothed wheel.
func (c *canvas) gear(cx, cy float64) {
	fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="6" fill="none" stroke="%s" stroke-width="3.5" stroke-dasharray="2.6 2.1"/>`, num(cx), num(cy), stroke)
	fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="4.3" fill="%s" stroke="%s" stroke-width="1.2"/>`, num(cx), num(cy), fill, stroke)
	fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="1.8" fill="none" stroke="%s" stroke-width="1.2"/>`, num(cx), num(cy), stroke)
}
