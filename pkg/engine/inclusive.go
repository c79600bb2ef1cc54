package engine

import "slices"

// Joining inclusive gateways, as Camunda 8.8 runs them: a token that
// arrives waits until every incoming flow either carries a token or can
// no longer get one. A flow can still get one while some token of the
// same flow scope can reach the flow's source without passing through the
// gateway: an active element instance (or one about to be activated), a
// boundary event's activity, or a token waiting at another join. The
// gateway consumes one token per incoming flow that has one.
//
// Reachability is computed once at compile time: for each incoming flow
// of each joining inclusive gateway, the set of elements of its flow
// scope from which the flow's source can be reached.

// inclusiveJoin is a joining inclusive gateway's compiled reachability.
type inclusiveJoin struct {
	// reach[i] marks (by element index) the elements that can reach
	// el.in[i] without passing through the gateway.
	reach []bitset
}

type bitset []uint64

func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }

// linkInclusiveJoins computes the reachability of every joining
// inclusive gateway once every flow and boundary event is linked.
func (c *compiler) linkInclusiveJoins() {
	n := len(c.p.elements)
	for _, gw := range c.p.elements {
		if gw.typ != ElementInclusiveGateway || len(gw.in) < 2 {
			continue
		}
		gw.joins = true
		gw.inclusive = &inclusiveJoin{reach: make([]bitset, len(gw.in))}
		for i, f := range gw.in {
			gw.inclusive.reach[i] = reachingBack(f.src, gw, n)
		}
	}
}

// reachingBack returns the elements from which from can be reached along
// sequence flows without passing through stop: from itself, what flows
// into it, and the activities whose boundary events lead there.
func reachingBack(from, stop *element, n int) bitset {
	seen := make(bitset, (n+63)/64)
	stack := []*element{from}
	for len(stack) > 0 {
		el := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if el == stop || seen.has(el.idx) {
			continue
		}
		seen.set(el.idx)
		for _, f := range el.in {
			stack = append(stack, f.src)
		}
		if el.attachedTo != nil {
			stack = append(stack, el.attachedTo)
		}
		if el.mi != nil && el.mi.inner != nil {
			seen.set(el.mi.inner.idx)
		}
	}
	return seen
}

// inclusiveReady reports whether the joining inclusive gateway gw may
// activate in scope: some incoming flow has a token and no flow without
// one can still get one.
func (e *Engine) inclusiveReady(scope *elementInstance, gw *element) bool {
	if scope.x == nil {
		return false
	}
	joined := scope.x.joined
	arrived := false
	for _, f := range gw.in {
		if joined[f.idx] > 0 {
			arrived = true
			break
		}
	}
	if !arrived {
		return false
	}
	for i, f := range gw.in {
		if joined[f.idx] == 0 && e.tokenCanReach(scope, gw, gw.inclusive.reach[i]) {
			return false
		}
	}
	return true
}

// tokenCanReach reports whether a token of scope other than those
// waiting at gw is at an element of reach.
func (e *Engine) tokenCanReach(scope *elementInstance, gw *element, reach bitset) bool {
	for c := scope.firstChild; c != nil; c = c.nextSib {
		if c.el != gw && reach.has(c.el.idx) {
			return true
		}
	}
	for i := e.qpos + 1; i < len(e.queue); i++ {
		s := &e.queue[i]
		if s.kind == stepActivate && s.scope == scope && s.el != gw && reach.has(s.el.idx) {
			return true
		}
	}
	for idx, n := range scope.x.joined {
		if n > 0 {
			if dst := scope.proc.flows[idx].dst; dst != gw && reach.has(dst.idx) {
				return true
			}
		}
	}
	return false
}

// recheckInclusiveJoins runs when a token of scope went away (a path
// ended): a join that waited for it may now go on.
func (e *Engine) recheckInclusiveJoins(scope *elementInstance) {
	if scope.x == nil || len(scope.x.joined) == 0 || scope.state != stateActivated {
		return
	}
	var ready []*element
	for idx, n := range scope.x.joined {
		gw := scope.proc.flows[idx].dst
		if n > 0 && gw.inclusive != nil && !slices.Contains(ready, gw) && e.inclusiveReady(scope, gw) {
			ready = append(ready, gw)
		}
	}
	slices.SortFunc(ready, func(a, b *element) int { return a.idx - b.idx })
	for _, gw := range ready {
		e.enqueueActivate(gw, scope, nil)
	}
}
