package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The compact record notation of the scenario files: one line per
// record, value type and intent first, then what a reader needs to check
// the record against Zeebe's behaviour:
//
//	> Job COMPLETE                          a command
//	! Job COMPLETE NOT_FOUND: reason        a rejection
//	ProcessInstance ELEMENT_ACTIVATED SERVICE_TASK Charge
//	Variable CREATED amount=150 @order       (@ the scope's element)
//	Timer CREATED Overdue due=+2h reps=1     (times relative to the start)

var valueTypeShort = map[ValueType]string{
	ValueDeployment: "Deployment", ValueProcess: "Process", ValueProcessInstance: "ProcessInstance",
	ValueProcessInstanceCreation: "ProcessInstanceCreation", ValueJob: "Job", ValueJobBatch: "JobBatch",
	ValueMessage: "Message", ValueMessageSubscription: "MessageSubscription",
	ValueMessageStartEventSubscription: "MessageStartEventSubscription", ValueTimer: "Timer",
	ValueVariable: "Variable", ValueVariableDocument: "VariableDocument", ValueIncident: "Incident", ValueClock: "Clock",
	ValueEscalation: "Escalation", ValueSignal: "Signal", ValueSignalSubscription: "SignalSubscription",
	ValueCompensationSubscription: "CompensationSubscription", ValueDecisionRequirements: "DecisionRequirements",
	ValueDecision: "Decision", ValueDecisionEvaluation: "DecisionEvaluation",
}

type notation struct {
	e     *Engine
	start int64
	// scopes names element instance keys by element id, for Variable
	// records whose scope is gone by the time they are rendered.
	scopes map[int64]string
}

func (n *notation) record(r Record) string {
	head := valueTypeShort[r.ValueType] + " " + r.Intent.String()
	switch r.RecordType {
	case RecordCommand:
		return "> " + head
	case RecordRejection:
		return "! " + head + " " + r.RejectionType.String() + ": " + strings.ReplaceAll(r.RejectionReason, "\n", "\n    | ")
	}
	if d := n.detail(r); d != "" {
		return head + " " + d
	}
	return head
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

func (n *notation) detail(r Record) string {
	switch v := r.Value.(type) {
	case *ProcessInstanceValue:
		n.scopes[r.Key] = v.ElementID
		if r.Intent == IntentSequenceFlowTaken {
			return v.ElementID
		}
		return v.BPMNElementType.String() + " " + v.ElementID
	case *ProcessInstanceCreationValue:
		return fmt.Sprintf("%s v%d", v.BPMNProcessID, v.Version)
	case *VariableValue:
		scope := n.scopes[v.ScopeKey]
		if scope == "" && v.ScopeKey == v.ProcessInstanceKey {
			scope = v.BPMNProcessID
		}
		return fmt.Sprintf("%s=%s @%s", v.Name, compactJSON(v.Value), scope)
	case *JobValue:
		return n.job(r.Intent, v)
	case *JobBatchValue:
		var ids []string
		for _, j := range v.Jobs {
			ids = append(ids, j.ElementID)
		}
		return fmt.Sprintf("%s jobs=[%s]", v.Type, strings.Join(ids, " "))
	case *MessageValue:
		return fmt.Sprintf("%s key=%q ttl=%s%s", v.Name, v.CorrelationKey, time.Duration(v.TimeToLive)*time.Millisecond, varsSuffix(v.Variables))
	case *MessageSubscriptionValue:
		return fmt.Sprintf("%s key=%q %s", v.MessageName, v.CorrelationKey, v.ElementID)
	case *MessageStartEventSubscriptionValue:
		return fmt.Sprintf("%s %s key=%q", v.MessageName, v.StartEventID, v.CorrelationKey)
	case *TimerValue:
		return fmt.Sprintf("%s due=%s reps=%d", v.TargetElementID, n.rel(v.DueDate), v.Repetitions)
	case *IncidentValue:
		return fmt.Sprintf("%s %s %q", v.ErrorType, v.ElementID, firstLine(v.ErrorMessage))
	case *ProcessValue:
		return fmt.Sprintf("%s v%d", v.BPMNProcessID, v.Version)
	case *DeploymentValue:
		var ps []string
		for _, p := range v.Processes {
			s := fmt.Sprintf("%s v%d", p.BPMNProcessID, p.Version)
			if p.Duplicate {
				s += " duplicate"
			}
			ps = append(ps, s)
		}
		for _, d := range v.Decisions {
			s := fmt.Sprintf("decision %s v%d", d.DecisionID, d.Version)
			if d.Duplicate {
				s += " duplicate"
			}
			ps = append(ps, s)
		}
		return strings.Join(ps, ", ")
	case *ClockValue:
		return n.rel(v.Time)
	case *EscalationValue:
		if v.CatchElementID == "" {
			return v.EscalationCode + " " + v.ThrowElementID
		}
		return fmt.Sprintf("%s %s -> %s", v.EscalationCode, v.ThrowElementID, v.CatchElementID)
	case *SignalValue:
		return v.SignalName + varsSuffix(v.Variables)
	case *SignalSubscriptionValue:
		return v.SignalName + " " + v.CatchEventID
	case *DecisionRequirementsValue:
		return fmt.Sprintf("%s v%d", v.DecisionRequirementsID, v.DecisionRequirementsVersion)
	case *DecisionValue:
		return fmt.Sprintf("%s v%d", v.DecisionID, v.Version)
	case *DecisionEvaluationValue:
		return evaluationDetail(v)
	case *CompensationSubscriptionValue:
		return v.CompensableActivityID + " -> " + v.CompensationHandlerID + varsSuffix(v.Variables)
	case *VariableDocumentValue:
		return compactJSON(v.Variables)
	}
	return ""
}

func (n *notation) job(in Intent, v *JobValue) string {
	s := fmt.Sprintf("%s %s retries=%d", v.Type, v.ElementID, v.Retries)
	switch in {
	case IntentCreated:
		if len(v.CustomHeaders) > 0 {
			s += " headers=" + compactJSON(v.CustomHeaders)
		}
	case IntentFailed:
		s += fmt.Sprintf(" backoff=%s %q", time.Duration(v.RetryBackoff)*time.Millisecond, v.ErrorMessage)
	case IntentErrorThrown:
		s += fmt.Sprintf(" code=%s", v.ErrorCode)
	}
	return s + varsSuffix(v.Variables)
}

func varsSuffix(vars map[string]any) string {
	if len(vars) == 0 {
		return ""
	}
	return " " + compactJSON(vars)
}

func (n *notation) rel(ms int64) string {
	d := time.Duration(ms-n.start) * time.Millisecond
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

func compactJSON(v any) string {
	if m, ok := v.(map[string]any); ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// evaluationDetail shows a decision evaluation: the decision, its output
// or failure, and the rules each evaluated decision matched.
func evaluationDetail(v *DecisionEvaluationValue) string {
	var evaluated []struct {
		DecisionID   string `json:"decisionId"`
		MatchedRules []struct {
			RuleID string `json:"ruleId"`
		} `json:"matchedRules"`
	}
	_ = json.Unmarshal(v.EvaluatedDecisions, &evaluated)
	var parts []string
	for _, d := range evaluated {
		var ids []string
		for _, r := range d.MatchedRules {
			ids = append(ids, r.RuleID)
		}
		parts = append(parts, d.DecisionID+": "+strings.Join(ids, " "))
	}
	out := v.DecisionOutput
	if v.EvaluationFailureMessage != "" {
		out = fmt.Sprintf("failed in %s: %q", v.FailedDecisionID, v.EvaluationFailureMessage)
	}
	return fmt.Sprintf("%s v%d -> %s [%s]", v.DecisionID, v.DecisionVersion, out, strings.Join(parts, "; "))
}
