package dmn

import (
	"strings"
)

// resolve links each decision to the decisions it requires and reports
// references to nothing and cycles.
func (p *parser) resolve() {
	for _, d := range p.defs.decisions {
		for _, req := range d.requiredRefs {
			// dmn-scala's reading of href: what precedes "#" is the
			// namespace of an imported model, what follows the id.
			ns, id, found := strings.Cut(req.href, "#")
			if !found {
				ns, id = "", req.href
			}
			switch target := p.defs.byID[id]; {
			case ns != "":
				p.problemAt(RuleUnsupported, req.pos, d.ID, "decision %q requires %q from another model: imported models are not supported", d.ID, req.href)
			case target == nil:
				p.problemAt(RuleDRG, req.pos, d.ID, "decision %q requires decision %q, which this file does not define (write href=\"#ID\")", d.ID, id)
			default:
				d.Required = append(d.Required, target)
			}
		}
	}
	p.findCycles()
}

// findCycles reports every cycle of requirements once, at the decision
// where the walk closed it.
func (p *parser) findCycles() {
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[*Decision]int{}
	var path []*Decision
	var visit func(d *Decision)
	visit = func(d *Decision) {
		state[d] = onPath
		path = append(path, d)
		for _, r := range d.Required {
			switch state[r] {
			case unvisited:
				visit(r)
			case onPath:
				p.problemAt(RuleDRG, d.Pos, d.ID, "decisions require each other in a cycle: %s", cycleText(path, r))
			}
		}
		path = path[:len(path)-1]
		state[d] = done
	}
	for _, d := range p.defs.decisions {
		if state[d] == unvisited {
			visit(d)
		}
	}
}

func cycleText(path []*Decision, start *Decision) string {
	var ids []string
	for i := len(path) - 1; i >= 0; i-- {
		ids = append(ids, path[i].ID)
		if path[i] == start {
			break
		}
	}
	// path runs from requirer to required; print it the way a reader
	// follows arrows: a requires b requires ... requires a.
	for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
		ids[i], ids[j] = ids[j], ids[i]
	}
	return strings.Join(append(ids, start.ID), " → ")
}

// DecisionInfo describes a decision for deployment: Zeebe versions
// decisions by id, and groups them by decision requirements (the
// definitions element).
type DecisionInfo struct {
	ID               string       `json:"decisionId"`
	Name             string       `json:"decisionName"`
	Type             DecisionType `json:"decisionType"`
	RequirementsID   string       `json:"decisionRequirementsId"`
	RequirementsName string       `json:"decisionRequirementsName"`
	// Required are the ids of the decisions this one requires.
	Required []string `json:"requiredDecisions,omitempty"`
	Pos      Pos      `json:"pos"`
}

// Decisions lists the file's decisions in document order.
func (d *Definitions) Decisions() []DecisionInfo {
	out := make([]DecisionInfo, len(d.decisions))
	for i, dec := range d.decisions {
		out[i] = DecisionInfo{ID: dec.ID, Name: dec.Name, Type: dec.Type(), RequirementsID: d.ID, RequirementsName: d.Name, Pos: dec.Pos}
		for _, r := range dec.Required {
			out[i].Required = append(out[i].Required, r.ID)
		}
	}
	return out
}

// Decision returns the decision with the given id, or nil.
func (d *Definitions) Decision(id string) *Decision { return d.byID[id] }

// TopDecisions returns the ids of the decisions no other decision
// requires, in document order: the ones a caller usually evaluates.
func (d *Definitions) TopDecisions() []string {
	required := map[*Decision]bool{}
	for _, dec := range d.decisions {
		for _, r := range dec.Required {
			required[r] = true
		}
	}
	var out []string
	for _, dec := range d.decisions {
		if !required[dec] {
			out = append(out, dec.ID)
		}
	}
	return out
}
