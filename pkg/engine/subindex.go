package engine

// The subscription index finds the open subscriptions to a published
// message: by correlation key, then by message name. Key first, because
// an instance mostly waits for its next message with the key it waited
// with before (an order's payment, then its shipment): the correlation
// that closes one subscription and the activation that opens the next
// touch the same entry of the large key map, already in cache, where a
// name-first index would look the key up in a second large map. With
// many instances waiting, each such lookup is a cache miss.
//
// Under a key, each message name waited for has a list of subscriptions
// in creation order (the order messages reach them in); the head of each
// list is in the key's chain of names (nextName), the first of which the
// key map holds. A head's prev points to its list's tail. A key is
// waited for under few names, so the chain is short; a long list of one
// name costs nothing to a message of another.

// firstSub returns the oldest open subscription to a message with that
// name and key; the others follow it through next.
func (e *Engine) firstSub(name, corr string) *subscription {
	for h := e.subsByKey[corr]; h != nil; h = h.nextName {
		if h.name == name {
			return h
		}
	}
	return nil
}

// indexSub adds an opened subscription to the index, last of its list.
func (e *Engine) indexSub(s *subscription) {
	first := e.subsByKey[s.corrKey]
	for h := first; h != nil; h = h.nextName {
		if h.name == s.name {
			tail := h.prev
			tail.next, s.prev, s.next, h.prev = s, tail, nil, s
			return
		}
	}
	s.prev, s.next, s.nextName = s, nil, first // the head of a new list, first of the chain
	e.subsByKey[s.corrKey] = s
	e.subsPeak = max(e.subsPeak, len(e.subsByKey))
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
	h := e.subsByKey[s.corrKey]
	for h.name != s.name {
		h = h.nextName
	}
	return h
}

// replaceHead puts by (nil: nothing) where the head old is in its key's
// chain of names.
func (e *Engine) replaceHead(old, by *subscription) {
	first := e.subsByKey[old.corrKey]
	switch {
	case first != old:
		for first.nextName != old {
			first = first.nextName
		}
		first.nextName = by
	case by != nil:
		e.subsByKey[old.corrKey] = by
	default:
		delete(e.subsByKey, old.corrKey)
	}
}
