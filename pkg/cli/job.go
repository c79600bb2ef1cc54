package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newJobCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Activate, complete and fail jobs, or run a job worker",
	}
	cmd.AddCommand(newJobActivateCmd(f, g), newJobCompleteCmd(f, g), newJobFailCmd(f, g), newJobThrowErrorCmd(f, g), newJobUpdateRetriesCmd(f, g), newJobWorkerCmd(f, g))
	return cmd
}

func newJobActivateCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var max int
	var timeout time.Duration
	var worker string
	cmd := &cobra.Command{
		Use:   "activate TYPE [--max N] [--timeout 5m]",
		Short: "Activate up to N jobs of a type and print them",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
				activated, err := c.ActivateJobs(ctx, engine.JobRequest{Type: args[0], Worker: worker, Timeout: timeout, MaxJobs: max})
				if err != nil {
					return err
				}
				jobs := make([]devproto.Job, len(activated))
				for i, j := range activated {
					jobs[i] = devclient.JobOf(j)
				}
				if g.Output == "json" {
					if jobs == nil {
						jobs = []devproto.Job{}
					}
					return writeJSON(f.IO.Out, jobs)
				}
				var rows [][]string
				for _, j := range jobs {
					rows = append(rows, []string{strconv.FormatInt(j.Key, 10), j.Type, strconv.FormatInt(j.ProcessInstanceKey, 10), j.ElementID, strconv.Itoa(j.Retries), compactJSON(j.Variables)})
				}
				fmt.Fprint(f.IO.StyledOut(), ui.Table(f.IO.PainterOut(), []string{"KEY", "TYPE", "INSTANCE", "ELEMENT", "RETRIES", "VARIABLES"}, rows, 4))
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&max, "max", 10, "how many jobs at most")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long the jobs are yours before they time out")
	cmd.Flags().StringVar(&worker, "worker", "wfctl", "worker name recorded on the jobs")
	ef.bind(cmd)
	return cmd
}

func newJobCompleteCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var vars string
	cmd := &cobra.Command{
		Use:   "complete KEY [--variables JSON|@FILE|@-]",
		Short: "Complete a job, with variables",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("job", args[0])
			if err != nil {
				return err
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return ack(ctx, f, g, ef, key, "completed", fmt.Sprintf("completed job %d", key), nil,
				func(ctx context.Context, c *devclient.Client) error { return c.CompleteJob(ctx, key, v) })
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	ef.bind(cmd)
	return cmd
}

func newJobFailCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var retries int
	var msg string
	var backoff time.Duration
	cmd := &cobra.Command{
		Use:   "fail KEY --retries N [--error-message TEXT] [--backoff 10s]",
		Short: "Fail a job; with no retries left it raises an incident",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("job", args[0])
			if err != nil {
				return err
			}
			if retries < 0 {
				return usageErrorf("--retries must not be negative")
			}
			ctx := cmd.Context()
			return ack(ctx, f, g, ef, key, "failed", fmt.Sprintf("failed job %d (%d retries left)", key, retries), map[string]any{"retries": retries},
				func(ctx context.Context, c *devclient.Client) error {
					return c.FailJob(ctx, key, retries, backoff, msg)
				})
		},
	}
	cmd.Flags().IntVar(&retries, "retries", 0, "retries left (required)")
	cmd.Flags().StringVar(&msg, "error-message", "", "why it failed")
	cmd.Flags().DurationVar(&backoff, "backoff", 0, "wait before the job can be activated again")
	_ = cmd.MarkFlagRequired("retries")
	ef.bind(cmd)
	return cmd
}
