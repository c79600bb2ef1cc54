package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// validateOptions are validate's dependencies and flag values.
type validateOptions struct {
	f           *Factory
	g           *globalOptions
	Args        []string
	ConfigPath  string
	MaxWarnings int
	ListRules   bool
	Engine      string
	Init        bool
}

func newValidateCmd(f *Factory, g *globalOptions, runF func(context.Context, *validateOptions) error) *cobra.Command {
	opts := &validateOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "validate [FILE|DIR|GLOB|-]...",
		Short: "Lint BPMN models: bpmnlint's rules plus what the engine cannot run",
		Long: `Lint BPMN 2.0 models with bpmnlint's 28 core rules (same ids, meanings and
severities as bpmnlint 11.15) and wfctl's engine rules (ids wfctl/...) for what
the engine, like Camunda 8, rejects at deploy.

Folders are searched recursively for *.bpmn; globs may use ** (quote them);
"-" reads standard input. With no argument, the current folder is searched.
A path or pattern that matches no file is an error (exit 2).

Rules are configured by the .bpmnlintrc in the current folder or the nearest
parent (or --config), in bpmnlint's format, plus "overrides" (per-file globs)
and "ignore" (element ids per rule). Without one, bpmnlint:recommended and the
engine rules apply.

Engine rules follow the platform a file declares, as Camunda Modeler does
(modeler:executionPlatform): Camunda 8's for "Camunda Cloud" and for files
that declare nothing; none for a Camunda 7 file ("Camunda Platform"), which
gets one info note saying so instead. --engine camunda8 applies Camunda 8's
rules to every file, --engine none to no file.`,
		Example: `  wfctl validate models/
  wfctl validate 'models/**/*.bpmn' -o json
  wfctl validate order.bpmn --max-warnings 0
  cat order.bpmn | wfctl validate -
  wfctl validate . -o github        # annotations in GitHub Actions
  wfctl validate . -o sarif > wfctl.sarif`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if len(args) == 0 {
				opts.Args = []string{"."}
			}
			if opts.Init {
				if len(args) > 0 {
					return usageErrorf("--init takes no arguments: it writes .bpmnlintrc in the current folder (or the --config file)")
				}
				return initConfig(f, opts.ConfigPath)
			}
			if opts.ListRules {
				if len(args) > 0 {
					return usageErrorf("--list-rules takes no arguments (got %q): it lists the rules of the config in effect (--config or the nearest .bpmnlintrc)", strings.Join(args, " "))
				}
				if err := checkOutput(g, "text", "json"); err != nil {
					return err
				}
				return listRules(f, g.Output, opts.ConfigPath)
			}
			if err := checkOutput(g, validate.Formats...); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runValidate(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.ConfigPath, "config", "c", "", "rule config (default: .bpmnlintrc in the current folder or the nearest parent)")
	cmd.Flags().IntVar(&opts.MaxWarnings, "max-warnings", -1, "exit 1 when there are more than N warnings (-1: no limit)")
	cmd.Flags().StringVar(&opts.Engine, "engine", "auto", "engine rules: auto (by the file's modeler:executionPlatform), camunda8 or none")
	cmd.Flags().BoolVar(&opts.Init, "init", false, "write a starter .bpmnlintrc in the current folder (or --config), and exit")
	cmd.Flags().BoolVar(&opts.ListRules, "list-rules", false, "list every rule (reading, bpmnlint's and the engine's) with the severity the config in effect gives it, and exit (-o text or json)")
	return cmd
}

func runValidate(_ context.Context, opts *validateOptions) error {
	f := opts.f
	engine, err := lint.ParseEngineMode(opts.Engine)
	if err != nil {
		return usageErrorf("--engine: %v", err)
	}
	cfg, err := loadLintConfig(f, opts.ConfigPath)
	if err != nil {
		return err
	}
	files, err := validate.Expand(f.WorkDir, opts.Args)
	if err != nil {
		return &UsageError{Err: err}
	}
	// The run allocates many short-lived XML trees; a laxer GC target
	// trades a few MB for a fifth less CPU on big folders.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	res, err := validate.Run(validate.Options{Dir: f.WorkDir, Files: files, Stdin: f.IO.In, Config: cfg, Engine: engine})
	if err != nil {
		var re *validate.ReadError
		if errors.As(err, &re) {
			return &InfraError{Err: err}
		}
		return err
	}
	out := f.IO.Out
	if opts.g.Output == "text" {
		out = f.IO.StyledOut()
	}
	// json through the output layer (schema_version first); text, sarif
	// and github are validate's own.
	err = writeResult(f, opts.g, validate.NewJSONReport(res), func() error {
		return validate.Write(out, opts.g.Output, res, f.Build.Version, f.IO.PainterOut())
	})
	if err != nil {
		return &InfraError{Err: err}
	}
	s := res.Summary()
	if s.Errors > 0 {
		return &ExitError{Code: ExitFindings}
	}
	if opts.MaxWarnings >= 0 && s.Warnings > opts.MaxWarnings {
		fmt.Fprintf(f.IO.StyledErr(), "%s %d warnings, more than --max-warnings %d\n", ui.BoldRed.Render("✖"), s.Warnings, opts.MaxWarnings)
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// loadLintConfig reads --config, or the nearest .bpmnlintrc, or returns
// the default config. Warnings about the config go to stderr.
func loadLintConfig(f *Factory, explicit string) (*lint.Config, error) {
	path := explicit
	if path != "" {
		path = validate.Resolve(f.WorkDir, path)
	} else {
		path = findUp(f.WorkDir, ".bpmnlintrc")
	}
	if path == "" {
		return lint.DefaultConfig(), nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(f.WorkDir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if explicit != "" && errors.Is(err, os.ErrNotExist) {
			return nil, usageErrorf("--config %s: no such file", explicit)
		}
		return nil, &InfraError{Err: fmt.Errorf("read config: %w", err)}
	}
	cfg, err := lint.ParseConfig(data, filepath.Dir(path))
	shown := relToWorkDir(f.WorkDir, path)
	if err != nil {
		return nil, usageErrorf("%s: %v", shown, err)
	}
	cfg.WorkDir = f.WorkDir
	for _, w := range cfg.Warnings {
		f.IO.Warnf("%s: %s", shown, w)
	}
	return cfg, nil
}

// initConfig writes the starter config, refusing to replace a file.
func initConfig(f *Factory, path string) error {
	if path == "" {
		path = ".bpmnlintrc"
	}
	full := validate.Resolve(f.WorkDir, path)
	fh, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return usageErrorf("%s exists already: not replaced (remove it first to start over)", path)
	}
	if err != nil {
		return &InfraError{Err: fmt.Errorf("write %s: %w", path, err)}
	}
	_, err = fh.WriteString(lint.StarterConfig)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &InfraError{Err: fmt.Errorf("write %s: %w", path, err)}
	}
	fmt.Fprintf(f.IO.Out, "wrote %s: bpmnlint:recommended plus wfctl's engine rules; adjust \"rules\" (see wfctl validate --list-rules)\n", path)
	return nil
}

// relToWorkDir shows a config path below the current folder relative to
// it, as the user would type it; one above or elsewhere stays absolute.
func relToWorkDir(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return rel
	}
	return path
}

// findUp looks for name in dir and its parents.
func findUp(dir, name string) string {
	for dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// listRules prints every rule, the severity the config in effect gives
// it, and what it asks for: as aligned text, or as JSON
// ({"rules": [{"id", "kind", "severity", "description"}]}).
func listRules(f *Factory, format, configPath string) error {
	cfg, err := loadLintConfig(f, configPath)
	if err != nil {
		return err
	}
	rules := lint.Catalog(cfg)
	if format == "json" {
		type jsonRule struct {
			lint.RuleInfo
			Severity string `json:"severity"`
		}
		out := struct {
			Rules []jsonRule `json:"rules"`
		}{}
		for _, r := range rules {
			out.Rules = append(out.Rules, jsonRule{RuleInfo: r, Severity: r.Severity.String()})
		}
		if err := writeJSON(f.IO.Out, out); err != nil {
			return &InfraError{Err: err}
		}
		return nil
	}
	w := f.IO.StyledOut()
	for _, r := range rules {
		if _, err := fmt.Fprintf(w, "%-38s %-8s %-8s %s\n", r.ID, r.Severity, r.Kind, r.Description); err != nil {
			return &InfraError{Err: err}
		}
	}
	return nil
}
