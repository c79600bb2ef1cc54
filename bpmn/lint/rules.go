package lint

import (
	"sort"

	"github.com/wfctl/wfctl/bpmn"
)

// coreRules are bpmnlint's core rules, one file each, named for the rule.
func coreRules() []*Rule {
	return coreRuleSet()
}

// engineRules are wfctl's rules for what the engine cannot run.
func engineRules() []*Rule {
	return append([]*Rule{duplicateProcessID}, engineRuleSet()...)
}

var allRules = func() []*Rule {
	rs := append(coreRules(), engineRules()...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}()

// Rules returns every rule, sorted by id.
func Rules() []*Rule { return allRules }

// parserRules are the ids of problems the parser itself reports.
var parserRules = map[string]string{
	bpmn.RuleDuplicateID:         "ids are unique in a document",
	bpmn.RuleUnresolvedReference: "references name an element of the right type",
	bpmn.RuleUndeclaredPrefix:    "namespace prefixes are declared",
	bpmn.RuleElementName:         "BPMN element names are written as the schema spells them",
	RuleExecutionPlatform:        "a file drawn for Camunda 7 is not checked with Camunda 8's engine rules (a note, with --engine auto)",
}

func knownRule(id string) bool {
	if _, ok := parserRules[id]; ok {
		return true
	}
	for _, r := range allRules {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Describe returns a rule's one-line description, for any id a report may
// carry (rules, parser problems, parse-error).
func Describe(id string) string {
	if d, ok := parserRules[id]; ok {
		return d
	}
	for _, r := range allRules {
		if r.ID == id {
			return r.Description
		}
	}
	if id == "parse-error" {
		return "the file is a well-formed BPMN 2.0 document"
	}
	return id
}
