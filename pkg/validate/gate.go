package validate

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// Gate decides which models may be deployed. `wfctl deploy` and `wfctl dev
// --models` pass their models through the same gate, so that the two
// deploy the same models. A model is validated as `wfctl validate` does
// it, with the project's rule config, and then:
//
//   - errors of the engine rules (wfctl/...) and files that do not parse
//     always block: the engine cannot run the model, and would reject it
//     at deploy (as Camunda 8 does);
//   - other errors (bpmnlint's rules, as the config sets them) block
//     unless NoLint;
//   - warnings never block; they are kept in the verdict, to be shown.
type Gate struct {
	// Config is the rule config: the nearest .bpmnlintrc, or --config.
	Config *lint.Config
	// Dir resolves relative paths.
	Dir string
	// NoLint lets lint errors through (--no-lint): only what the engine
	// cannot run blocks.
	NoLint bool
}

// Verdict is what a gate says of one set of models (one deployment).
type Verdict struct {
	// Result holds the problems worth showing: the errors and warnings,
	// and every finding of the engine rules. Infos are left out.
	Result *Result
	// EngineErrors counts the errors no flag lets through: engine rules
	// and parse errors.
	EngineErrors int
	// LintErrors counts the other errors that block: 0 with NoLint.
	LintErrors int
}

// IsEngineRule reports whether a rule is about what the engine cannot run
// (a wfctl/... rule, a file that does not parse, or a DMN problem: the
// engine deploys a .dmn file only when dmn.Parse accepts it): its errors
// block a deploy, and a trace, whatever the lint settings.
func IsEngineRule(rule string) bool {
	return strings.HasPrefix(rule, "wfctl/") || rule == RuleParseError || strings.HasPrefix(rule, "dmn-")
}

// Check validates files (paths or globs already expanded, as [Run] takes
// them) and judges them as one deployment. The error is an
// infrastructure one (a file that cannot be read), not a finding.
func (g *Gate) Check(files []string) (*Verdict, error) {
	return g.run(Options{Dir: g.Dir, Files: files, Config: g.Config})
}

// CheckSource judges one model already read: name is the path it is
// shown with and matched against the config's overrides (relative to
// Dir), src its content. What is judged is then exactly what is deployed,
// even when the file changes on disk meanwhile.
func (g *Gate) CheckSource(name string, src []byte) *Verdict {
	v, err := g.run(Options{Dir: g.Dir, Files: []string{name}, Config: g.Config, Sources: map[string][]byte{name: src}})
	if err != nil {
		// Nothing is read from disk, and a model that does not parse is a
		// finding: Run cannot fail here. Should it, the model is refused.
		p := lint.Report{Rule: RuleParseError, Severity: lint.Error, Message: err.Error()}
		return &Verdict{Result: &Result{Files: []*File{{Path: name, Problems: []lint.Report{p}}}}, EngineErrors: 1}
	}
	return v
}

func (g *Gate) run(opts Options) (*Verdict, error) {
	res, err := Run(opts)
	if err != nil {
		return nil, err
	}
	v := &Verdict{Result: res}
	for _, file := range res.Files {
		kept := file.Problems[:0]
		for _, p := range file.Problems {
			engineRule := IsEngineRule(p.Rule)
			switch {
			case p.Severity == lint.Error && engineRule:
				v.EngineErrors++
			case p.Severity == lint.Error && !g.NoLint:
				v.LintErrors++
			}
			if p.Severity >= lint.Warn || engineRule {
				kept = append(kept, p)
			}
		}
		file.Problems = kept
	}
	return v, nil
}

// Blocked reports whether the models must not be deployed.
func (v *Verdict) Blocked() bool { return v.EngineErrors+v.LintErrors > 0 }

// Shown reports whether the verdict has problems to show (errors or
// warnings).
func (v *Verdict) Shown() bool {
	s := v.Result.Summary()
	return s.Errors+s.Warnings > 0
}

// Reason says why the models were not deployed and what to do, for a
// user: which problems block, and --no-lint only where it would help
// (never when it is already on, nor when what blocks is an engine rule).
func (v *Verdict) Reason() string {
	const engine = "(engine rules wfctl/... and parse errors: the engine cannot run the model, and they block even with --no-lint)"
	fix := "fix them"
	if v.EngineErrors+v.LintErrors == 1 {
		fix = "fix it"
	}
	switch {
	case !v.Blocked():
		return ""
	case v.EngineErrors == 0:
		return fmt.Sprintf("not deployed: %s; %s, or deploy despite lint errors with --no-lint", plural(v.LintErrors, "lint error"), fix)
	case v.LintErrors == 0:
		return fmt.Sprintf("not deployed: %s %s; %s", plural(v.EngineErrors, "engine error"), engine, fix)
	}
	return fmt.Sprintf("not deployed: %s %s and %s; %s", plural(v.EngineErrors, "engine error"), engine, plural(v.LintErrors, "lint error"), fix)
}
