package lint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/internal/corpustest"
)

// engParityColumns maps each camunda-compat column of the baseline to the
// wfctl rules that cover it.
var engParityColumns = map[string][]string{
	"executable-process":            {RuleExecutableProcess},
	"element-type":                  {RuleElementType},
	"implementation":                {RuleTaskDefinition},
	"message-reference":             {RuleMessageSubscription},
	"subscription":                  {RuleMessageSubscription},
	"timer":                         {RuleTimer},
	"no-multiple-none-start-events": {RuleMultipleNoneStartEvents},
	"sequence-flow-condition":       {RuleSequenceFlowCondition},
	"event-based-gateway-target":    {RuleEventBasedGatewayTarget},
	"loop-characteristics":          {RuleLoopCharacteristics, RuleElementType},
	"error-reference":               {RuleErrorReference},
	"link-event":                    {RuleLinkEvent},
	"called-element":                {RuleCalledElement},
}

// engParityAllowed lists the baseline rejections wfctl deliberately does not
// flag, by column and file, with the reason. Each is a place where
// bpmnlint-plugin-camunda-compat is stricter than Zeebe 8.8.
var engParityAllowed = map[string]map[string]string{
	"error-reference": {
		// The lint requires an errorCode on errors that catch events
		// reference; Zeebe does not (a catch event without a code is a
		// catch-all, and a code is only required on thrown errors).
		"bpmnlint/test/rules/global/invalid-error-duplicate-name.bpmn":                                       "error without errorCode caught by a boundary event",
		"bpmnlint/test/rules/global/invalid-error-missing-name.bpmn":                                         "error without errorCode caught by a boundary event",
		"bpmnlint/test/rules/global/valid-error.bpmn":                                                        "error without errorCode caught by a boundary event",
		"bpmnlint-plugin-camunda-compat/test/camunda-cloud/integration/error-reference-catching-errors.bpmn": "errors without errorCode caught by a boundary and an event sub-process start",
		"zeebe/operate/qa/integration-tests/src/test/resources/errorProcessCatchAll.bpmn":                    "errors without errorCode caught (a Zeebe test resource that deploys)",
		"bpmn-js/test/spec/features/modeling/behavior/BoundaryEvent.bpmn":                                    "error without errorCode caught by a boundary event",
	},
	"timer": {
		// "0/5 0/1 * 1/1 * ?": the lint's cron regex rejects a step in the
		// day-of-month field; Zeebe's cron parser (Spring's) accepts it.
		"camunda-bpm-examples/clients/java/order-handling/order-handling.bpmn":                                                                      "valid Spring cron 0/5 0/1 * 1/1 * ?",
		"camunda-bpm-examples/spring-boot-starter/external-task-client/loan-granting-spring-boot-webapp/src/main/resources/bpmn/loan-granting.bpmn": "valid Spring cron 0/5 0/1 * 1/1 * ?",
	},
}

// readEngBaseline reads camunda-compat-8-8-baseline.tsv, with columns
// named by rule id without the "camunda-compat/" prefix.
func readEngBaseline(t *testing.T) []baselineRow {
	rows, _ := readBaseline(t, filepath.Join(corpusDir, "camunda-compat-8-8-baseline.tsv"))
	for _, row := range rows {
		for col, n := range row.counts {
			if short, ok := strings.CutPrefix(col, "camunda-compat/"); ok {
				delete(row.counts, col)
				row.counts[short] = n
			}
		}
	}
	return rows
}

// runEngRules runs every wfctl/ rule on doc and groups the reports by
// rule id. wfctl/platform-version is left out: the baseline ran
// camunda-compat's fixed camunda-cloud-8-8 configuration, which does not
// judge a file by the version it declares (its fixtures test it).
func runEngRules(doc *bpmn.Document) map[string][]Report {
	out := map[string][]Report{}
	for _, r := range engineRuleSet() {
		if r.ID == RulePlatformVersion {
			continue
		}
		c := &Check{Doc: doc, rule: r}
		r.Check(c)
		if len(c.reports) > 0 {
			out[r.ID] = c.reports
		}
	}
	return out
}

func TestEngineParityWithCamundaCompat(t *testing.T) {
	corpustest.Dir(t)
	rows := readEngBaseline(t)
	files, cols := map[string]map[string][]Report{}, map[string]map[string]bool{}
	for _, row := range rows {
		if row.status != "ok" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(corpusDir, row.path))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := bpmn.Parse(row.path, src)
		if err != nil {
			t.Logf("%s: wfctl cannot parse what bpmn-moddle read: %v", row.path, err)
			continue
		}
		files[row.path] = runEngRules(doc)
		cols[row.path] = map[string]bool{}
		for col, n := range row.counts {
			cols[row.path][col] = n > 0
		}
	}
	checkEngMisses(t, rows, files)
	logEngReverse(t, files, cols)
}

// checkEngMisses asserts that every file the baseline rejects in a covered
// column is flagged by a wfctl rule for that column, unless allowed.
func checkEngMisses(t *testing.T, rows []baselineRow, files map[string]map[string][]Report) {
	colNames := make([]string, 0, len(engParityColumns))
	for col := range engParityColumns {
		colNames = append(colNames, col)
	}
	sort.Strings(colNames)
	for _, col := range colNames {
		rejected, flagged, allowed := 0, 0, 0
		for _, row := range rows {
			got, parsed := files[row.path]
			if row.counts[col] == 0 || !parsed {
				continue
			}
			rejected++
			hit := false
			for _, id := range engParityColumns[col] {
				hit = hit || len(got[id]) > 0
			}
			why, isAllowed := engParityAllowed[col][row.path]
			switch {
			case hit && isAllowed:
				t.Errorf("%s: %s is flagged now; drop it from engParityAllowed (%s)", col, row.path, why)
			case hit:
				flagged++
			case isAllowed:
				allowed++
				t.Logf("%s: allowed miss %s: %s", col, row.path, why)
			default:
				t.Errorf("%s: camunda-compat rejects %s (%d reports), no %v report", col, row.path, row.counts[col], engParityColumns[col])
			}
		}
		t.Logf("parity %-30s baseline-rejected %3d  flagged %3d  allowed misses %d", col, rejected, flagged, allowed)
	}
}

// engReverseReasons classifies wfctl reports on files camunda-compat does
// not reject in the rule's columns. Each class is a Zeebe 8.8 deploy
// rejection the lint plugin does not check; a report matching none of
// them fails the test, so that a new divergence gets looked at.
var engReverseReasons = []struct {
	rule, contains, reason string
}{
	{RuleExecutableProcess, "the document has", "no process at all (Zeebe: Must contain at least one executable process)"},
	{RuleElementType, "event definitions (", "several event definitions on one event (Zeebe: exactly one)"},
	{RuleElementType, "is non-interrupting, which", "non-interrupting error/compensation event (Zeebe: Non-Interrupting event of this type is not allowed)"},
	{RuleElementType, "the BPMN schema does not allow", "unknown element in an executable process (Zeebe validates against the BPMN schema)"},
	{RuleSubProcessStartEvent, "starts when the flow reaches it", "typed start event in an embedded sub-process (Zeebe: must be of type none)"},
	{RuleSubProcessStartEvent, "start events: Camunda 8 needs exactly one", "sub-process without exactly one start event (Zeebe: Must have exactly one start event; bpmnlint's start-event-required, part of the camunda-compat config, reports the missing ones)"},
	{RuleSubProcessStartEvent, "an event sub-process starts on an event", "untyped event sub-process start (Zeebe: must be message, timer, error, signal or escalation)"},
	{RuleEventBasedGatewayTarget, "outgoing flow(s)", "event-based gateway with fewer than 2 outgoing flows"},
	{RuleEventBasedGatewayTarget, "allows only intermediate catch events", "event-based gateway target that is not a message/timer/signal catch event"},
	{RuleEventBasedGatewayTarget, "incoming flow(s) from elsewhere", "event-based gateway target with other incoming flows"},
	{RuleLinkEvent, "no link catch event of that name", "link throw without a catch of its name in scope (Zeebe checks, the lint does not)"},
	{RuleMessageSubscription, "used by", "message referenced by a throw event or send task has no name"},
	{RuleSequenceFlowCondition, "does not start at the gateway", "gateway default flow that does not leave the gateway"},
	{RuleCalledElement, "", "call activity without zeebe:calledElement"},
	// The lint looks at an event's first definition only; Zeebe at all.
	{RuleTimer, "has no timer value", "timer definition without a value, not the event's first definition"},
	{RuleMessageSubscription, "references no message", "message definition without messageRef, not the event's first definition"},
}

// logEngReverse logs the files a wfctl rule flags where camunda-compat is
// silent in all of that rule's columns, with a reason class.
func logEngReverse(t *testing.T, files map[string]map[string][]Report, cols map[string]map[string]bool) {
	ruleCols := map[string][]string{}
	for col, ids := range engParityColumns {
		for _, id := range ids {
			ruleCols[id] = append(ruleCols[id], col)
		}
	}
	classes := map[string][]string{}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		for id, reps := range files[path] {
			silent := true
			for _, col := range ruleCols[id] {
				silent = silent && !cols[path][col]
			}
			if !silent {
				continue
			}
			for _, r := range reps {
				reason := ""
				for _, rr := range engReverseReasons {
					if rr.rule == id && strings.Contains(r.Message, rr.contains) {
						reason = rr.reason
						break
					}
				}
				if reason == "" {
					t.Errorf("unexplained %s report on %s (%s): %s", id, path, r.Element, r.Message)
					continue
				}
				classes[id+": "+reason] = append(classes[id+": "+reason], path+" "+r.Element)
			}
		}
	}
	keys := make([]string, 0, len(classes))
	for k := range classes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("reverse %s: %d report(s)", k, len(classes[k]))
		for i, where := range classes[k] {
			if i == 5 && !testing.Verbose() {
				t.Logf("    ... and %d more", len(classes[k])-i)
				break
			}
			t.Logf("    %s", where)
		}
	}
}
