package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/ui"
)

// The commands zbctl users reach for when an instance is stuck: throw a
// BPMN error from a job, give a job retries back, resolve an incident,
// set variables, and see how the engine is.

func newJobThrowErrorCmd(f *Factory, g *globalOptions, runF func(context.Context, *jobOutcomeOptions) error) *cobra.Command {
	o := &jobOutcomeOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "throw-error KEY --error-code CODE [--error-message TEXT] [--variables JSON|@FILE|@-]",
		Short: "Throw a BPMN error from a job: an error boundary event with that code catches it, else an incident is raised",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(args); err != nil {
				return err
			}
			if o.ErrorCode == "" {
				return usageErrorf("--error-code must not be empty: it is what an error boundary event catches")
			}
			return orRun(runF, runJobThrowError)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.ErrorCode, "error-code", "", "the BPMN error code (required; zbctl's --errorCode)")
	cmd.Flags().StringVar(&o.ErrorMessage, "error-message", "", "what went wrong (in the incident when nothing catches it)")
	cmd.Flags().StringVar(&o.vars, "variables", "", "variables for the catching event, as a JSON object, @FILE or @- (stdin)")
	_ = cmd.MarkFlagRequired("error-code")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runJobThrowError(ctx context.Context, o *jobOutcomeOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Key, "error thrown", fmt.Sprintf("threw error %s from job %d", o.ErrorCode, o.Key),
		map[string]any{"errorCode": o.ErrorCode},
		func(ctx context.Context, c *devclient.Client) error {
			return c.ThrowError(ctx, o.Key, o.ErrorCode, o.ErrorMessage, o.Variables)
		})
}

func newJobUpdateRetriesCmd(f *Factory, g *globalOptions, runF func(context.Context, *jobOutcomeOptions) error) *cobra.Command {
	o := &jobOutcomeOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "update-retries KEY --retries N",
		Short: "Set a job's retries (a job out of retries needs some before its incident is resolved)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(args); err != nil {
				return err
			}
			if o.Retries < 1 {
				return usageErrorf("--retries %d: want at least 1", o.Retries)
			}
			return orRun(runF, runJobUpdateRetries)(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Retries, "retries", 0, "the retries it gets (required)")
	_ = cmd.MarkFlagRequired("retries")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runJobUpdateRetries(ctx context.Context, o *jobOutcomeOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Key, "retries updated", fmt.Sprintf("job %d has %s", o.Key, ui.Plural(o.Retries, "retry", "retries")),
		map[string]any{"retries": o.Retries},
		func(ctx context.Context, c *devclient.Client) error { return c.UpdateRetries(ctx, o.Key, o.Retries) })
}

func newIncidentCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "incident", Short: "Resolve incidents (wfctl instance show lists an instance's, with their keys)"}
	cmd.AddCommand(newIncidentResolveCmd(f, g, nil))
	return cmd
}

// keyOptions are the flags and argument of a command about one entity.
type keyOptions struct {
	f   *Factory
	g   *globalOptions
	ef  engineFlags
	Key int64
}

func newIncidentResolveCmd(f *Factory, g *globalOptions, runF func(context.Context, *keyOptions) error) *cobra.Command {
	o := &keyOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "resolve KEY",
		Short: "Resolve an incident: what failed is tried again (give a job retries first: job update-retries)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := parseKey("incident", args[0])
			if err != nil {
				return err
			}
			o.Key = key
			return orRun(runF, runIncidentResolve)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runIncidentResolve(ctx context.Context, o *keyOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Key, "resolved", fmt.Sprintf("resolved incident %d", o.Key), nil,
		func(ctx context.Context, c *devclient.Client) error { return c.ResolveIncident(ctx, o.Key) })
}

func newVariablesCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "variables", Short: "Set variables of an instance or element instance"}
	cmd.AddCommand(newVariablesSetCmd(f, g, nil))
	return cmd
}

// variablesSetOptions are variables set's flags and argument.
type variablesSetOptions struct {
	f         *Factory
	g         *globalOptions
	ef        engineFlags
	Scope     int64
	Variables map[string]any
	Local     bool
}

func newVariablesSetCmd(f *Factory, g *globalOptions, runF func(context.Context, *variablesSetOptions) error) *cobra.Command {
	o := &variablesSetOptions{f: f, g: g}
	var vars string
	cmd := &cobra.Command{
		Use:   "set SCOPE_KEY --variables JSON|@FILE|@- [--local]",
		Short: "Set variables on a scope: a process instance, or an element instance (its key, as instance show gives)",
		Long: `Set variables on a scope, as zbctl's set variables does: without --local, a
variable goes where it is visible from the scope (the nearest scope that has
it), else to the process instance; with --local, on the scope itself.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := parseKey("scope", args[0])
			if err != nil {
				return err
			}
			if vars == "" {
				return usageErrorf("--variables is required: a JSON object, @FILE or @-")
			}
			if o.Variables, err = readVars(f, "--variables", vars); err != nil {
				return err
			}
			o.Scope = key
			return orRun(runF, runVariablesSet)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "the variables, as a JSON object, @FILE or @- (stdin)")
	cmd.Flags().BoolVar(&o.Local, "local", false, "set them on the scope itself")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runVariablesSet(ctx context.Context, o *variablesSetOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Scope, "set", fmt.Sprintf("set %s on %d", ui.Plural(len(o.Variables), "variable"), o.Scope),
		map[string]any{"variables": len(o.Variables)},
		func(ctx context.Context, c *devclient.Client) error {
			return c.SetVariables(ctx, o.Scope, o.Variables, o.Local)
		})
}

// statusView is status's JSON output.
type statusView struct {
	Brokers    []string                 `json:"brokers"`
	Engine     string                   `json:"engine"` // up
	Clock      time.Time                `json:"clock"`
	Processes  []engine.ProcessMetadata `json:"processes"`
	Active     int64                    `json:"active"`
	Completed  int64                    `json:"completed"`
	Terminated int64                    `json:"terminated"`
	Incidents  int                      `json:"incidents"`
	Inputs     []inputLag               `json:"inputs"`
}

type inputLag struct {
	Partition string `json:"partition"` // topic/partition
	Consumed  int64  `json:"consumed"`
	End       int64  `json:"end"`
	Lag       int64  `json:"lag"`
}

// statusOptions are status's flags.
type statusOptions struct {
	f  *Factory
	g  *globalOptions
	ef engineFlags
}

func newStatusCmd(f *Factory, g *globalOptions, runF func(context.Context, *statusOptions) error) *cobra.Command {
	o := &statusOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Is the engine up: its broker, deployed processes, instances by state, how far behind its inputs it is",
		Long: `Ask the engine how it is (zbctl status for wfctl dev): the broker, the engine's
clock, the deployed process versions, the instances by state, and for each
input partition (wfctl.commands and the domain topics) the next offset the
engine reads and how many records wait before it (lag). Exit 3 when no engine
answers.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return orRun(runF, runStatus)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runStatus(ctx context.Context, o *statusOptions) error {
	f := o.f
	cfg, _ := kafka.Load(o.ef.Kafka, f.Getenv)
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		v := statusView{Brokers: cfg.Brokers, Engine: "up", Clock: st.Clock, Processes: st.Processes, Active: st.Active,
			Completed: st.Completed, Terminated: st.Terminated, Incidents: st.Incidents, Inputs: []inputLag{}}
		topics := map[string]bool{devproto.TopicCommands: true}
		for p := range st.Consumed {
			topic, _, _ := strings.Cut(p, "/")
			topics[topic] = true
		}
		ends, err := c.EndOffsets(ctx, slices.Sorted(maps.Keys(topics))...)
		if err != nil {
			return err
		}
		for _, p := range slices.Sorted(maps.Keys(ends)) {
			in := inputLag{Partition: p, Consumed: st.Consumed[p], End: ends[p]}
			in.Lag = max(0, in.End-in.Consumed)
			v.Inputs = append(v.Inputs, in)
		}
		return writeResult(f, o.g, v, func() error { return writeStatus(f, v) })
	})
}

func writeStatus(f *Factory, v statusView) error {
	p := f.IO.PainterOut()
	var procs []string
	for _, pr := range v.Processes {
		procs = append(procs, fmt.Sprintf("%s v%d", pr.BPMNProcessID, pr.Version))
	}
	if len(procs) == 0 {
		procs = []string{"none deployed"}
	}
	var lags []string
	for _, in := range v.Inputs {
		lags = append(lags, fmt.Sprintf("%s at %d of %d (lag %d)", in.Partition, in.Consumed, in.End, in.Lag))
	}
	pairs := [][2]string{
		{"broker", strings.Join(v.Brokers, ",")},
		{"engine", v.Engine + ", clock " + v.Clock.Format(time.RFC3339)},
		{"processes", strings.Join(procs, ", ")},
		{"instances", fmt.Sprintf("%s active (%s with incidents), %s completed, %s terminated",
			ui.Thousands(v.Active), ui.Thousands(int64(v.Incidents)), ui.Thousands(v.Completed), ui.Thousands(v.Terminated))},
		{"inputs", strings.Join(lags, "; ")},
	}
	_, err := fmt.Fprint(f.IO.StyledOut(), ui.Panel(p, "wfctl engine status", pairs))
	return err
}
