package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/dmn"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

func newDecisionCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "decision",
		Short: "Evaluate DMN decisions, as a business rule task would",
	}
	cmd.AddCommand(newDecisionEvaluateCmd(f, g, nil))
	return cmd
}

// decisionEvaluateOptions are decision evaluate's flags and argument.
type decisionEvaluateOptions struct {
	f  *Factory
	g  *globalOptions
	ef engineFlags
	// File is the DMN file; or, when the argument is no .dmn file, ID is
	// a decision deployed to the engine on --brokers.
	File       string
	ID         string
	DecisionID string
	Variables  map[string]any
}

func newDecisionEvaluateCmd(f *Factory, g *globalOptions, runF func(context.Context, *decisionEvaluateOptions) error) *cobra.Command {
	o := &decisionEvaluateOptions{f: f, g: g}
	var vars string
	cmd := &cobra.Command{
		Use:   "evaluate FILE.dmn|DECISION_ID [--decision ID] [--variables JSON|@FILE|@-]",
		Short: "Evaluate a decision of a DMN file, or one deployed to wfctl dev, and show its output and matched rules",
		Long: `Evaluate a decision (a decision table or a literal expression) of a DMN file
with Camunda 8's semantics, after the decisions it requires, and print its
output and, for every evaluated decision, the input values and the matched
rules. -o json prints the evaluation in the shape of Zeebe's
DecisionEvaluation record (decisionOutput, evaluatedDecisions, matchedRules).

Without --decision, the file's only decision is evaluated, or the only one no
other decision requires.

With a DECISION_ID instead of a file (an argument that is not a .dmn file),
the latest version of that decision deployed to the engine on -b/--brokers
(wfctl dev) is evaluated there, as Zeebe's EvaluateDecision command does,
and the engine writes the DecisionEvaluation record.

Exit status: 0 when the decision was evaluated; 1 when evaluation failed as
it would in Zeebe (a UNIQUE table with two matching rules, an ANY table whose
matches disagree, a result of the wrong type); 2 for a file that does not
parse (each problem with file:line:col), an unknown decision or bad
variables.`,
		Example: `  wfctl decision evaluate dish.dmn --variables '{"season": "Winter", "guestCount": 4}'
  wfctl decision evaluate risk.dmn --decision riskLevel --variables @applicant.json -o json
  wfctl decision evaluate riskLevel -b localhost:9092 --variables @applicant.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			o.Variables = v
			if isDecisionFile(f, args[0]) {
				for _, name := range kafkaFlagNames {
					if cmd.Flags().Changed(name) {
						return usageErrorf("--%s is for a decision deployed to wfctl dev: %s is a DMN file, evaluated here", name, args[0])
					}
				}
				o.File = args[0]
			} else {
				if o.DecisionID != "" {
					return usageErrorf("--decision is for a DMN file: with a deployed decision, the argument is its id")
				}
				o.ID = args[0]
			}
			return orRun(runF, runDecisionEvaluate)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.DecisionID, "decision", "", "id of the decision to evaluate (default: the file's only top decision)")
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

// isDecisionFile tells a DMN file argument from a deployed decision's id:
// a .dmn name, or any file that exists.
func isDecisionFile(f *Factory, arg string) bool {
	if strings.HasSuffix(strings.ToLower(arg), ".dmn") || strings.ContainsAny(arg, `/\`) {
		return true
	}
	_, err := os.Stat(validate.Resolve(f.WorkDir, arg))
	return err == nil
}

func runDecisionEvaluate(ctx context.Context, o *decisionEvaluateOptions) error {
	f := o.f
	if o.ID != "" {
		return runDeployedDecision(ctx, o)
	}
	defs, err := parseDMNFile(f, o.File)
	if err != nil {
		return err
	}
	id, err := pickDecision(defs, o.DecisionID)
	if err != nil {
		return err
	}
	res, err := defs.Evaluate(id, o.Variables, dmn.WithClock(f.Now))
	var ee *dmn.EvalError
	switch {
	case errors.Is(err, dmn.ErrNoDecision):
		return usageErrorf("--decision: %v", err)
	case errors.As(err, &ee):
		return reportEvalFailure(o, ee)
	case err != nil:
		return err
	}
	return writeResult(f, o.g, res, func() error {
		w := f.IO.StyledOut()
		fmt.Fprintf(w, "%s %s\n", ui.Bold.Render("output:"), res.Output)
		writeEvaluated(w, res.Decisions)
		return nil
	})
}

// parseDMNFile reads and parses a DMN file; a file that does not parse is
// an input error (exit 2), each problem printed with file:line:col.
func parseDMNFile(f *Factory, path string) (*dmn.Definitions, error) {
	src, err := os.ReadFile(validate.Resolve(f.WorkDir, path))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, usageErrorf("%s: no such file", path)
	case err != nil:
		return nil, &InfraError{Err: err}
	}
	defs, err := dmn.Parse(path, src)
	var pe *dmn.ParseError
	if errors.As(err, &pe) {
		errw := f.IO.StyledErr()
		for _, p := range pe.Problems {
			fmt.Fprintf(errw, "%s %s:%s [%s]\n", ui.BoldRed.Render("error:"), path, p, p.Rule)
		}
		return nil, &ExitError{Code: ExitUsage}
	}
	return defs, err
}

// pickDecision is --decision, else the file's only decision, else its only
// top decision (one no other requires).
func pickDecision(defs *dmn.Definitions, id string) (string, error) {
	if id != "" {
		return id, nil
	}
	all := defs.Decisions()
	if len(all) == 1 {
		return all[0].ID, nil
	}
	top := defs.TopDecisions()
	if len(top) == 1 {
		return top[0], nil
	}
	ids := make([]string, len(all))
	for i, d := range all {
		ids[i] = d.ID
	}
	return "", usageErrorf("%s has %s (%s): choose one with --decision", defs.Path, ui.Plural(len(all), "decision"), strings.Join(ids, ", "))
}

// evalFailure is the JSON form of a failed evaluation, in the words of
// Zeebe's DecisionEvaluation record.
type evalFailure struct {
	DecisionID       string                  `json:"decisionId"`
	FailedDecisionID string                  `json:"failedDecisionId"`
	Message          string                  `json:"evaluationFailureMessage"`
	Decisions        []dmn.EvaluatedDecision `json:"evaluatedDecisions"`
}

func reportEvalFailure(o *decisionEvaluateOptions, ee *dmn.EvalError) error {
	f := o.f
	err := writeResult(f, o.g, evalFailure{ee.DecisionID, ee.FailedDecisionID, ee.Error(), ee.Decisions}, func() error {
		writeEvaluated(f.IO.StyledOut(), ee.Decisions)
		fmt.Fprintf(f.IO.StyledErr(), "%s %s (in decision %s)\n", ui.BoldRed.Render("error:"), ee.Error(), ee.FailedDecisionID)
		return nil
	})
	if err != nil {
		return err
	}
	return &ExitError{Code: ExitFindings}
}

// writeEvaluated lists each evaluated decision with its inputs and
// matched rules.
func writeEvaluated(w io.Writer, decisions []dmn.EvaluatedDecision) {
	for _, d := range decisions {
		fmt.Fprintf(w, "%s %s %s %s\n", ui.Bold.Render(d.DecisionID), ui.Faint.Render("("+strings.ToLower(strings.ReplaceAll(string(d.DecisionType), "_", " "))+")"), "→", d.Output)
		if d.DecisionType != dmn.DecisionTableType {
			continue
		}
		var ins []string
		for _, in := range d.Inputs {
			ins = append(ins, fmt.Sprintf("%s = %s", orID(in.Name, in.ID), in.Value))
		}
		fmt.Fprintf(w, "  inputs: %s\n", strings.Join(ins, ", "))
		if len(d.MatchedRules) == 0 {
			fmt.Fprintln(w, "  no rule matched")
		}
		for _, r := range d.MatchedRules {
			var outs []string
			for _, out := range r.Outputs {
				outs = append(outs, fmt.Sprintf("%s = %s", orID(out.Name, out.ID), out.Value))
			}
			fmt.Fprintf(w, "  rule %d %s: %s\n", r.Index, ui.Faint.Render("("+r.ID+")"), strings.Join(outs, ", "))
		}
	}
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// runDeployedDecision evaluates a decision deployed to the engine.
func runDeployedDecision(ctx context.Context, o *decisionEvaluateOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		v, err := c.EvaluateDecision(ctx, o.ID, o.Variables)
		if err != nil {
			return err
		}
		var evaluated []dmn.EvaluatedDecision
		if len(v.EvaluatedDecisions) > 0 {
			if err := json.Unmarshal(v.EvaluatedDecisions, &evaluated); err != nil {
				return fmt.Errorf("the engine's evaluated decisions: %w", err)
			}
		}
		err = writeResult(f, o.g, v, func() error {
			w := f.IO.StyledOut()
			if v.EvaluationFailureMessage == "" {
				fmt.Fprintf(w, "%s %s %s\n", ui.Bold.Render("output:"), v.DecisionOutput, ui.Faint.Render(fmt.Sprintf("(%s version %d)", v.DecisionID, v.DecisionVersion)))
			}
			writeEvaluated(w, evaluated)
			if v.EvaluationFailureMessage != "" {
				fmt.Fprintf(f.IO.StyledErr(), "%s %s (in decision %s)\n", ui.BoldRed.Render("error:"), v.EvaluationFailureMessage, v.FailedDecisionID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if v.EvaluationFailureMessage != "" {
			return &ExitError{Code: ExitFindings}
		}
		return nil
	})
}
