package engine

import (
	"encoding/json"
	"fmt"

	"github.com/wfctl/wfctl/pkg/feel"
)

// Multi-instance activities, as in Zeebe: the body evaluates the input
// collection and runs one inner instance of the activity per item, all at
// once (parallel) or one after the other (sequential). Each inner
// instance gets loopCounter (from 1) and the input element as local
// variables; its output element lands at its index in the body's output
// collection, which the body passes to its flow scope when it completes.
// A completion condition that holds after an inner instance completed
// terminates the others and completes the body.

func (e *Engine) activateBody(ei *elementInstance) {
	items, ok := e.inputItems(ei)
	if !ok || !e.subscribeBoundaries(ei) {
		return
	}
	mi := ei.el.mi
	if mi.outputCollection != "" {
		e.writeVariable(ei, mi.outputCollection, make([]any, len(items)))
	}
	e.lifecycle(ei, IntentElementActivated)
	switch {
	case len(items) == 0:
		e.enqueue(step{kind: stepComplete, ei: ei})
	case mi.sequential:
		e.activateInner(ei, 1, items[0])
	default:
		for i, item := range items {
			e.activateInner(ei, i+1, item)
		}
	}
}

// inputItems evaluates the input collection, which must be a list.
func (e *Engine) inputItems(body *elementInstance) ([]any, bool) {
	x := body.el.mi.inputCollection
	v, w := e.eval(body, x, nil)
	list, ok := v.AsList()
	if !ok {
		e.createIncident(body, ErrorExtractValue, expectedMessage(x, "ARRAY", v, w), 0)
		return nil, false
	}
	items := make([]any, len(list))
	for i, it := range list {
		items[i] = feel.ToGo(it)
	}
	return items, true
}

func (e *Engine) activateInner(body *elementInstance, counter int, item any) {
	mi := body.el.mi
	vars := map[string]any{"loopCounter": counter}
	if mi.inputElement != "" {
		vars[mi.inputElement] = item
	}
	e.enqueueActivate(mi.inner, body, vars)
}

// collectOutput puts an inner instance's output element into the body's
// output collection, at the inner instance's index.
func (e *Engine) collectOutput(inner *elementInstance) {
	body := inner.parent
	mi := body.el.mi
	if mi.outputCollection == "" {
		return
	}
	var v any
	if mi.outputElement != nil {
		v, _ = e.evalWith(inner, mi.outputElement, nil)
	}
	n := asInt(visible(inner, "loopCounter"))
	i := body.local(mi.outputCollection)
	if i < 0 || n < 1 {
		return
	}
	old, _ := body.vars[i].value.([]any)
	if n > len(old) {
		return
	}
	out := append([]any(nil), old...)
	out[n-1] = v
	e.writeVariable(body, mi.outputCollection, out)
}

// innerCompleted runs after an inner instance completed.
func (e *Engine) innerCompleted(body *elementInstance) {
	if body.state != stateActivated {
		return
	}
	mi := body.el.mi
	if mi.completion != nil && e.completionHolds(body) {
		body.extra().terminateEnd = true // complete once the others are terminated
		e.terminateSiblings(body)
		return
	}
	if !mi.sequential {
		e.pathEnded(body)
		return
	}
	items, ok := e.inputItems(body)
	if !ok {
		return
	}
	if int(body.loop) < len(items) {
		e.activateInner(body, int(body.loop)+1, items[body.loop])
		return
	}
	e.enqueue(step{kind: stepComplete, ei: body})
}

// completionHolds evaluates the completion condition in the body's
// scope, with Zeebe's numberOfInstances, numberOfCompletedInstances and
// numberOfActiveInstances; a result that is not true counts as false.
func (e *Engine) completionHolds(body *elementInstance) bool {
	total := int(body.loop)
	v, _ := e.eval(body, body.el.mi.inputCollection, nil)
	if list, ok := v.AsList(); ok {
		total = len(list)
	}
	active := int(body.children)
	overlay := map[string]any{"numberOfInstances": total, "numberOfActiveInstances": active,
		"numberOfCompletedInstances": int(body.loop) - active}
	r, _ := e.eval(body, body.el.mi.completion, overlay)
	b, _ := r.AsBool()
	return b
}

func asInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	}
	var i int
	fmt.Sscan(fmt.Sprint(v), &i)
	return i
}
