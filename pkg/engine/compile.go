package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/timersyntax"
	"github.com/wfctl/wfctl/pkg/feel"
)

// userTaskJobType is the job type of user tasks, as Zeebe's job-based
// user tasks have it.
const userTaskJobType = "io.camunda.zeebe:userTask"

// compiler turns one executable bpmn.Process into a processModel. It collects
// every problem instead of stopping at the first, so that a rejected
// deployment lists them all.
type compiler struct {
	p    *processModel
	src  *bpmn.Process
	errs []string
	byBN map[*bpmn.FlowNode]*element
}

func compileProcess(src *bpmn.Process, resourceName string, resource []byte, checksum string) (*processModel, []string) {
	p := &processModel{id: src.ID, name: src.Name, resourceName: resourceName, resource: resource, checksum: checksum,
		byID: map[string]*element{}, flowsByID: map[string]*flow{}}
	c := &compiler{p: p, src: src, byBN: map[*bpmn.FlowNode]*element{}}
	p.root = &element{id: src.ID, name: src.Name, typ: ElementProcess, model: p}
	c.compileListeners(nil, &src.Zeebe, p.root)
	c.add(p.root)
	c.container(&src.Container, p.root)
	if len(c.errs) == 0 {
		c.link(&src.Container)
	}
	return p, c.errs
}

func (c *compiler) errorf(n *bpmn.FlowNode, format string, args ...any) {
	at := ""
	if n != nil {
		at = fmt.Sprintf("%s:%d:%d: %s %q: ", c.p.resourceName, n.Pos.Line, n.Pos.Column, n.Kind, n.ID)
	}
	c.errs = append(c.errs, at+fmt.Sprintf(format, args...))
}

func (c *compiler) add(el *element) {
	el.idx = len(c.p.elements)
	c.p.elements = append(c.p.elements, el)
	c.p.byID[el.id] = el
}

// container compiles the flow nodes and flows of a process or sub-process.
func (c *compiler) container(ct *bpmn.Container, scope *element) {
	for _, n := range ct.FlowNodes {
		if !n.Kind.IsFlowNode() {
			continue
		}
		el := c.node(n, scope)
		if el == nil {
			continue
		}
		c.byBN[n] = el
		c.add(el)
		inner := el
		if el.mi != nil {
			inner = el.mi.inner
			inner.idx = len(c.p.elements)
			c.p.elements = append(c.p.elements, inner) // not in byID: the body answers to the id
		}
		if n.Sub != nil {
			c.container(n.Sub, inner)
		}
	}
	for _, f := range ct.SequenceFlows {
		c.flow(f)
	}
}

func (c *compiler) flow(f *bpmn.SequenceFlow) {
	fl := &flow{id: f.ID, idx: len(c.p.flowsByID)}
	fl.self = []*flow{fl}
	c.p.flowsByID[f.ID] = fl
	c.p.flows = append(c.p.flows, fl)
	if f.Condition != nil && strings.TrimSpace(f.Condition.Text) != "" {
		fl.hasCond = true
		x, static, err := parseExpression(f.Condition.Text)
		if err != nil {
			c.errs = append(c.errs, fmt.Sprintf("%s:%d:%d: condition of sequence flow %q: %v", c.p.resourceName, f.Pos.Line, f.Pos.Column, f.ID, err))
		}
		fl.cond, fl.condValue = x, static
	}
}

// link resolves flows, boundaries, defaults and start events once every
// element exists.
func (c *compiler) link(ct *bpmn.Container) {
	ct.SequenceFlowsDeep(func(f *bpmn.SequenceFlow) {
		fl := c.p.flowsByID[f.ID]
		fl.src, fl.dst = c.byBN[f.Source], c.byBN[f.Target]
		if fl.src == nil || fl.dst == nil {
			c.errs = append(c.errs, fmt.Sprintf("sequence flow %q does not connect two executable elements", f.ID))
			return
		}
		fl.src.out = append(fl.src.out, fl)
		fl.dst.in = append(fl.dst.in, fl)
	})
	ct.Walk(func(n *bpmn.FlowNode) { c.linkNode(n) })
	c.linkCompensation(ct)
	if len(c.errs) == 0 {
		c.linkStarts()
		c.linkWaits()
		c.linkInclusiveJoins()
		c.linkAdHoc()
	}
}

// linkWaits lists, per element, the events its instances wait for.
func (c *compiler) linkWaits() {
	for _, el := range c.p.elements {
		var own []*element
		switch {
		case el.typ == ElementEventBasedGateway:
			own = el.targets
		case el.waitsForEvent():
			own = []*element{el}
		}
		if own != nil {
			el.waits = append(append([]*element(nil), own...), el.boundaries...)
		}
		if el.typ == ElementProcess || el.typ == ElementSubProcess || el.typ == ElementAdHocSubProcess {
			el.scopeEvents = append(append([]*element(nil), el.boundaries...), el.eventStarts...)
		}
		el.opensSubs = anyMessage(el.waits) || anyMessage(el.scopeEvents) || anyMessage(el.boundaries)
		el.behave = behaviorOf(el)
	}
}

func anyMessage(events []*element) bool {
	return slices.ContainsFunc(events, func(ev *element) bool { return ev.msg != nil })
}

func (c *compiler) linkNode(n *bpmn.FlowNode) {
	el := c.byBN[n]
	if el == nil {
		return
	}
	if n.Default != nil {
		el.def = c.p.flowsByID[n.Default.ID]
	}
	if n.AttachedTo != nil {
		el.attachedTo = c.byBN[n.AttachedTo]
		if el.attachedTo == nil {
			c.errorf(n, "is attached to an element the engine cannot run")
			return
		}
		el.attachedTo.boundaries = append(el.attachedTo.boundaries, el)
		el.scope = el.attachedTo.scope
	}
	el.joins = el.typ == ElementParallelGateway && len(el.in) > 1
	if el.evt == EventLink && el.typ == ElementIntermediateThrowEvent {
		for _, other := range c.p.elements {
			if other.evt == EventLink && other.typ == ElementIntermediateCatchEvent && other.linkName == el.linkName && other.scope == el.scope {
				el.link = other
			}
		}
		if el.link == nil {
			c.errorf(n, "has no link catch event named %q in its scope (links into sub-processes are not supported by the wfctl engine)", el.linkName)
		}
	}
	if el.typ == ElementEventBasedGateway {
		for _, f := range el.out {
			el.targets = append(el.targets, f.dst)
		}
	}
}

func (c *compiler) linkStarts() {
	for _, el := range c.p.elements {
		if el.typ != ElementStartEvent {
			continue
		}
		switch {
		case el.scope.typ == ElementEventSubProcess:
			c.eventSubStart(el)
		case el.evt == EventNone && el.scope.start == nil:
			el.scope.start = el
		case el.evt == EventNone:
			c.errs = append(c.errs, fmt.Sprintf("%q has several none start events", el.scope.id))
		case el.evt == EventMessage && el.scope == c.p.root:
			c.p.msgStarts = append(c.p.msgStarts, el)
			c.p.messageNames = append(c.p.messageNames, el.msg.name)
		case el.evt == EventTimer && el.scope == c.p.root:
			c.p.timerStarts = append(c.p.timerStarts, el)
		case el.evt == EventSignal && el.scope == c.p.root:
			c.p.signalStarts = append(c.p.signalStarts, el)
		default:
			c.errs = append(c.errs, fmt.Sprintf("start event %q: a sub-process needs a none start event", el.id))
		}
	}
	for _, el := range c.p.elements {
		if (el.typ == ElementSubProcess || el.typ == ElementEventSubProcess) && el.start == nil {
			c.errs = append(c.errs, fmt.Sprintf("sub-process %q has no start event", el.id))
		}
	}
}

// eventSubStart registers the start event of an event sub-process with
// the scope that contains the event sub-process.
func (c *compiler) eventSubStart(start *element) {
	esp := start.scope
	if esp.start != nil || start.evt == EventNone {
		c.errs = append(c.errs, fmt.Sprintf("event sub-process %q needs exactly one message, timer, signal, error or escalation start event", esp.id))
		return
	}
	esp.start = start
	if start.evt == EventError {
		start.interrupting = true
	}
	esp.scope.eventStarts = append(esp.scope.eventStarts, start)
}

// node compiles one flow node, or reports why the engine cannot run it.
func (c *compiler) node(n *bpmn.FlowNode, scope *element) *element {
	el := &element{id: n.ID, name: n.Name, model: c.p, scope: scope, interrupting: n.CancelActivity}
	if n.Kind == bpmn.KindStartEvent {
		el.interrupting = n.IsInterrupting
	}
	ok := false
	switch {
	case n.Kind.IsEvent():
		ok = c.event(n, el)
	case n.Kind.IsTask():
		ok = c.task(n, el)
	default:
		ok = c.other(n, el)
	}
	if !ok {
		return nil
	}
	c.mappings(n, el)
	c.compileListeners(n, &n.Zeebe, el)
	el.forCompensation = n.IsForCompensation
	if n.Loop != nil {
		body := c.multiInstance(n, el)
		if body != nil {
			body.forCompensation = n.IsForCompensation
		}
		return body
	}
	return el
}

func (c *compiler) other(n *bpmn.FlowNode, el *element) bool {
	switch n.Kind {
	case bpmn.KindExclusiveGateway:
		el.typ = ElementExclusiveGateway
	case bpmn.KindParallelGateway:
		el.typ = ElementParallelGateway
	case bpmn.KindInclusiveGateway:
		el.typ = ElementInclusiveGateway
	case bpmn.KindEventBasedGateway:
		el.typ = ElementEventBasedGateway
	case bpmn.KindCallActivity:
		el.typ = ElementCallActivity
		return c.callActivity(n, el)
	case bpmn.KindAdHocSubProcess:
		el.typ = ElementAdHocSubProcess
		return c.adHoc(n, el)
	case bpmn.KindSubProcess:
		el.typ = ElementSubProcess
		if n.TriggeredByEvent {
			el.typ = ElementEventSubProcess
		}
	default:
		c.errorf(n, "%s elements are not supported by the wfctl engine yet", n.Kind)
		return false
	}
	return true
}

func (c *compiler) mappings(n *bpmn.FlowNode, el *element) {
	io := n.Zeebe.IOMapping
	if io == nil {
		return
	}
	el.inputs = c.mappingList(n, io.Inputs)
	el.outputs = c.mappingList(n, io.Outputs)
}

func (c *compiler) mappingList(n *bpmn.FlowNode, ms []bpmn.Mapping) []mapping {
	out := make([]mapping, 0, len(ms))
	for _, m := range ms {
		x, static, err := parseExpression(m.Source)
		if err != nil {
			c.errorf(n, "mapping source %q: %v", m.Source, err)
			continue
		}
		if m.Target == "" {
			c.errorf(n, "mapping of %q has no target", m.Source)
			continue
		}
		out = append(out, mapping{path: strings.Split(m.Target, "."), source: x, static: static})
	}
	return out
}

// parseExpression reads a Zeebe expression attribute: "=FEEL" is parsed
// once here; anything else is a static string value.
func parseExpression(text string) (*feel.Expr, any, error) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "=") {
		return nil, text, nil
	}
	x, err := feel.Parse(t[1:])
	if err != nil {
		return nil, nil, fmt.Errorf("invalid FEEL expression %q: %w", t, err)
	}
	return x, nil, nil
}

// readTimerValue reads a timer value of the given type from text, with
// the validator's parsers (Zeebe's grammars).
func readTimerValue(kind bpmn.TimerType, text string) (timerValue, error) {
	var v timerValue
	var err error
	switch kind {
	case bpmn.TimerDuration:
		v.interval, err = timersyntax.ParseInterval(text)
	case bpmn.TimerDate:
		var t = v.date
		tt, e := timersyntax.ParseDate(text)
		if e == nil {
			t = tt.UnixMilli()
		}
		v.date, err = t, e
	case bpmn.TimerCycle:
		if strings.HasPrefix(text, "R") {
			r, e := timersyntax.ParseRepeatingInterval(text)
			v.repeating, err = &r, e
		} else {
			v.cron, err = timersyntax.ParseCron(text)
		}
	default:
		err = fmt.Errorf("timer has no timeDate, timeDuration or timeCycle")
	}
	return v, err
}
