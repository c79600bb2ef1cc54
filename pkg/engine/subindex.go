package engine

// The subscription index finds the open subscriptions to a published
// message: by message name, then by correlation key. Two levels rather
// than one map keyed by the pair: the name level is small and stays in
// cache, and the large key level hashes and compares one string instead
// of two. Subscriptions with the same name and key form a list in
// creation order (the order messages reach them in), whose head the key
// level holds; the head's prev points to the tail.

// subBucket indexes the open subscriptions to one message name by
// correlation key.
type subBucket struct {
	byKey map[string]*subscription // the head of each key's list
	peak  int                      // the most keys held since byKey was last built
}

// firstSub returns the oldest open subscription to a message with that
// name and key; the others follow it through next.
func (e *Engine) firstSub(name, corr string) *subscription {
	if b := e.subIndex[name]; b != nil {
		return b.byKey[corr]
	}
	return nil
}

// indexSub adds an opened subscription to the index, last of its list.
func (e *Engine) indexSub(s *subscription) {
	e.subCount++
	b := e.subIndex[s.name]
	if b == nil {
		b = &subBucket{byKey: map[string]*subscription{}}
		e.subIndex[s.name] = b
	}
	s.bucket = b
	head := b.byKey[s.corrKey]
	if head == nil {
		s.prev, s.next = s, nil
		b.byKey[s.corrKey] = s
		b.peak = max(b.peak, len(b.byKey))
		return
	}
	tail := head.prev
	tail.next, s.prev, s.next, head.prev = s, tail, nil, s
}

// unindexSub takes a closed subscription out of the index.
func (e *Engine) unindexSub(s *subscription) {
	e.subCount--
	b := s.bucket
	// Only the head's prev does not lead back to it (the tail's next is
	// nil), which saves looking the head up by key.
	isHead := s.prev.next != s
	switch {
	case isHead && s.next == nil:
		delete(b.byKey, s.corrKey)
		e.shrinkBucket(s.name, b)
	case isHead:
		s.next.prev = s.prev
		b.byKey[s.corrKey] = s.next
	default:
		s.prev.next = s.next
		if s.next != nil {
			s.next.prev = s.prev
		} else {
			b.byKey[s.corrKey].prev = s.prev
		}
	}
	s.prev, s.next, s.bucket = nil, nil, nil
}

// shrinkBucket runs when a key left the index of a message name. An
// empty index that never held many keys goes (a name computed per
// instance would otherwise stay forever); one that did stays, so that
// the next burst of waits for a model's message does not grow its map
// from nothing again. A large index mostly empty is rebuilt (Go maps
// never shrink; see shrinkMaps).
func (e *Engine) shrinkBucket(name string, b *subBucket) {
	const fewKeys = 8
	switch n := len(b.byKey); {
	case n == 0 && b.peak <= fewKeys:
		delete(e.subIndex, name)
	case b.peak > minPeak && n < b.peak/8:
		b.byKey = rebuilt(b.byKey)
		b.peak = n
	}
}
