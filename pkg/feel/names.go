package feel

import (
	"slices"
)

// Names returns the free variables of the expression, sorted and without
// duplicates: the names it reads from its variables context. For paths
// only the first name counts (order.customer.name gives "order"). Names
// bound inside the expression (iteration variables, function parameters,
// earlier context entries, item and partial) are left out, and so are
// names used only inside filter conditions, which usually refer to the
// entries of list items (items[price > 10] gives "items"). Names called as
// functions are left out too.
func Names(x *Expr) []string {
	found := map[string]bool{}
	collectNames(x.root, nil, found)
	return sortedKeys(found)
}

// Names returns the free variables of the tests, as [Names] does for an
// expression; the input value "?" is not a variable.
func (u *UnaryTests) Names() []string {
	found := map[string]bool{}
	for _, t := range u.tests {
		collectTestNames(t, []string{"?"}, found)
	}
	return sortedKeys(found)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func collectNames(n node, bound []string, found map[string]bool) {
	switch x := n.(type) {
	case *nameRef:
		if !slices.Contains(bound, x.name) {
			found[x.name] = true
		}
	case *callExpr:
		if _, ok := x.callee.(*nameRef); !ok {
			collectNames(x.callee, bound, found)
		}
		collectAll(x.args, bound, found)
	case *filterExpr:
		collectNames(x.target, bound, found)
	case *contextExpr:
		for i, v := range x.vals {
			collectNames(v, append(bound[:len(bound):len(bound)], x.keys[:i]...), found)
		}
	case *funcDef:
		collectNames(x.body, append(bound[:len(bound):len(bound)], x.params...), found)
	case *forExpr:
		inner := collectIterators(x.iters, bound, found)
		collectNames(x.body, append(inner, "partial"), found)
	case *quantifiedExpr:
		collectNames(x.cond, collectIterators(x.iters, bound, found), found)
	case *inExpr:
		collectNames(x.x, bound, found)
		for _, t := range x.tests {
			collectTestNames(t, append(bound[:len(bound):len(bound)], "?"), found)
		}
	default:
		collectAll(children(n), bound, found)
	}
}

func collectAll(nodes []node, bound []string, found map[string]bool) {
	for _, c := range nodes {
		collectNames(c, bound, found)
	}
}

func collectIterators(iters []iterator, bound []string, found map[string]bool) []string {
	bound = bound[:len(bound):len(bound)]
	for _, it := range iters {
		collectNames(it.in, bound, found)
		if it.upto != nil {
			collectNames(it.upto, bound, found)
		}
		bound = append(bound, it.name)
	}
	return bound
}

func collectTestNames(t test, bound []string, found map[string]bool) {
	switch x := t.(type) {
	case *compareTest:
		collectNames(x.rhs, bound, found)
	case *exprTest:
		collectNames(x.x, bound, found)
	case *notTest:
		for _, inner := range x.tests {
			collectTestNames(inner, bound, found)
		}
	}
}

// children lists the direct sub-expressions of the nodes that bind no
// names.
func children(n node) []node {
	switch x := n.(type) {
	case *pathExpr:
		return []node{x.target}
	case *negExpr:
		return []node{x.x}
	case *arithExpr:
		return []node{x.l, x.r}
	case *compareExpr:
		return []node{x.l, x.r}
	case *logicExpr:
		return []node{x.l, x.r}
	case *betweenExpr:
		return []node{x.x, x.lo, x.hi}
	case *instanceOfExpr:
		return []node{x.x}
	case *ifExpr:
		return []node{x.cond, x.then, x.els}
	case *listExpr:
		return x.items
	case *rangeExpr:
		return []node{x.start, x.end}
	}
	return nil
}
