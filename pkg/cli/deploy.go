package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// deployOptions are deploy's dependencies and flag values.
type deployOptions struct {
	f      *Factory
	g      *globalOptions
	engine engineFlags
	Args   []string
	Config string
	NoLint bool
}

func newDeployCmd(f *Factory, g *globalOptions, runF func(context.Context, *deployOptions) error) *cobra.Command {
	opts := &deployOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "deploy FILE|DIR...",
		Short: "Validate models, then deploy them to a wfctl engine (wfctl dev)",
		Long: `Validate the models with the project's .bpmnlintrc, then deploy them to the
wfctl engine on -b (default localhost:9092) in one deployment. Errors of the
engine rules (wfctl/...) and files that do not parse always block; other lint
errors block unless --no-lint; warnings are printed. 'wfctl dev --models'
deploys a model on the same terms. A file equal to its process's latest
version is not deployed again: it is shown as unchanged.`,
		Example: `  wfctl deploy order.bpmn
  wfctl deploy models/ -o json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			return orRun(runF, runDeploy)(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Config, "config", "c", "", "rule config (default: the nearest .bpmnlintrc)")
	cmd.Flags().BoolVar(&opts.NoLint, "no-lint", false, "deploy despite lint errors (engine-rule errors still block)")
	opts.engine.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

// deployed is one row of deploy's output: a process, or a decision of a
// .dmn resource (DecisionID set instead of ProcessID).
type deployed struct {
	ProcessID   string `json:"processId,omitempty"`
	DecisionID  string `json:"decisionId,omitempty"`
	Version     int32  `json:"version"`
	Key         int64  `json:"processDefinitionKey,omitempty"`
	DecisionKey int64  `json:"decisionKey,omitempty"`
	File        string `json:"file"`
	Unchanged   bool   `json:"unchanged"`
}

func runDeploy(ctx context.Context, opts *deployOptions) error {
	f := opts.f
	files, err := validate.Expand(f.WorkDir, opts.Args)
	if err != nil {
		return &UsageError{Err: err}
	}
	if err := lintBeforeDeploy(opts, files); err != nil {
		return err
	}
	names := resourceNames(files)
	fileOf := make(map[string]string, len(files))
	var resources []engine.Resource
	for i, file := range files {
		src, err := os.ReadFile(validate.Resolve(f.WorkDir, file))
		if err != nil {
			return &InfraError{Err: err}
		}
		resources = append(resources, engine.Resource{Name: names[i], Content: src})
		fileOf[names[i]] = file
	}
	return withEngine(ctx, f, opts.engine, func(c *devclient.Client) error {
		dep, err := c.DeployResources(ctx, resources...)
		if err != nil {
			return err
		}
		rows := deployedRows(dep, fileOf)
		return writeResult(f, opts.g, nonNilRows(rows), func() error { return writeDeployed(f, rows) })
	})
}

// deployedRows lists a deployment's processes, then its decisions, with
// the files they came from.
func deployedRows(dep *engine.DeploymentValue, fileOf map[string]string) []deployed {
	file := func(resource string) string {
		if f, ok := fileOf[resource]; ok {
			return f
		}
		return resource
	}
	var rows []deployed
	for _, p := range dep.Processes {
		rows = append(rows, deployed{ProcessID: p.BPMNProcessID, Version: p.Version, Key: p.ProcessDefinitionKey, File: file(p.ResourceName), Unchanged: p.Duplicate})
	}
	drgFile := map[int64]string{}
	for _, g := range dep.DecisionRequirements {
		drgFile[g.DecisionRequirementsKey] = file(g.ResourceName)
	}
	for _, d := range dep.Decisions {
		rows = append(rows, deployed{DecisionID: d.DecisionID, Version: d.Version, DecisionKey: d.DecisionKey, File: drgFile[d.DecisionRequirementsKey], Unchanged: d.Duplicate})
	}
	return rows
}

// resourceNames names the deployed resources by their file names, as
// Camunda Modeler does, so that the same file deployed from another
// folder is recognised as a duplicate; files that share a name in one
// deployment keep the paths they were given.
func resourceNames(files []string) []string {
	seen := make(map[string]int, len(files))
	for _, file := range files {
		seen[filepath.Base(file)]++
	}
	names := make([]string, len(files))
	for i, file := range files {
		names[i] = filepath.Base(file)
		if seen[names[i]] > 1 {
			names[i] = filepath.ToSlash(file)
		}
	}
	return names
}

// lintBeforeDeploy passes the files through the deploy gate (the one
// `wfctl dev --models` uses too) and refuses what must not deploy.
func lintBeforeDeploy(opts *deployOptions, files []string) error {
	f := opts.f
	gate, err := deployGate(f, opts.Config, opts.NoLint)
	if err != nil {
		return err
	}
	v, err := gate.Check(files)
	if err != nil {
		return &InfraError{Err: err}
	}
	if v.Shown() {
		_ = validate.Write(f.IO.StyledErr(), "text", v.Result, f.Build.Version, f.IO.PainterErr())
	}
	if v.Blocked() {
		return &FindingError{Err: errors.New(v.Reason())}
	}
	return nil
}

// deployGate is the gate models pass before they are deployed, by
// `wfctl deploy` and by `wfctl dev --models`: the rule config of --config
// or the nearest .bpmnlintrc, and --no-lint.
func deployGate(f *Factory, config string, noLint bool) (*validate.Gate, error) {
	cfg, err := loadLintConfig(f, config)
	if err != nil {
		return nil, err
	}
	return &validate.Gate{Config: cfg, Dir: f.WorkDir, NoLint: noLint}, nil
}

func nonNilRows[T any](rows []T) []T {
	if rows == nil {
		return []T{}
	}
	return rows
}

func writeDeployed(f *Factory, rows []deployed) error {
	var table [][]string
	for _, r := range rows {
		version := strconv.Itoa(int(r.Version))
		if r.Unchanged {
			version += " (unchanged)"
		}
		id, key := r.ProcessID, r.Key
		if r.DecisionID != "" {
			id, key = r.DecisionID+" (decision)", r.DecisionKey
		}
		table = append(table, []string{id, version, strconv.FormatInt(key, 10), r.File})
	}
	_, err := fmt.Fprint(f.IO.StyledOut(), ui.Table(f.IO.PainterOut(), []string{"ID", "VERSION", "KEY", "FILE"}, table))
	return err
}
