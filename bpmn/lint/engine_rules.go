package lint

// engineRuleSet lists the wfctl/ engine rules, one file each
// (engine_<name>.go, fixtures in testdata/engine/<name>/).
//
// Engine rules say what Camunda 8.8 (Zeebe) rejects at deploy. They look
// at executable processes only (isExecutable="true"), as Zeebe validates
// and deploys only those; wfctl/executable-process is the exception, its
// point being that there is none. Their semantics follow Zeebe's
// validators and, where those agree, bpmnlint-plugin-camunda-compat's
// camunda-cloud-8-8 rules, which engine_parity_test.go compares them with
// on the shared corpus; where the plugin is stricter than Zeebe (a catch
// event's error without a code, a day-of-month step in a cron), wfctl
// follows Zeebe.
func engineRuleSet() []*Rule {
	return []*Rule{
		engineCalledElement,
		engineElementType,
		engineErrorReference,
		engineEventBasedGatewayTarget,
		engineExecutableProcess,
		engineFEELSyntax,
		engineLinkEvent,
		engineLoopCharacteristics,
		engineMessageSubscription,
		engineMultipleNoneStartEvents,
		enginePlatformVersion,
		engineSequenceFlowCondition,
		engineSubProcessStartEvent,
		engineTaskDefinition,
		engineTimer,
	}
}
