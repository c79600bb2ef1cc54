package lint

// engineRuleSet lists the wfctl/ engine rules, one file each.
func engineRuleSet() []*Rule {
	return []*Rule{}
}
