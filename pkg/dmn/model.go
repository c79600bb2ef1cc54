package dmn

import (
	"github.com/wfctl/wfctl/pkg/feel"
)

// Definitions is a parsed DMN file: its decision requirements graph (DRG).
// It is immutable once Parse returns it and safe for concurrent
// evaluation.
type Definitions struct {
	// ID and Name are the definitions element's; Zeebe calls them the
	// decision requirements id and name.
	ID, Name string
	// Namespace is the definitions' namespace attribute.
	Namespace string
	// Path is the name given to Parse, used in messages.
	Path string
	// Warnings are problems that do not stop evaluation (Camunda accepts
	// the file) but are probably mistakes.
	Warnings []Problem

	decisions []*Decision
	byID      map[string]*Decision
}

// Decision is one decision of the graph: a decision table or a literal
// expression, with the decisions it requires.
type Decision struct {
	ID, Name string
	// ResultName is the variable the decision's result is known by in the
	// decisions that require it: the name of its <variable>, else its id
	// (dmn-scala's rule).
	ResultName string
	// ResultType is the variable's typeRef, checked against the result.
	ResultType string
	// Required are the decisions this one requires, in document order.
	Required []*Decision
	Table    *DecisionTable
	Literal  *LiteralExpression
	Pos      Pos

	requiredRefs []requirement
}

// DecisionType is the kind of a decision's logic, as Zeebe names it in
// DecisionEvaluation records.
type DecisionType string

// The decision types wfctl evaluates.
const (
	DecisionTableType     DecisionType = "DECISION_TABLE"
	LiteralExpressionType DecisionType = "LITERAL_EXPRESSION"
)

// Type returns the kind of the decision's logic.
func (d *Decision) Type() DecisionType {
	if d.Table != nil {
		return DecisionTableType
	}
	return LiteralExpressionType
}

// LiteralExpression is a decision whose logic is one FEEL expression.
type LiteralExpression struct {
	ID   string
	Expr *feel.Expr
}

// HitPolicy says how a decision table combines the rules that match.
type HitPolicy string

// The hit policies of DMN 1.3.
const (
	Unique      HitPolicy = "UNIQUE"
	First       HitPolicy = "FIRST"
	Priority    HitPolicy = "PRIORITY"
	Any         HitPolicy = "ANY"
	Collect     HitPolicy = "COLLECT"
	RuleOrder   HitPolicy = "RULE ORDER"
	OutputOrder HitPolicy = "OUTPUT ORDER"
)

// Aggregation is the aggregator of a COLLECT table.
type Aggregation string

// The aggregations of DMN 1.3; "" collects a list.
const (
	NoAggregation Aggregation = ""
	Sum           Aggregation = "SUM"
	Min           Aggregation = "MIN"
	Max           Aggregation = "MAX"
	Count         Aggregation = "COUNT"
)

// DecisionTable is a decision table: input columns, output columns and
// rules.
type DecisionTable struct {
	ID          string
	HitPolicy   HitPolicy
	Aggregation Aggregation
	Inputs      []*Input
	Outputs     []*Output
	Rules       []*Rule
}

// Input is an input column.
type Input struct {
	ID, Label string
	// Expr is the input expression; TypeRef is informative only (Camunda
	// does not check it).
	Expr    *feel.Expr
	TypeRef string

	// tests are the distinct input entries of the column, so that a value
	// is tested against "gold" once however many rules say "gold".
	tests []*feel.UnaryTests
	index map[string]int // tests by source, while parsing
}

// Output is an output column.
type Output struct {
	ID, Label, Name, TypeRef string
	// Values is the text of outputValues, the priority order of PRIORITY
	// and OUTPUT ORDER tables ("" when absent).
	Values string
	// Default is the defaultOutputEntry, used when no rule matches (nil
	// when absent).
	Default *feel.Expr

	priority map[string]int
}

// Rule is a row of a decision table.
type Rule struct {
	ID string
	// Index is the rule's 1-based position, as Zeebe reports it.
	Index int
	// Inputs are the input entries (nil for an empty entry, which matches
	// anything); Outputs the output entries.
	Inputs  []*feel.UnaryTests
	Outputs []*feel.Expr

	// tests[i] indexes Inputs[i] in the column's distinct tests; -1 is
	// "-" or empty, which always matches.
	tests []int
}

// requirement is an unresolved informationRequirement/requiredDecision.
type requirement struct {
	href string
	pos  Pos
}
