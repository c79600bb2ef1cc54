package engine

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Variables follow Zeebe: each element instance is a scope; a name is
// looked up from the innermost scope outwards. "Merging" a document into
// a scope (job completion, message variables, output mappings) sets each
// variable where a variable of that name is visible, else on the process
// instance; "local" merging sets them on the scope itself. Setting a
// variable to the value it has writes no record.

// mergeLocal sets doc's variables on scope itself.
func (e *Engine) mergeLocal(scope *elementInstance, doc map[string]any) {
	for _, name := range e.sortedNames(doc) {
		e.writeVariable(scope, name, doc[name])
	}
}

// mergeDocument sets each of doc's variables in the nearest scope, from
// scope outwards, that has a variable of that name, else on the process
// instance.
func (e *Engine) mergeDocument(scope *elementInstance, doc map[string]any) {
	for _, name := range e.sortedNames(doc) {
		e.writeVariable(owner(scope, name), name, doc[name])
	}
}

func owner(scope *elementInstance, name string) *elementInstance {
	for s := scope; s != nil; s = s.parent {
		if s.local(name) >= 0 {
			return s
		}
	}
	return scope.root
}

func (ei *elementInstance) local(name string) int {
	if ei.x != nil && ei.x.varIndex != nil {
		if i, ok := ei.x.varIndex[name]; ok {
			return int(i)
		}
		return -1
	}
	for i := range ei.vars {
		if ei.vars[i].name == name {
			return i
		}
	}
	return -1
}

// sortedNames returns doc's names in order, in a slice reused by the
// next call.
func (e *Engine) sortedNames(doc map[string]any) []string {
	e.names = e.names[:0]
	for k := range doc {
		e.names = append(e.names, k)
	}
	if len(e.names) > 1 {
		slices.Sort(e.names)
	}
	return e.names
}

// writeVariable writes Variable CREATED or UPDATED unless the variable
// already has that value.
func (e *Engine) writeVariable(scope *elementInstance, name string, value any) {
	in, key := IntentCreated, int64(0)
	if i := scope.local(name); i >= 0 {
		if sameValue(scope.vars[i].value, value) {
			return
		}
		in, key = IntentUpdated, scope.vars[i].key
	} else {
		key = e.nextKey()
	}
	e.note(ValueVariable, in, key, e.scopeVariableRecord(name, value, scope))
	e.setVariable(scope, name, value, key)
}

// scopeVariableRecord is variableRecord for a variable of scope.
func (e *Engine) scopeVariableRecord(name string, value any, scope *elementInstance) *VariableValue {
	if !e.recording {
		return nil
	}
	return e.variableRecord(name, value, scope.key, scope.root.key, scope.proc)
}

// variableRecord returns the value of a Variable record, or nil when
// records are not kept.
func (e *Engine) variableRecord(name string, value any, scopeKey, piKey int64, p *process) *VariableValue {
	if !e.recording {
		return nil
	}
	return e.arena.variable.put(VariableValue{Name: name, Value: value, ScopeKey: scopeKey, ProcessInstanceKey: piKey,
		ProcessDefinitionKey: p.key, BPMNProcessID: p.id})
}

// sameValue reports whether two variable values are equal as JSON.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case float64:
		if y, ok := b.(float64); ok {
			return x == y
		}
	case nil:
		return b == nil
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// localDocument returns a scope's local variables as a document.
func localDocument(ei *elementInstance) map[string]any {
	doc := make(map[string]any, len(ei.vars))
	for _, v := range ei.vars {
		doc[v.name] = v.value
	}
	return doc
}

// applyInputs evaluates an element's input mappings in model order (each
// sees the results of the ones before) and sets the results as local
// variables of the element.
func (e *Engine) applyInputs(ei *elementInstance) bool {
	doc, ok := e.evalMappings(ei, ei.el.inputs)
	if ok {
		e.mergeLocal(ei, doc)
	}
	return ok
}

// applyOutputs propagates an element's results to its flow scope on
// completion, as Zeebe's BpmnVariableMappingBehavior does: with output
// mappings, the event's variables become local and the mappings' results
// are merged into the flow scope; without, the event's variables are
// merged from the element outwards; start, boundary and event-gateway
// target events (whose event variables are local) pass their local
// variables on.
func (e *Engine) applyOutputs(ei *elementInstance) bool {
	el := ei.el
	var trigger map[string]any
	hasTrigger := ei.x != nil && ei.x.hasTrigger
	if hasTrigger {
		trigger = ei.x.trigger
	}
	switch {
	case len(el.outputs) > 0:
		if len(trigger) > 0 {
			e.mergeLocal(ei, trigger)
		}
		doc, ok := e.evalMappings(ei, el.outputs)
		if !ok {
			return false
		}
		if el.body != nil {
			e.mergeLocal(ei, doc) // an inner instance keeps its results for the output element
		} else {
			e.mergeDocument(ei.parent, doc)
		}
	case len(trigger) > 0:
		e.mergeDocument(ei, trigger)
	case el.mi != nil && el.mi.outputCollection != "":
		if i := ei.local(el.mi.outputCollection); i >= 0 {
			e.mergeDocument(ei.parent, map[string]any{el.mi.outputCollection: ei.vars[i].value})
		}
	case len(ei.vars) > 0 && passesLocals(ei):
		e.passLocals(ei)
	}
	return true
}

// passLocals merges ei's local variables into its flow scope, in name
// order: mergeDocument(ei.parent, localDocument(ei)) without building
// the document (an event's variables, as a message start event passes
// them to its process instance).
func (e *Engine) passLocals(ei *elementInstance) {
	vars := ei.vars
	if !slices.IsSortedFunc(vars, byName) { // written by one merge, they are sorted
		vars = slices.SortedFunc(slices.Values(vars), byName)
	}
	for _, v := range vars {
		e.writeVariable(owner(ei.parent, v.name), v.name, v.value)
	}
}

func byName(a, b variable) int { return cmpString(a.name, b.name) }

func passesLocals(ei *elementInstance) bool {
	el := ei.el
	switch el.typ {
	case ElementStartEvent, ElementBoundaryEvent:
		return ei.parent != nil
	case ElementIntermediateCatchEvent, ElementReceiveTask:
		return el.afterEventGateway()
	}
	return false
}

func (e *Engine) evalMappings(ei *elementInstance, ms []mapping) (map[string]any, bool) {
	doc := make(map[string]any, len(ms))
	for _, m := range ms {
		v := m.static
		if m.source != nil {
			var ok bool
			if v, ok = e.evalWith(ei, m.source, doc); !ok {
				return nil, false
			}
		}
		setPath(doc, m.path, v, func(name string) any { return visible(ei, name) })
	}
	return doc, true
}

// setPath sets doc[path[0]].path[1]... to v, copying the maps on the way
// (values are shared and never modified in place). base gives the value
// a nested target starts from when doc does not have it yet.
func setPath(doc map[string]any, path []string, v any, base func(string) any) {
	if len(path) == 1 {
		doc[path[0]] = v
		return
	}
	cur, ok := doc[path[0]]
	if !ok {
		cur = base(path[0])
	}
	doc[path[0]] = withPath(cur, path[1:], v)
}

func withPath(cur any, path []string, v any) any {
	m, _ := cur.(map[string]any)
	out := make(map[string]any, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	if len(path) == 1 {
		out[path[0]] = v
	} else {
		out[path[0]] = withPath(out[path[0]], path[1:], v)
	}
	return out
}

// visible returns the value of the variable name as seen from ei.
func visible(ei *elementInstance, name string) any {
	for s := ei; s != nil; s = s.parent {
		if i := s.local(name); i >= 0 {
			return s.vars[i].value
		}
	}
	return nil
}

// visibleDocument returns every variable visible from ei (inner scopes
// win), as a job worker sees them.
func visibleDocument(ei *elementInstance) map[string]any {
	doc := map[string]any{}
	for s := ei; s != nil; s = s.parent {
		for _, v := range s.vars {
			if _, ok := doc[v.name]; !ok {
				doc[v.name] = v.value
			}
		}
	}
	return doc
}
