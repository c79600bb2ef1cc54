package render

import (
	"fmt"
	"math"

	"github.com/wfctl/wfctl/bpmn"
)

// activity draws a task, sub-process or call activity: a rounded box,
// its type's icon, its markers and its name.
func (c *canvas) activity(s *bpmn.Shape, n *bpmn.FlowNode, r rect, p *Paint) {
	open := expanded(s, n)
	width, dash := 2.0, ""
	switch {
	case n.Kind == bpmn.KindCallActivity:
		width = 5
	case n.TriggeredByEvent:
		width, dash = 1.5, ` stroke-dasharray="1.5 3" stroke-linecap="round"`
	}
	rx := math.Min(10, math.Min(r.w, r.h)/2)
	f := fillOf(p)
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="%s"%s/>`,
		num(r.x), num(r.y), num(r.w), num(r.h), num(rx), f, opacity(open, p), strokeOf(p), num(width), dash)
	if n.Kind == bpmn.KindTransaction && r.w > 6 && r.h > 6 {
		fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="none" stroke="%s" stroke-width="1.5"/>`,
			num(r.x+3), num(r.y+3), num(r.w-6), num(r.h-6), num(math.Max(rx-3, 0)), strokeOf(p))
	}
	c.taskIcon(n.Kind, r.x+15, r.y+15)
	c.markers(n, open, r)
	switch {
	case open:
		lines := wrap(n.Name, math.Max(r.w-20, fontSize), fontSize)
		c.text(&c.b, lines, r.x+10, r.y+6, fontSize, "start")
	default:
		pad := 5.0
		box := r
		if n.Kind.IsTask() && n.Kind != bpmn.KindTask { // leave the icon its corner
			box = rect{r.x, r.y + 8, r.w, r.h - 16}
		}
		c.centredText(&c.b, n.Name, box, fontSize, pad)
	}
}

// opacity keeps an open sub-process see-through enough for what it
// holds to show over a report's colour.
func opacity(open bool, p *Paint) string {
	if open && p != nil && p.Fill != "" {
		return "0.35"
	}
	return "1"
}

// taskIcon draws a typed task's icon in its top left corner.
func (c *canvas) taskIcon(k bpmn.Kind, x, y float64) {
	switch k {
	case bpmn.KindServiceTask:
		c.gear(x, y)
	case bpmn.KindUserTask:
		c.icon(x, y, 0.9, userPath, false)
	case bpmn.KindSendTask:
		c.envelope(x, y, 0.8, true)
	case bpmn.KindReceiveTask:
		c.envelope(x, y, 0.8, false)
	case bpmn.KindScriptTask:
		c.icon(x, y, 0.85, scriptPath, false)
	case bpmn.KindBusinessRuleTask:
		c.icon(x, y, 0.85, ruleHeadPath, true)
		c.icon(x, y, 0.85, rulePath, false)
	case bpmn.KindManualTask:
		c.icon(x, y, 0.85, manualPath, false)
	}
}

// markers draws an activity's markers centred at its bottom: loop or
// multi-instance, ad hoc, compensation, and collapsed.
func (c *canvas) markers(n *bpmn.FlowNode, open bool, r rect) {
	type marker struct {
		d      string
		filled bool
	}
	var ms []marker
	if l := n.Loop; l != nil {
		switch {
		case !l.MultiInstance:
			ms = append(ms, marker{loopMarkerPath, false})
		case l.IsSequential:
			ms = append(ms, marker{sequentialMarkerPath, false})
		default:
			ms = append(ms, marker{parallelMarkerPath, false})
		}
	}
	if n.Kind == bpmn.KindAdHocSubProcess {
		ms = append(ms, marker{adHocMarkerPath, false})
	}
	if n.IsForCompensation {
		ms = append(ms, marker{compensatePath, false})
	}
	if n.Sub != nil && !open || n.Kind == bpmn.KindCallActivity {
		ms = append(ms, marker{collapsedMarkerPath, false})
	}
	const step = 18
	x := r.cx() - float64(len(ms)-1)*step/2
	for _, m := range ms {
		k := 1.0
		if m.d == compensatePath {
			k = 0.7
		}
		c.icon(x, r.y+r.h-12, k, m.d, m.filled)
		x += step
	}
}
