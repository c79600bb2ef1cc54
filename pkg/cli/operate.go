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

func newJobThrowErrorCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var code, msg, vars string
	cmd := &cobra.Command{
		Use:   "throw-error KEY --error-code CODE [--error-message TEXT] [--variables JSON|@FILE|@-]",
		Short: "Throw a BPMN error from a job: an error boundary event with that code catches it, else an incident is raised",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("job", args[0])
			if err != nil {
				return err
			}
			if code == "" {
				return usageErrorf("--error-code must not be empty: it is what an error boundary event catches")
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			return ack(cmd.Context(), f, g, ef, key, "error thrown", fmt.Sprintf("threw error %s from job %d", code, key),
				map[string]any{"errorCode": code},
				func(ctx context.Context, c *devclient.Client) error { return c.ThrowError(ctx, key, code, msg, v) })
		},
	}
	cmd.Flags().StringVar(&code, "error-code", "", "the BPMN error code (required; zbctl's --errorCode)")
	cmd.Flags().StringVar(&msg, "error-message", "", "what went wrong (in the incident when nothing catches it)")
	cmd.Flags().StringVar(&vars, "variables", "", "variables for the catching event, as a JSON object, @FILE or @- (stdin)")
	_ = cmd.MarkFlagRequired("error-code")
	ef.bind(cmd)
	return cmd
}

func newJobUpdateRetriesCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var retries int
	cmd := &cobra.Command{
		Use:   "update-retries KEY --retries N",
		Short: "Set a job's retries (a job out of retries needs some before its incident is resolved)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("job", args[0])
			if err != nil {
				return err
			}
			if retries < 1 {
				return usageErrorf("--retries %d: want at least 1", retries)
			}
			return ack(cmd.Context(), f, g, ef, key, "retries updated", fmt.Sprintf("job %d has %d retries", key, retries),
				map[string]any{"retries": retries},
				func(ctx context.Context, c *devclient.Client) error { return c.UpdateRetries(ctx, key, retries) })
		},
	}
	cmd.Flags().IntVar(&retries, "retries", 0, "the retries it gets (required)")
	_ = cmd.MarkFlagRequired("retries")
	ef.bind(cmd)
	return cmd
}

func newIncidentCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "incident", Short: "Resolve incidents (wfctl instance show lists an instance's, with their keys)"}
	cmd.AddCommand(newIncidentResolveCmd(f, g))
	return cmd
}

func newIncidentResolveCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	cmd := &cobra.Command{
		Use:   "resolve KEY",
		Short: "Resolve an incident: what failed is tried again (give a job retries first: job update-retries)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("incident", args[0])
			if err != nil {
				return err
			}
			return ack(cmd.Context(), f, g, ef, key, "resolved", fmt.Sprintf("resolved incident %d", key), nil,
				func(ctx context.Context, c *devclient.Client) error { return c.ResolveIncident(ctx, key) })
		},
	}
	ef.bind(cmd)
	return cmd
}

func newVariablesCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "variables", Short: "Set variables of an instance or element instance"}
	cmd.AddCommand(newVariablesSetCmd(f, g))
	return cmd
}

func newVariablesSetCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var vars string
	var local bool
	cmd := &cobra.Command{
		Use:   "set SCOPE_KEY --variables JSON|@FILE|@- [--local]",
		Short: "Set variables on a scope: a process instance, or an element instance (its key, as instance show gives)",
		Long: `Set variables on a scope, as zbctl's set variables does: without --local, a
variable goes where it is visible from the scope (the nearest scope that has
it), else to the process instance; with --local, on the scope itself.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("scope", args[0])
			if err != nil {
				return err
			}
			if vars == "" {
				return usageErrorf("--variables is required: a JSON object, @FILE or @-")
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			return ack(cmd.Context(), f, g, ef, key, "set", fmt.Sprintf("set %d variable(s) on %d", len(v), key),
				map[string]any{"variables": len(v)},
				func(ctx context.Context, c *devclient.Client) error { return c.SetVariables(ctx, key, v, local) })
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "the variables, as a JSON object, @FILE or @- (stdin)")
	cmd.Flags().BoolVar(&local, "local", false, "set them on the scope itself")
	ef.bind(cmd)
	return cmd
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

func newStatusCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
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
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			cfg, _ := kafka.Load(ef.Kafka, f.Getenv)
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
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
				if g.Output == "json" {
					return writeJSON(f.IO.Out, v)
				}
				return writeStatus(f, v)
			})
		},
	}
	ef.bind(cmd)
	return cmd
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
