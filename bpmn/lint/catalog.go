package lint

import "sort"

// RuleInfo describes one rule for a listing: its id, what kind of rule it
// is, the severity a config gives it and what it asks for.
type RuleInfo struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Severity    Severity `json:"-"`
	Description string   `json:"description"`
}

// Rule kinds in a listing.
const (
	KindReading = "reading" // found while reading the file (parse-error, wfctl/duplicate-id, ...)
	KindCore    = "core"    // bpmnlint's rules
	KindEngine  = "engine"  // wfctl's engine rules
)

// Catalog lists every rule a report may carry, sorted by id: the reading
// rules (parse-error and the parser's), bpmnlint's core rules and the
// engine rules, each with the severity cfg gives it (for files no
// override selects).
func Catalog(cfg *Config) []RuleInfo {
	eff := cfg.forFile("")
	out := []RuleInfo{{ID: "parse-error", Kind: KindReading, Severity: Error, Description: Describe("parse-error")}}
	for id, desc := range parserRules {
		dflt := Error
		if id == RuleExecutionPlatform {
			dflt = Info
		}
		out = append(out, RuleInfo{ID: id, Kind: KindReading, Severity: eff.severity(id, dflt), Description: desc})
	}
	for _, r := range allRules {
		kind := KindCore
		if r.Engine() {
			kind = KindEngine
		}
		out = append(out, RuleInfo{ID: r.ID, Kind: kind, Severity: eff.rules[r.ID].Severity, Description: r.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
