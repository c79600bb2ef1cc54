package engine

import (
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Listeners, as Camunda 8.8 runs them: jobs that workers complete like
// any job, and that hold the element until they are done, one after the
// other.
//
// Execution listeners (zeebe:executionListeners, jobKind
// EXECUTION_LISTENER): start listeners run once the element's input
// mappings are applied, before its behaviour (it stays ACTIVATING); end
// listeners run once its output mappings are applied (it stays
// COMPLETING). A start listener's variables become local variables of the
// element; an end listener's are set in its flow scope.
//
// User task listeners (zeebe:taskListeners on a user task, jobKind
// TASK_LISTENER): creating listeners run before the task's job is
// created, completing listeners after it is completed and before the task
// completes. As in Zeebe, a task listener job is completed without
// variables. wfctl's user tasks have no assign or update commands, so
// assigning, updating and canceling listeners are refused at deploy.
//
// A listener job without retries raises an incident, as any job; a
// listener job cannot throw a BPMN error (the command is rejected).

// listenerDef is one listener of an element.
type listenerDef struct {
	typ         string
	typExpr     *feel.Expr
	retries     int32
	retriesExpr *feel.Expr
}

// Listener kinds of a job (job.listener); element.listeners and
// eiExtra.listened are indexed by kind-1.
const (
	listenerNone uint8 = iota
	listenerStart
	listenerEnd
	listenerCreating
	listenerCompleting
	listenerKinds = listenerCompleting
)

var listenerEventTypes = [...]string{listenerStart: "START", listenerEnd: "END", listenerCreating: "CREATING", listenerCompleting: "COMPLETING"}

// Job kinds of listener jobs.
const (
	jobKindListener     = "EXECUTION_LISTENER"
	jobKindTaskListener = "TASK_LISTENER"
)

func listenerJobKind(k uint8) string {
	if k >= listenerCreating {
		return jobKindTaskListener
	}
	return jobKindListener
}

// listenerOf reads a listener job's event type back from its record.
func listenerOf(eventType string) uint8 {
	for k := listenerStart; k <= listenerKinds; k++ {
		if listenerEventTypes[k] == eventType {
			return k
		}
	}
	return listenerNone
}

// compileListeners compiles an element's (or the process's)
// zeebe:executionListeners and, on a user task, zeebe:taskListeners.
func (c *compiler) compileListeners(n *bpmn.FlowNode, z *bpmn.Zeebe, el *element) {
	if b := z.OtherElement("executionListeners"); b != nil {
		c.listenerList(n, b, el, "executionListener", map[string]uint8{"start": listenerStart, "end": listenerEnd})
	}
	if b := z.OtherElement("taskListeners"); b != nil && n != nil && n.Kind == bpmn.KindUserTask {
		c.listenerList(n, b, el, "taskListener", map[string]uint8{"creating": listenerCreating, "completing": listenerCompleting})
	}
}

// listenerList compiles the listeners of one zeebe:executionListeners or
// zeebe:taskListeners; kinds maps the eventTypes the engine runs.
func (c *compiler) listenerList(n *bpmn.FlowNode, b *bpmn.Base, el *element, tag string, kinds map[string]uint8) {
	for _, l := range b.XML.ChildElements() {
		if l.Tag != tag {
			continue
		}
		d, ok := c.listenerDef(n, l.SelectAttrValue("type", ""), l.SelectAttrValue("retries", ""))
		if !ok {
			continue
		}
		event := l.SelectAttrValue("eventType", "")
		kind, known := kinds[event]
		switch {
		case !known && tag == "taskListener":
			c.errorf(n, "task listener %q: eventType %q is not supported by the wfctl engine (its user tasks are jobs, with no assign, update or cancel commands): use creating or completing", d.typ, event)
		case !known:
			c.errorf(n, "execution listener %q: eventType must be start or end", d.typ)
		case kind == listenerEnd && el.typ.isGateway():
			c.errorf(n, "gateways support start execution listeners only (as in Camunda 8): remove the end listener %q", d.typ)
		default:
			el.listeners[kind-1] = append(el.listeners[kind-1], d)
		}
	}
}

// listenerDef reads a listener's job type and retries.
func (c *compiler) listenerDef(n *bpmn.FlowNode, typ, retries string) (listenerDef, bool) {
	d := listenerDef{retries: 3}
	var err error
	if d.typExpr, d.typ, err = c.stringExpr(typ); err != nil || (d.typExpr == nil && strings.TrimSpace(d.typ) == "") {
		c.errorf(n, "a listener needs a job type (type=\"...\")")
		return d, false
	}
	if retries == "" {
		return d, true
	}
	rx, static, err := parseExpression(retries)
	switch {
	case err != nil:
		c.errorf(n, "listener retries: %v", err)
		return d, false
	case rx != nil:
		d.retriesExpr = rx
	default:
		v, err := strconv.Atoi(strings.TrimSpace(static.(string)))
		if err != nil {
			c.errorf(n, "listener retries %q: want a number", retries)
			return d, false
		}
		d.retries = int32(v)
	}
	return d, true
}

// startListening creates the next listener job of that kind of ei, if
// one is left, and reports whether it did (or raised an incident trying):
// the element then waits.
func (e *Engine) startListening(ei *elementInstance, kind uint8) bool {
	list, done := ei.el.listeners[kind-1], 0
	if ei.x != nil {
		done = int(ei.x.listened[kind-1])
	}
	if done >= len(list) {
		return false
	}
	d := list[done]
	typ, retries := d.typ, d.retries
	if d.typExpr != nil {
		var ok bool
		if typ, ok = e.evalString(ei, d.typExpr, "job type"); !ok {
			return true
		}
	}
	if d.retriesExpr != nil {
		v, w := e.eval(ei, d.retriesExpr, nil)
		f, ok := v.AsFloat64()
		if !ok {
			e.createIncident(ei, ErrorExtractValue, expectedMessage(d.retriesExpr, "NUMBER", v, w), 0)
			return true
		}
		retries = int32(f)
	}
	key := e.nextKey()
	var v *JobValue
	if e.recording {
		jv := jobValue(ei, typ, retries, nil)
		jv.JobKind, jv.JobListenerEventType = listenerJobKind(kind), listenerEventTypes[kind]
		v = e.arena.job.put(jv)
	}
	e.note(ValueJob, IntentCreated, key, v)
	e.addJob(key, ei, typ, retries, nil).listener = kind
	return true
}

// listenerCompleted runs when a listener job of ei completed: its
// variables are set, then the element goes on (the next listener, or
// what follows the listeners).
func (e *Engine) listenerCompleted(ei *elementInstance, kind uint8, vars map[string]any) {
	switch {
	case kind == listenerStart:
		e.mergeLocal(ei, vars)
	case kind == listenerEnd && ei.parent != nil:
		e.mergeLocal(ei.parent, vars)
	}
	e.enqueue(step{kind: stepListened, ei: ei})
}

// listened continues an element after a listener job completed. (A
// gateway, the only element that completes towards chosen flows, has no
// end listeners.)
func (e *Engine) listened(ei *elementInstance) {
	switch ei.state {
	case stateActivating:
		e.onActivate(ei)
	case stateActivated:
		e.userTaskCompleted(ei)
	case stateCompleting:
		e.onComplete(ei, nil, nil)
	}
}

// userTaskCompleted runs when a user task's job completed, and after each
// of its completing listeners: the next listener, or the task completes.
func (e *Engine) userTaskCompleted(ei *elementInstance) {
	if !e.startListening(ei, listenerCompleting) {
		e.enqueue(step{kind: stepComplete, ei: ei})
	}
}

// listening reports whether ei's listeners of a kind have begun: its
// input mappings are applied already.
func (ei *elementInstance) listening(kind uint8) bool {
	return ei.x != nil && ei.x.listened[kind-1] > 0
}

// listenerKind names a job's listener kind for rejections.
func listenerKind(k uint8) string {
	what := "execution listener"
	if k >= listenerCreating {
		what = "task listener"
	}
	return strings.ToLower(listenerEventTypes[k]) + " " + what
}

func (t ElementType) isGateway() bool {
	return t == ElementExclusiveGateway || t == ElementParallelGateway || t == ElementInclusiveGateway || t == ElementEventBasedGateway
}

// eventStart is the start event (and its event's variables) that a
// process instance started by a message, timer or signal activates once
// its start listeners completed. The record that starts such an instance
// (MessageStartEventSubscription CORRELATED, Timer TRIGGERED, Signal
// BROADCASTED) queues one, processed and replayed alike, and the
// instance's ELEMENT_ACTIVATING takes it: so a replay of the log knows
// which start event to continue with.
type eventStart struct {
	proc *process
	el   *element
	vars map[string]any
}

// queueEventStart queues the start event an instance of p will activate,
// when p has start listeners (only then is it needed).
func (e *Engine) queueEventStart(p *process, el *element, vars map[string]any) {
	if p != nil && len(p.root.listeners[listenerStart-1]) > 0 {
		e.eventStarts = append(e.eventStarts, eventStart{proc: p, el: el, vars: vars})
	}
}

// takeEventStart gives a new process instance of p with start listeners
// the start event queued for it, if any.
func (e *Engine) takeEventStart(root *elementInstance, caller *elementInstance) {
	p := root.proc
	if caller != nil || len(e.eventStarts) == 0 || len(p.root.listeners[listenerStart-1]) == 0 {
		return
	}
	for i, s := range e.eventStarts {
		if s.proc == p {
			x := root.extra()
			x.start, x.startVars = s.el, s.vars
			e.eventStarts = append(e.eventStarts[:i], e.eventStarts[i+1:]...)
			return
		}
	}
}
