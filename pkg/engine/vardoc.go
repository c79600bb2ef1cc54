package engine

// updateVariables sets variables on a scope from outside (to fix an
// incident, for instance): locally, or propagated as Zeebe's
// SetVariables without the local flag does.
func (e *Engine) updateVariables(v *VariableDocumentValue) error {
	scope := e.findAny(v.ScopeKey)
	if scope == nil {
		return reject(NotFound, "Expected to update variables for element with key '%d', but no such element was found", v.ScopeKey)
	}
	if v.Local {
		e.mergeLocal(scope, v.Variables)
	} else {
		e.mergeDocument(scope, v.Variables)
	}
	out := e.arena.doc.get()
	*out = *v
	e.event(ValueVariableDocument, IntentUpdated, e.nextKey(), out)
	return nil
}
