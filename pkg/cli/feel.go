package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/feel"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// feelOptions are feel's dependencies and flag values.
type feelOptions struct {
	f          *Factory
	g          *globalOptions
	Expression string
	Vars       string
	Batch      string
	// textOutput is -o text: FEEL notation instead of JSON.
	textOutput bool
}

func newFeelCmd(f *Factory, g *globalOptions, runF func(context.Context, *feelOptions) error) *cobra.Command {
	opts := &feelOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "feel EXPRESSION [--vars JSON|@FILE|@-]",
		Short: "Evaluate a FEEL expression, as the engine would",
		Long: `Evaluate a FEEL expression (the language of conditions, correlation keys,
mappings and timers in Camunda 8 models) and print the result as JSON, or in
FEEL notation with -o text. A leading "=" is allowed, as in a model.

Evaluation never fails, as in Camunda: a type error or a missing variable gives
null, and a warning on stderr says why. An expression that does not parse
exits 1 with the position of the error.

--batch evaluates many: each line of the NDJSON file is
{"expression": "...", "vars": {...}}, and each output line is
{"result": ..., "warnings": [...]} or {"error": "..."}.`,
		Example: `  wfctl feel '=amount > 100 and customer.vip' --vars '{"amount": 250, "customer": {"vip": true}}'
  wfctl feel 'items[price > 10].name' --vars @order.json
  wfctl feel 'date("2024-01-31") + duration("P1M")' -o text
  wfctl feel --batch cases.ndjson`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.Batch != "" && len(args) > 0:
				return usageErrorf("give an EXPRESSION or --batch, not both")
			case opts.Batch == "" && len(args) != 1:
				return usageErrorf("wfctl feel needs one EXPRESSION (quote it), or --batch FILE")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Expression = args[0]
			}
			// JSON is this command's default; -o text asks for FEEL notation.
			if cmd.Flags().Changed("output") {
				opts.textOutput = g.Output == "text"
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFeel(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Vars, "vars", "", "variables as a JSON object, @FILE or @- (standard input)")
	cmd.Flags().StringVar(&opts.Batch, "batch", "", "evaluate every {\"expression\", \"vars\"} line of an NDJSON FILE (- for standard input)")
	return withFormats(cmd, "json", "text")
}

func runFeel(opts *feelOptions) error {
	if opts.Batch != "" {
		return runFeelBatch(opts)
	}
	vars, err := readVars(opts.f, "--vars", opts.Vars)
	if err != nil {
		return err
	}
	src := strings.TrimPrefix(strings.TrimSpace(opts.Expression), "=")
	expr, err := feel.Parse(src)
	if err != nil {
		var se *feel.SyntaxError
		if errors.As(err, &se) {
			printSyntaxError(opts.f, src, se)
			return &ExitError{Code: ExitFindings}
		}
		return err
	}
	v, warnings := expr.Eval(feel.Map(vars), feel.WithClock(opts.f.Now))
	for _, w := range warnings {
		opts.f.IO.Warnf("%s", w.Message)
	}
	if opts.textOutput {
		_, err = fmt.Fprintln(opts.f.IO.Out, v.String())
		return err
	}
	out, err := feel.ToJSON(v)
	if err != nil {
		return usageErrorf("result %s cannot be written as JSON: %v (try -o text)", v.String(), err)
	}
	_, err = fmt.Fprintf(opts.f.IO.Out, "%s\n", out)
	return err
}

// printSyntaxError shows the expression with a caret under the error.
func printSyntaxError(f *Factory, src string, se *feel.SyntaxError) {
	w := f.IO.StyledErr()
	fmt.Fprintf(w, "%s %d:%d: %s\n", ui.BoldRed.Render("error:"), se.Line, se.Column, se.Msg)
	lines := strings.Split(src, "\n")
	if se.Line >= 1 && se.Line <= len(lines) {
		fmt.Fprintf(w, "  %s\n  %s%s\n", lines[se.Line-1], strings.Repeat(" ", max(se.Column-1, 0)), ui.BoldRed.Render("^"))
	}
}

// readVars reads the variables a flag (--vars, --variables) gives: inline
// JSON, @FILE or @-; errors name the flag.
func readVars(f *Factory, flag, spec string) (map[string]any, error) {
	if spec == "" {
		return map[string]any{}, nil
	}
	data := []byte(spec)
	where := flag
	if name, ok := strings.CutPrefix(spec, "@"); ok {
		var err error
		if name == "-" {
			data, err = io.ReadAll(f.IO.In)
		} else {
			data, err = os.ReadFile(validate.Resolve(f.WorkDir, name))
			if errors.Is(err, os.ErrNotExist) {
				return nil, usageErrorf("%s @%s: no such file", flag, name)
			}
		}
		if err != nil {
			return nil, &InfraError{Err: fmt.Errorf("%s %s: %w", flag, spec, err)}
		}
		where = flag + " " + spec
	}
	var vars map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&vars); err != nil || vars == nil {
		return nil, usageErrorf("%s: want a JSON object of variables, like {\"amount\": 250}", where)
	}
	return vars, nil
}

// batchLine and batchResult are the NDJSON shapes of --batch.
type batchLine struct {
	Expression string         `json:"expression"`
	Vars       map[string]any `json:"vars"`
}

type batchResult struct {
	Result   json.RawMessage `json:"result,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Error    string          `json:"error,omitempty"`
}

func runFeelBatch(opts *feelOptions) error {
	f := opts.f
	var in io.Reader = f.IO.In
	if opts.Batch != validate.Stdin {
		fh, err := os.Open(validate.Resolve(f.WorkDir, opts.Batch))
		if errors.Is(err, os.ErrNotExist) {
			return usageErrorf("--batch %s: no such file", opts.Batch)
		}
		if err != nil {
			return &InfraError{Err: err}
		}
		defer fh.Close()
		in = fh
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := writeLine(f.IO.Out, evalBatchLine(f, sc.Bytes(), n)); err != nil {
			return &InfraError{Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return &InfraError{Err: fmt.Errorf("--batch %s: %w", opts.Batch, err)}
	}
	return nil
}

func evalBatchLine(f *Factory, line []byte, n int) batchResult {
	var in batchLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		return batchResult{Error: fmt.Sprintf("input line %d: not a JSON object {\"expression\": ..., \"vars\": {...}}: %v", n, err)}
	}
	expr, err := feel.Parse(strings.TrimPrefix(strings.TrimSpace(in.Expression), "="))
	if err != nil {
		return batchResult{Error: fmt.Sprintf("input line %d: %v", n, err)}
	}
	v, warnings := expr.Eval(feel.Map(in.Vars), feel.WithClock(f.Now))
	out, err := feel.ToJSON(v)
	if err != nil {
		return batchResult{Error: fmt.Sprintf("result %s cannot be written as JSON: %v", v.String(), err)}
	}
	res := batchResult{Result: out}
	for _, w := range warnings {
		res.Warnings = append(res.Warnings, w.Message)
	}
	return res
}
