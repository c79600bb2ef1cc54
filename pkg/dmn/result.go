package dmn

import (
	"errors"
	"fmt"

	"github.com/wfctl/wfctl/pkg/feel"
)

// Result is a successful evaluation.
type Result struct {
	// DecisionID and DecisionName name the decision asked for.
	DecisionID   string `json:"decisionId"`
	DecisionName string `json:"decisionName"`
	// Output is the decision's result, in Camunda's shape: the value of a
	// table's single output column, a context keyed by output names when
	// there are several, a list for hit policies that collect (COLLECT,
	// RULE ORDER, OUTPUT ORDER), and null when no rule matched and no
	// output has a default.
	Output feel.Value `json:"output"`
	// Decisions are the evaluated decisions, required ones first and the
	// decision asked for last, as Zeebe's DecisionEvaluation record lists
	// them (evaluatedDecisions).
	Decisions []EvaluatedDecision `json:"evaluatedDecisions"`
}

// EvaluatedDecision is one decision's part of an evaluation.
type EvaluatedDecision struct {
	DecisionID   string       `json:"decisionId"`
	DecisionName string       `json:"decisionName"`
	DecisionType DecisionType `json:"decisionType"`
	Output       feel.Value   `json:"decisionOutput"`
	// Inputs and MatchedRules are empty for literal expressions.
	Inputs       []EvaluatedInput `json:"evaluatedInputs"`
	MatchedRules []MatchedRule    `json:"matchedRules"`
}

// EvaluatedInput is an input column's value.
type EvaluatedInput struct {
	ID string `json:"inputId"`
	// Name is the column's label, as Zeebe reports it.
	Name  string     `json:"inputName"`
	Value feel.Value `json:"inputValue"`
}

// MatchedRule is a rule whose input entries all held and that the hit
// policy kept (FIRST keeps only the first).
type MatchedRule struct {
	ID string `json:"ruleId"`
	// Index is 1-based, as in Zeebe.
	Index   int               `json:"ruleIndex"`
	Outputs []EvaluatedOutput `json:"evaluatedOutputs"`
}

// EvaluatedOutput is a matched rule's output entry value.
type EvaluatedOutput struct {
	ID    string     `json:"outputId"`
	Name  string     `json:"outputName"`
	Value feel.Value `json:"outputValue"`
}

// ErrNoDecision is wrapped by the error Evaluate returns for an id the
// file does not define.
var ErrNoDecision = errors.New("no such decision")

// EvalError is an evaluation that failed, as Zeebe's would (a UNIQUE table
// with two matching rules, an ANY table whose matches disagree, a COLLECT
// SUM over a string, a result of the wrong type): the engine raises an
// incident with its message.
type EvalError struct {
	// DecisionID is the decision asked for; FailedDecisionID the one that
	// failed (itself or one it requires).
	DecisionID       string
	FailedDecisionID string
	Msg              string
	// Decisions are those evaluated up to and including the failed one.
	Decisions []EvaluatedDecision
}

// Error returns Zeebe's wording: "Expected to evaluate decision 'ID', but
// reason".
func (e *EvalError) Error() string {
	return fmt.Sprintf("Expected to evaluate decision '%s', but %s", e.DecisionID, e.Msg)
}
