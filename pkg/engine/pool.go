package engine

// Element instances, jobs, message subscriptions, timers and the slices
// of scope variables are reused: most live for a fraction of a command
// (a start event, a gateway) or a few records of a replay, and
// allocating each would make the garbage collector the engine's main
// cost. One removed during a command may still be named by a queued step
// (or a loop) of that command, so it is reused only from the next
// command on.

// maxFree bounds each free list: enough for what one command creates and
// ends; beyond it the garbage collector takes them.
const maxFree = 1024

func (e *Engine) recycle() {
	// Most commands end little (a replayed message: an element instance
	// and a timer), and nothing of most kinds.
	if len(e.deadEIs) > 0 {
		e.recycleInstances()
	}
	if len(e.deadVars) > 0 {
		e.recycleVars()
	}
	if len(e.deadJobs) > 0 {
		e.deadJobs, e.freeJobs = recycled(e.deadJobs, e.freeJobs)
	}
	if len(e.deadSubs) > 0 {
		e.deadSubs, e.freeSubs = recycled(e.deadSubs, e.freeSubs)
	}
	if len(e.deadTimers) > 0 {
		e.deadTimers, e.freeTimers = recycled(e.deadTimers, e.freeTimers)
	}
}

// recycled zeroes the dead and moves them to the free list, as far as
// it has room, and returns both lists.
func recycled[T any](dead, free []*T) ([]*T, []*T) {
	for i, x := range dead {
		if len(free) < maxFree {
			var zero T
			*x = zero
			free = append(free, x)
		}
		dead[i] = nil
	}
	return dead[:0], free
}

// reused takes an item off a free list, or allocates one.
func reused[T any](free *[]*T) *T {
	if n := len(*free); n > 0 {
		x := (*free)[n-1]
		*free = (*free)[:n-1]
		return x
	}
	return new(T)
}

func (e *Engine) newJob() *job          { return reused(&e.freeJobs) }
func (e *Engine) newSub() *subscription { return reused(&e.freeSubs) }
func (e *Engine) newTimer() *timer      { return reused(&e.freeTimers) }

// maxPooledVars is the capacity up to which variable slices are reused:
// most scopes have a few variables; larger slices go to the garbage
// collector.
const maxPooledVars = 4

// newVars returns an empty slice for a scope's variables.
func (e *Engine) newVars() []variable {
	if n := len(e.freeVars); n > 0 {
		vars := e.freeVars[n-1]
		e.freeVars = e.freeVars[:n-1]
		return vars
	}
	return make([]variable, 0, 1)
}

// releaseVars takes the variables of a removed scope for reuse.
func (e *Engine) releaseVars(vars []variable) {
	if c := cap(vars); c > 0 && c <= maxPooledVars {
		e.deadVars = append(e.deadVars, vars)
	}
}

func (e *Engine) recycleVars() {
	for i, vars := range e.deadVars {
		if len(e.freeVars) < maxFree {
			clear(vars[:cap(vars)]) // let go of the values
			e.freeVars = append(e.freeVars, vars[:0])
		}
		e.deadVars[i] = nil
	}
	e.deadVars = e.deadVars[:0]
}

// waitingInstance allocates an element instance that opens message
// subscriptions (a receive task, a message catch event) together with
// its first one. Correlating a message reads both, and with one
// allocation they sit side by side in memory: with many instances
// waiting, that is one cache miss where two objects anywhere in the heap
// cost two. It takes no more memory: apart, the two take the same size
// classes.
type waitingInstance struct {
	sub subscription
	ei  elementInstance
}

// newInstance returns an element instance for el, with a subscription
// allocated with it (sub0) when el opens subscriptions.
func (e *Engine) newInstance(el *element) *elementInstance {
	if !el.opensSubs {
		return reused(&e.freeEIs)
	}
	if n := len(e.freeWaiting); n > 0 {
		ei := e.freeWaiting[n-1]
		e.freeWaiting = e.freeWaiting[:n-1]
		return ei
	}
	w := &waitingInstance{}
	w.ei.sub0 = &w.sub
	return &w.ei
}

// newSubFor returns a subscription for ei to open: the first time the
// one allocated with it, else a pooled one. (An element instance opens
// its subscriptions once, when it is activated; an opened subscription
// keeps its key, so the slot is not taken twice.)
func (e *Engine) newSubFor(ei *elementInstance) *subscription {
	if s := ei.sub0; s != nil && s.key == 0 {
		return s
	}
	return e.newSub()
}

// releaseSub returns a closed subscription to its pool, unless it is
// part of its element instance, which is recycled with it.
func (e *Engine) releaseSub(s *subscription) {
	if s != s.ei.sub0 {
		e.deadSubs = append(e.deadSubs, s)
	}
}

// recycleInstances recycles the element instances removed during the
// last command, those with a subscription slot apart.
func (e *Engine) recycleInstances() {
	for i, ei := range e.deadEIs {
		switch slot := ei.sub0; {
		case slot == nil && len(e.freeEIs) < maxFree:
			*ei = elementInstance{}
			e.freeEIs = append(e.freeEIs, ei)
		case slot != nil && len(e.freeWaiting) < maxFree:
			*ei, *slot = elementInstance{sub0: slot}, subscription{}
			e.freeWaiting = append(e.freeWaiting, ei)
		}
		e.deadEIs[i] = nil
	}
	e.deadEIs = e.deadEIs[:0]
}

// Go maps never shrink: after a peak of a million in-flight instances the
// index keeps its size. shrinkMaps rebuilds the big indexes when they
// hold less than an eighth of their peak, so that a long replay gives
// memory back after a burst.
const minPeak = 1 << 16

func (e *Engine) shrinkMaps() {
	if n := len(e.roots); n > e.peakRoots {
		e.peakRoots = n
	} else if e.peakRoots > minPeak && n < e.peakRoots/8 {
		e.roots = rebuilt(e.roots)
		e.peakRoots = n
	}
	if n := len(e.byKey); e.keysPeak > minPeak && n < e.keysPeak/8 {
		e.byKey = rebuilt(e.byKey)
		e.keysPeak = n
	}
}

// rebuilt copies m into a map sized for what it holds now (maps.Clone
// may keep the old size).
func rebuilt[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
