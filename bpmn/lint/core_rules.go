package lint

// coreRuleSet lists bpmnlint's core rules, one file each.
func coreRuleSet() []*Rule {
	return []*Rule{}
}
