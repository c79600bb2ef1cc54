package engine

import "fmt"

// Element instances are found from their process instance: only process
// instances are indexed by key (e.roots); the others hang off them
// (firstChild, nextSib). Every record about an element instance names
// its process instance, so finding one costs a map lookup and a walk of
// a small tree, and the index sees two operations per process instance
// instead of two per element instance: with millions of instances,
// each map operation is a cache miss.

// instance returns element instance key of process instance piKey, or
// panics: an event about an unknown instance means the log and the
// state disagree.
func (e *Engine) instance(key, piKey int64) *elementInstance {
	ei := e.find(key, piKey)
	if ei == nil {
		panic(fmt.Sprintf("no element instance with key %d in process instance %d", key, piKey))
	}
	return ei
}

// find returns element instance key of process instance piKey, or nil.
func (e *Engine) find(key, piKey int64) *elementInstance {
	if h := e.hintEI; h != nil && h.key == key {
		return h
	}
	root := e.root(piKey)
	if root == nil || key == piKey {
		return root
	}
	return descendant(root, key)
}

// root returns a process instance by key, or nil.
func (e *Engine) root(key int64) *elementInstance {
	if len(e.fresh) > 0 {
		if ei := e.fresh[key]; ei != nil {
			return ei
		}
	}
	return e.roots[key]
}

// findAny finds an element instance by its key alone: a process instance
// directly, any other by searching every process instance, which is slow
// with many; only rare commands (SetVariables) and queries need it.
func (e *Engine) findAny(key int64) *elementInstance {
	if r := e.root(key); r != nil {
		return r
	}
	for _, r := range e.roots {
		if d := descendant(r, key); d != nil {
			return d
		}
	}
	return nil
}

// settle moves the process instances created during a command into the
// main index. New ones go to a small map first: many end within the
// command, and inserting and deleting them in a map of millions would
// fill it with tombstones, which makes Go's maps slow.
func (e *Engine) settle() {
	if len(e.fresh) == 0 {
		return
	}
	for k, ei := range e.fresh {
		ei.fresh = false
		e.roots[k] = ei
	}
	if len(e.fresh) > 1024 {
		e.fresh = map[int64]*elementInstance{}
	} else {
		clear(e.fresh)
	}
}

// elementFor resolves an element id named by a record about ei: ei's own
// element first (an inner instance of a multi-instance activity shares
// its id with the body), else the process's element of that id.
func elementFor(ei *elementInstance, id string) *element {
	if ei.el.id == id {
		return ei.el
	}
	return ei.el.model.byID[id]
}

func descendant(ei *elementInstance, key int64) *elementInstance {
	for c := ei.firstChild; c != nil; c = c.nextSib {
		if c.key == key {
			return c
		}
		if d := descendant(c, key); d != nil {
			return d
		}
	}
	return nil
}

// elementOf resolves a record's process version and element. A
// multi-instance body and the activity it runs share an id; the element
// type tells them apart.
func (e *Engine) elementOf(pdk int64, id string, typ ElementType) (*process, *element) {
	p := e.processes[pdk]
	if p == nil {
		panic(fmt.Sprintf("no process with key %d", pdk))
	}
	el := p.byID[id]
	if el == nil {
		panic(fmt.Sprintf("process %s has no element %q", p.id, id))
	}
	if el.mi != nil && typ != ElementMultiInstanceBody {
		el = el.mi.inner
	}
	return p, el
}
