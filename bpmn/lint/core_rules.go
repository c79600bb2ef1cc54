package lint

// coreRuleSet lists bpmnlint's 28 core rules, one file each, named for
// the rule.
func coreRuleSet() []*Rule {
	return []*Rule{
		adHocSubProcess,
		conditionalEvent,
		conditionalFlows,
		endEventRequired,
		eventBasedGateway,
		eventSubProcessTypedStartEvent,
		fakeJoin,
		global,
		labelRequired,
		linkEvent,
		noBpmndi,
		noComplexGateway,
		noDisconnected,
		noDuplicateSequenceFlows,
		noGatewayJoinFork,
		noImplicitEnd,
		noImplicitSplit,
		noImplicitStart,
		noInclusiveGateway,
		noOverlappingElements,
		singleBlankStartEvent,
		singleEventDefinition,
		standardSize,
		startEventRequired,
		subProcessBlankStartEvent,
		superfluousGateway,
		superfluousLabel,
		superfluousTermination,
	}
}
