package engine

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Ad-hoc sub-processes, as Camunda 8.8 runs them inside the engine: when
// the sub-process is activated, zeebe:adHoc's activeElementsCollection (a
// list of inner element ids) says which of its elements without incoming
// sequence flows to activate; flows between inner elements are followed
// as usual. The completion condition is evaluated each time an inner
// element completes: once it holds, the sub-process terminates what is
// still active (cancelRemainingInstances, true unless set to false) and
// completes; without a condition, or while it does not hold, the
// sub-process completes when nothing in it is active any more (at once
// when no element was activated). Ad-hoc sub-processes implemented by a
// job worker (zeebe:taskDefinition, Camunda's AI agents) are refused at
// deploy.

// adHocDef is an ad-hoc sub-process's configuration.
type adHocDef struct {
	activeElements  *feel.Expr // nil: no element is activated
	completion      *feel.Expr
	cancelRemaining bool
	// startable are the inner elements that can be activated by id: those
	// without incoming sequence flows.
	startable map[string]*element
}

// adHoc compiles an ad-hoc sub-process's attributes.
func (c *compiler) adHoc(n *bpmn.FlowNode, el *element) bool {
	if n.Zeebe.TaskDefinition != nil {
		c.errorf(n, "ad-hoc sub-processes implemented by a job worker (zeebe:taskDefinition) are not supported by the wfctl engine: remove the task definition to let the engine activate the elements")
		return false
	}
	d := &adHocDef{cancelRemaining: true}
	if n.XML != nil && n.XML.SelectAttrValue("cancelRemainingInstances", "true") == "false" {
		d.cancelRemaining = false
	}
	if x := n.Zeebe.OtherElement("adHoc"); x != nil {
		if src := strings.TrimSpace(x.XML.SelectAttrValue("activeElementsCollection", "")); src != "" {
			d.activeElements = c.feelAttr(n, "activeElementsCollection", src)
		}
	}
	if cc := n.CompletionCondition; cc != nil && strings.TrimSpace(cc.Text) != "" {
		d.completion = c.feelAttr(n, "completionCondition", cc.Text)
	}
	el.adhoc = d
	return true
}

// linkAdHoc lists the elements each ad-hoc sub-process can activate.
func (c *compiler) linkAdHoc() {
	for _, el := range c.p.elements {
		if el.typ == ElementAdHocSubProcess {
			el.adhoc.startable = map[string]*element{}
		}
	}
	for _, el := range c.p.elements {
		s := el.scope
		if s != nil && s.adhoc != nil && len(el.in) == 0 && el.typ != ElementBoundaryEvent && !el.forCompensation &&
			el.body == nil && el.typ != ElementEventSubProcess {
			s.adhoc.startable[el.id] = el
		}
	}
}

// activateAdHoc activates an ad-hoc sub-process and the elements its
// active elements collection names.
func (e *Engine) activateAdHoc(ei *elementInstance) {
	var start []*element
	if x := ei.el.adhoc.activeElements; x != nil {
		var ok bool
		if start, ok = e.adHocElements(ei, x); !ok {
			return
		}
	}
	if !e.subscribeScope(ei) {
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	for _, el := range start {
		e.enqueueActivate(el, ei, nil)
	}
	if len(start) == 0 {
		e.enqueue(step{kind: stepComplete, ei: ei})
	}
}

// adHocElements evaluates the active elements collection: a list of ids
// of elements the sub-process can activate (null: none).
func (e *Engine) adHocElements(ei *elementInstance, x *feel.Expr) ([]*element, bool) {
	v, w := e.eval(ei, x, nil)
	if v.Kind() == feel.KindNull {
		return nil, true
	}
	items, isList := v.AsList()
	if !isList {
		e.createIncident(ei, ErrorExtractValue, expectedMessage(x, "ARRAY", v, w), 0)
		return nil, false
	}
	var out []*element
	var unknown []string
	for _, it := range items {
		id, isString := it.AsString()
		if !isString {
			e.createIncident(ei, ErrorExtractValue, fmt.Sprintf("Failed to activate ad-hoc elements of '%s': the active elements collection '%s' must hold element ids (strings), but holds '%s'.",
				ei.el.id, x.Source(), feelTypeName(it)), 0)
			return nil, false
		}
		el := ei.el.adhoc.startable[id]
		if el == nil {
			unknown = append(unknown, "'"+id+"'")
			continue
		}
		out = append(out, el)
	}
	if len(unknown) > 0 {
		e.createIncident(ei, ErrorExtractValue, fmt.Sprintf("Failed to activate ad-hoc elements of '%s': no element without incoming sequence flows has the id %s.",
			ei.el.id, strings.Join(unknown, ", ")), 0)
		return nil, false
	}
	return out, true
}

// adHocFulfilled runs when an inner element of an ad-hoc sub-process
// completed: when the completion condition holds and remaining instances
// are cancelled, it terminates them and reports true (the sub-process
// completes once they are gone, and the element's outgoing flows are not
// taken).
func (e *Engine) adHocFulfilled(scope *elementInstance) bool {
	d := scope.el.adhoc
	if d.completion == nil || !d.cancelRemaining || scope.state != stateActivated {
		return false
	}
	v, _ := e.eval(scope, d.completion, nil)
	if b, _ := v.AsBool(); !b {
		return false
	}
	scope.extra().terminateEnd = true // complete once the others are terminated
	e.terminateSiblings(scope)
	return true
}
