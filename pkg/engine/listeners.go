package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Execution listeners (zeebe:executionListeners), as Camunda 8.8 runs
// them: jobs of kind EXECUTION_LISTENER that workers complete like any
// job. Start listeners run one after the other once the element's input
// mappings are applied, before its behaviour (it stays ACTIVATING); end
// listeners run one after the other once its output mappings are applied
// (it stays COMPLETING). A start listener's variables become local
// variables of the element; an end listener's are set in its flow scope.
// A listener job without retries raises an incident, as any job; a
// listener job cannot throw a BPMN error (the command is rejected).

// listenerDef is one execution listener of an element.
type listenerDef struct {
	typ         string
	typExpr     *feel.Expr
	retries     int32
	retriesExpr *feel.Expr
}

// Listener kinds of a job (job.listener).
const (
	listenerNone uint8 = iota
	listenerStart
	listenerEnd
)

var listenerEventTypes = [...]string{listenerStart: "START", listenerEnd: "END"}

// executionListeners compiles an element's (or the process's)
// zeebe:executionListeners.
func (c *compiler) executionListeners(n *bpmn.FlowNode, z *bpmn.Zeebe, el *element) {
	for _, b := range z.Other {
		if b.XML != nil && b.XML.Tag == "executionListeners" {
			c.listenerList(n, b, el)
		}
	}
}

// listenerList compiles the listeners of one zeebe:executionListeners.
func (c *compiler) listenerList(n *bpmn.FlowNode, b *bpmn.Base, el *element) {
	for _, l := range b.XML.ChildElements() {
		if l.Tag != "executionListener" {
			continue
		}
		d := listenerDef{retries: 3}
		var err error
		if d.typExpr, d.typ, err = c.stringExpr(l.SelectAttrValue("type", "")); err != nil || (d.typExpr == nil && strings.TrimSpace(d.typ) == "") {
			c.errorf(n, "an execution listener needs a job type (type=\"...\")")
			continue
		}
		if r := l.SelectAttrValue("retries", ""); r != "" {
			rx, static, err := parseExpression(r)
			switch {
			case err != nil:
				c.errorf(n, "execution listener retries: %v", err)
			case rx != nil:
				d.retriesExpr = rx
			default:
				v, err := strconv.Atoi(strings.TrimSpace(static.(string)))
				if err != nil {
					c.errorf(n, "execution listener retries %q: want a number", r)
				}
				d.retries = int32(v)
			}
		}
		switch l.SelectAttrValue("eventType", "") {
		case "start":
			el.startListeners = append(el.startListeners, d)
		case "end":
			if el.typ.isGateway() {
				c.errorf(n, "gateways support start execution listeners only (as in Camunda 8): remove the end listener %q", d.typ)
				continue
			}
			el.endListeners = append(el.endListeners, d)
		default:
			c.errorf(n, "execution listener %q: eventType must be start or end", d.typ)
		}
	}
}

// startListening creates the next start (or end) listener job of ei, if
// one is left, and reports whether it did: the element then waits for it.
func (e *Engine) startListening(ei *elementInstance, kind uint8) bool {
	list, done := ei.el.startListeners, 0
	if kind == listenerEnd {
		list = ei.el.endListeners
	}
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
		jv.JobKind, jv.JobListenerEventType = jobKindListener, listenerEventTypes[kind]
		v = e.arena.job.put(jv)
	}
	e.note(ValueJob, IntentCreated, key, v)
	e.addJob(key, ei, typ, retries, nil).listener = kind
	return true
}

// jobKindListener is the jobKind of an execution listener's job.
const jobKindListener = "EXECUTION_LISTENER"

// listenerCompleted runs when a listener job of ei completed: its
// variables are set, then the element goes on (the next listener, or
// what follows the listeners).
func (e *Engine) listenerCompleted(ei *elementInstance, kind uint8, vars map[string]any) {
	switch {
	case kind == listenerStart:
		e.mergeLocal(ei, vars)
	case ei.parent != nil:
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
	case stateCompleting:
		e.onComplete(ei, nil, nil)
	}
}

// listenerKind names a job's listener kind for rejections.
func listenerKind(k uint8) string {
	return fmt.Sprintf("%s execution listener", strings.ToLower(listenerEventTypes[k]))
}

func (t ElementType) isGateway() bool {
	return t == ElementExclusiveGateway || t == ElementParallelGateway || t == ElementInclusiveGateway || t == ElementEventBasedGateway
}
