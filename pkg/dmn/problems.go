package dmn

import (
	"fmt"
	"strings"
)

// Pos is a position in a DMN file: 1-based line and column (the column
// counts bytes, as Go's compiler and the bpmn package do) and the 0-based
// byte offset. The zero Pos means "no position".
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"-"`
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Problem rule ids, stable for configs and reports.
const (
	// RuleParse: the file is not well-formed XML, not DMN, or a required
	// part (an id, an output name, an expression's text) is missing.
	RuleParse = "dmn-parse"
	// RuleHitPolicy: an unknown hit policy or aggregation, or an
	// aggregation that does not fit the table.
	RuleHitPolicy = "dmn-hit-policy"
	// RuleFEEL: an expression or unary test that is not valid FEEL.
	RuleFEEL = "dmn-feel"
	// RuleDRG: a required decision that does not exist, a duplicate id, or
	// a cycle of requirements.
	RuleDRG = "dmn-drg"
	// RuleUnsupported: decision logic wfctl does not evaluate (contexts,
	// relations, invocations, business knowledge models).
	RuleUnsupported = "dmn-unsupported"
	// RuleLimit: the file exceeds one of the limits documented on the
	// package.
	RuleLimit = "dmn-limit"
	// RuleShape: a table whose rules and columns disagree; Camunda
	// evaluates it, ignoring the cells without a column (a warning).
	RuleShape = "dmn-table-shape"
)

// Problem is a defect in a DMN file, with where it is.
type Problem struct {
	Rule string `json:"rule"`
	Pos  Pos    `json:"pos"`
	// Element is the id of the element concerned, if it has one.
	Element string `json:"element,omitempty"`
	Msg     string `json:"message"`
}

// String returns "line:col: message".
func (p Problem) String() string {
	if p.Pos.IsValid() {
		return fmt.Sprintf("%d:%d: %s", p.Pos.Line, p.Pos.Column, p.Msg)
	}
	return p.Msg
}

// ParseError is a DMN file that cannot be evaluated: every problem found,
// in document order.
type ParseError struct {
	Path     string
	Problems []Problem
}

// Error lists the problems, one "path:line:col: message" a line.
func (e *ParseError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.Path + ":" + p.String()
		if e.Path == "" {
			lines[i] = p.String()
		}
	}
	return strings.Join(lines, "\n")
}
