package engine

// Element instances and jobs are reused: most live for a fraction of a
// command (a start event, a gateway) and allocating each would make the
// garbage collector the engine's main cost. One removed during a command
// may still be named by a queued step of that command, so it is reused
// only from the next command on.

// maxFree bounds the free lists: enough for the instances one command
// creates and ends; beyond it the garbage collector takes them.
const maxFree = 1024

func (e *Engine) recycle() {
	for i, ei := range e.deadEIs {
		if len(e.freeEIs) < maxFree {
			*ei = elementInstance{}
			e.freeEIs = append(e.freeEIs, ei)
		}
		e.deadEIs[i] = nil
	}
	e.deadEIs = e.deadEIs[:0]
	for i, j := range e.deadJobs {
		if len(e.freeJobs) < maxFree {
			*j = job{}
			e.freeJobs = append(e.freeJobs, j)
		}
		e.deadJobs[i] = nil
	}
	e.deadJobs = e.deadJobs[:0]
}

func (e *Engine) newInstance() *elementInstance {
	if n := len(e.freeEIs); n > 0 {
		ei := e.freeEIs[n-1]
		e.freeEIs = e.freeEIs[:n-1]
		return ei
	}
	return &elementInstance{}
}

func (e *Engine) newJob() *job {
	if n := len(e.freeJobs); n > 0 {
		j := e.freeJobs[n-1]
		e.freeJobs = e.freeJobs[:n-1]
		return j
	}
	return &job{}
}

// Go maps never shrink: after a peak of a million in-flight instances the
// index keeps its size. shrinkMaps rebuilds the big indexes when they
// hold less than an eighth of their peak, so that a long replay gives
// memory back after a burst.
func (e *Engine) shrinkMaps() {
	const minPeak = 1 << 16
	if n := len(e.roots); n > e.peakRoots {
		e.peakRoots = n
	} else if e.peakRoots > minPeak && n < e.peakRoots/8 {
		e.roots = rebuilt(e.roots)
		e.peakRoots = n
	}
	if n := len(e.subIndex); n > e.peakSubs {
		e.peakSubs = n
	} else if e.peakSubs > minPeak && n < e.peakSubs/8 {
		e.subIndex = rebuilt(e.subIndex)
		e.peakSubs = n
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
