// Package dmn evaluates DMN decisions (decision tables and literal
// expressions, and the decision requirements graphs they form) with the
// semantics of Camunda 8, whose engine embeds dmn-scala: the same inputs
// give the same output, the same matched rules and the same failures as a
// business rule task in Zeebe.
//
// # Parse once, evaluate many times
//
// [Parse] reads a DMN 1.1–1.5 file (Camunda Modeler writes DMN 1.3) and
// parses every FEEL expression and unary test in it once. A file Camunda
// would refuse to deploy gives a [*ParseError] listing every problem (not
// just the first), each with its line and column and a stable rule id
// (dmn-parse, dmn-hit-policy, dmn-feel, dmn-drg, dmn-unsupported,
// dmn-limit): an unknown hit policy or aggregation, a FEEL syntax error in
// any cell, an empty output entry, a required decision that does not
// exist, a cycle of requirements. Problems Camunda reads past (a rule with
// more cells than the table has columns, an aggregation on a table that
// does not collect) are [Definitions.Warnings].
//
// [Definitions.Evaluate] evaluates one decision by id, after the decisions
// it requires; their results are variables named after the required
// decision's <variable> (its id when it has none), in front of the caller's
// variables. A [*Definitions] is immutable and safe for concurrent use.
//
// # Results
//
// A decision table's output has Camunda's shape: the value of the single
// output column, a context keyed by output names when there are several,
// a list for COLLECT (without aggregation), RULE ORDER and OUTPUT ORDER,
// and null when no rule matched (or the outputs' default entries, when
// they have some; COLLECT COUNT of no match is therefore null, not 0).
// [Result.Decisions] lists each evaluated decision with its input values,
// matched rules (ids and 1-based indexes) and their outputs, as Zeebe's
// DecisionEvaluation record does.
//
// # Hit policies, as dmn-scala applies them
//
//   - UNIQUE: more than one matching rule is a failure.
//   - FIRST: the first matching rule in rule order.
//   - ANY: matching rules whose outputs differ (by FEEL equality) are a
//     failure.
//   - PRIORITY and OUTPUT ORDER: matches are ordered by the position of
//     their outputs in the columns' outputValues, compared as dmn-scala
//     does (positions written as text and concatenated; a value not listed
//     sorts last; ties keep rule order).
//   - COLLECT: a list; SUM, MIN and MAX take numbers only (anything else,
//     or several outputs, is a failure); COUNT counts the matches.
//   - RULE ORDER: a list in rule order.
//
// An input entry matches when its unary test is true; false and null do
// not match. An empty input entry and "-" match anything. A result that
// does not fit the decision variable's typeRef (string, number, boolean,
// date, time, dateTime, dayTimeDuration, yearMonthDuration) is a failure.
// Failures are [*EvalError] values worded as Zeebe words its incidents.
//
// # Determinism and limits
//
// Evaluation reads no clock unless given one ([WithClock]), does no I/O and
// keeps no global state. A decision required along several paths is
// evaluated once per evaluation (dmn-scala evaluates it once per path,
// with the same result), so a diamond-shaped graph cannot blow up. Parse
// refuses files over [MaxFileSize] bytes, XML nested deeper than
// [MaxDepth], more than [MaxDecisions] decisions, tables with more than
// [MaxRules] rules or [MaxColumns] columns; FEEL bounds each expression's
// nesting and each evaluation's steps itself.
//
// # Not supported
//
// Business knowledge models, invocations, boxed contexts, relations, lists,
// decision services and imported models are reported as dmn-unsupported.
package dmn
