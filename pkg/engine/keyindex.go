package engine

// The key index holds what the engine knows under each correlation key:
// the open subscriptions waiting for a message with that key, and the
// process instances a message with that key started that are still
// active (Zeebe's message start uniqueness: a message start event starts
// at most one instance per process id and key at a time).
//
// One map for both, keyed by correlation key: an instance mostly waits
// for its next message with the key it waited with before (an order's
// payment, then its shipment), and a message-started instance waits with
// the key it started with. So the publish that correlates, the
// activation that opens the next subscription and the end of the
// instance that frees its key all touch the same entry, in cache after
// the first; with many instances waiting, every entry looked up in
// another large map would be a cache miss.
//
// Under a key, each message name waited for has a list of subscriptions
// in creation order (the order messages reach them in); the head of each
// list is in the key's chain of names (nextName), the first of which the
// entry holds. A head's prev points to its list's tail. A key is waited
// for under few names, so the chain is short; a long list of one name
// costs nothing to a message of another.

// keyEntry is what the key index holds under one correlation key.
type keyEntry struct {
	subs *subscription // the first head of the key's chain of names
	// started is the process id of an active instance a message with
	// this key started; those of other process ids, rare, are in
	// Engine.startedMore.
	started string
}

func (k keyEntry) empty() bool { return k.subs == nil && k.started == "" }

// The entry of the key used last is held out of the map (keyCache) until
// another key's is needed or the command ends (flushKey): a message, the
// activation that follows it and the end of its instance mostly use one
// key, and every change of an entry in the map would hash the key and
// look it up again.
type keyCache struct {
	key         string
	entry       keyEntry
	held, dirty bool
}

// entry returns the entry of key corr, to read or (marking the cache
// dirty) to change.
func (e *Engine) entry(corr string) *keyEntry {
	c := &e.keyCache
	if !c.held || c.key != corr {
		e.flushKey()
		c.key, c.entry, c.held = corr, e.byKey[corr], true
	}
	return &c.entry
}

// flushKey puts the held entry back in the map, or removes it from the
// map when it holds nothing any more.
func (e *Engine) flushKey() {
	c := &e.keyCache
	switch {
	case !c.held:
		return
	case c.dirty && c.entry.empty():
		delete(e.byKey, c.key)
	case c.dirty:
		e.byKey[c.key] = c.entry
		e.keysPeak = max(e.keysPeak, len(e.byKey))
	}
	*c = keyCache{}
}

// firstSub returns the oldest open subscription to a message with that
// name and key; the others follow it through next.
func (e *Engine) firstSub(name, corr string) *subscription {
	for h := e.entry(corr).subs; h != nil; h = h.nextName {
		if h.name == name {
			return h
		}
	}
	return nil
}

// indexSub adds an opened subscription to the index, last of its list.
func (e *Engine) indexSub(s *subscription) {
	k := e.entry(s.corrKey)
	for h := k.subs; h != nil; h = h.nextName {
		if h.name == s.name {
			tail := h.prev
			tail.next, s.prev, s.next, h.prev = s, tail, nil, s
			return
		}
	}
	s.prev, s.next, s.nextName = s, nil, k.subs // the head of a new list, first of the chain
	k.subs = s
	e.keyCache.dirty = true
}

// unindexSub takes a closed subscription out of the index.
func (e *Engine) unindexSub(s *subscription) {
	// Only a head's prev does not lead back to it (a tail's next is nil).
	switch {
	case s.prev.next == s:
		s.prev.next = s.next
		if s.next != nil {
			s.next.prev = s.prev
		} else {
			e.headOf(s).prev = s.prev
		}
	case s.next != nil:
		next := s.next
		next.prev, next.nextName = s.prev, s.nextName
		e.replaceHead(s, next)
	default:
		e.replaceHead(s, s.nextName)
	}
	s.prev, s.next, s.nextName = nil, nil, nil
}

// headOf returns the head of the list s is in.
func (e *Engine) headOf(s *subscription) *subscription {
	h := e.entry(s.corrKey).subs
	for h.name != s.name {
		h = h.nextName
	}
	return h
}

// replaceHead puts by (nil: nothing) where the head old is in its key's
// chain of names.
func (e *Engine) replaceHead(old, by *subscription) {
	k := e.entry(old.corrKey)
	if k.subs == old {
		k.subs = by
		e.keyCache.dirty = true
		return
	}
	h := k.subs
	for h.nextName != old {
		h = h.nextName
	}
	h.nextName = by
}

// startedWith reports whether an instance of process id that a message
// with key corr started is active.
func (e *Engine) startedWith(id, corr string) bool {
	if e.entry(corr).started == id {
		return true
	}
	_, ok := e.startedMore[startKey{id, corr}]
	return ok
}

// markStarted notes that a message with key corr started an instance of
// process id (none of which is active).
func (e *Engine) markStarted(id, corr string) {
	k := e.entry(corr)
	if k.started != "" {
		e.startedMore[startKey{id, corr}] = struct{}{}
		return
	}
	k.started = id
	e.keyCache.dirty = true
}

// unmarkStarted notes that the instance of process id a message with
// key corr started ended.
func (e *Engine) unmarkStarted(id, corr string) {
	k := e.entry(corr)
	if k.started != id {
		delete(e.startedMore, startKey{id, corr})
		return
	}
	k.started = ""
	e.keyCache.dirty = true
}
