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
	cmd.AddCommand(newJobActivateCmd(f, g, nil), newJobCompleteCmd(f, g, nil), newJobFailCmd(f, g, nil), newJobThrowErrorCmd(f, g, nil),
		newJobUpdateRetriesCmd(f, g, nil), newJobWorkerCmd(f, g, nil))
	return cmd
}

// jobActivateOptions are job activate's flags and arguments.
type jobActivateOptions struct {
	f       *Factory
	g       *globalOptions
	ef      engineFlags
	Type    string
	Max     int
	Timeout time.Duration
	Worker  string
}

func newJobActivateCmd(f *Factory, g *globalOptions, runF func(context.Context, *jobActivateOptions) error) *cobra.Command {
	o := &jobActivateOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "activate TYPE [--max N] [--timeout 5m]",
		Short: "Activate up to N jobs of a type and print them",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Type = args[0]
			if o.Max < 1 || o.Max > 10000 {
				return usageErrorf("--max %d: want 1 to 10000", o.Max)
			}
			if o.Timeout < time.Millisecond || o.Timeout.Milliseconds() > engine.MaxDuration {
				return usageErrorf("--timeout %s: want 1ms to 10 years", o.Timeout)
			}
			return orRun(runF, runJobActivate)(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Max, "max", 10, "how many jobs at most")
	durationFlag(cmd.Flags(), &o.Timeout, "timeout", 5*time.Minute, "how long the jobs are yours before they time out")
	cmd.Flags().StringVar(&o.Worker, "worker", "wfctl", "worker name recorded on the jobs")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runJobActivate(ctx context.Context, o *jobActivateOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		activated, err := c.ActivateJobs(ctx, engine.JobRequest{Type: o.Type, Worker: o.Worker, Timeout: o.Timeout, MaxJobs: o.Max})
		if err != nil {
			return err
		}
		jobs := make([]devproto.Job, len(activated))
		for i, j := range activated {
			jobs[i] = devclient.JobOf(j)
		}
		return writeResult(f, o.g, jobs, func() error {
			var rows [][]string
			for _, j := range jobs {
				rows = append(rows, []string{strconv.FormatInt(j.Key, 10), j.Type, strconv.FormatInt(j.ProcessInstanceKey, 10), j.ElementID, strconv.Itoa(j.Retries), compactJSON(j.Variables)})
			}
			_, err := fmt.Fprint(f.IO.StyledOut(), ui.Table(f.IO.PainterOut(), []string{"KEY", "TYPE", "INSTANCE", "ELEMENT", "RETRIES", "VARIABLES"}, rows, 4))
			return err
		})
	})
}

// jobOutcomeOptions are the flags and arguments of the commands that end
// or change one job (complete, fail, throw-error, update-retries).
type jobOutcomeOptions struct {
	f            *Factory
	g            *globalOptions
	ef           engineFlags
	Key          int64
	Variables    map[string]any
	Retries      int
	Backoff      time.Duration
	ErrorCode    string
	ErrorMessage string

	vars string // --variables as given
}

// parse reads the job key and the variables.
func (o *jobOutcomeOptions) parse(args []string) error {
	key, err := parseKey("job", args[0])
	if err != nil {
		return err
	}
	o.Key = key
	o.Variables, err = readVars(o.f, "--variables", o.vars)
	return err
}

func newJobCompleteCmd(f *Factory, g *globalOptions, runF func(context.Context, *jobOutcomeOptions) error) *cobra.Command {
	o := &jobOutcomeOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "complete KEY [--variables JSON|@FILE|@-]",
		Short: "Complete a job, with variables",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(args); err != nil {
				return err
			}
			return orRun(runF, runJobComplete)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runJobComplete(ctx context.Context, o *jobOutcomeOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Key, "completed", fmt.Sprintf("completed job %d", o.Key), nil,
		func(ctx context.Context, c *devclient.Client) error { return c.CompleteJob(ctx, o.Key, o.Variables) })
}

func newJobFailCmd(f *Factory, g *globalOptions, runF func(context.Context, *jobOutcomeOptions) error) *cobra.Command {
	o := &jobOutcomeOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "fail KEY --retries N [--error-message TEXT] [--backoff 10s]",
		Short: "Fail a job; with no retries left it raises an incident",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(args); err != nil {
				return err
			}
			if o.Retries < 0 {
				return usageErrorf("--retries must not be negative")
			}
			if o.Backoff < 0 || o.Backoff.Milliseconds() > engine.MaxDuration {
				return usageErrorf("--backoff %s: want 0 to 10 years", o.Backoff)
			}
			return orRun(runF, runJobFail)(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Retries, "retries", 0, "retries left (required)")
	cmd.Flags().StringVar(&o.ErrorMessage, "error-message", "", "why it failed")
	durationFlag(cmd.Flags(), &o.Backoff, "backoff", 0, "wait before the job can be activated again")
	_ = cmd.MarkFlagRequired("retries")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runJobFail(ctx context.Context, o *jobOutcomeOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Key, "failed", fmt.Sprintf("failed job %d (%s left)", o.Key, ui.Plural(o.Retries, "retry", "retries")), map[string]any{"retries": o.Retries},
		func(ctx context.Context, c *devclient.Client) error {
			return c.FailJob(ctx, o.Key, o.Retries, o.Backoff, o.ErrorMessage)
		})
}

// orRun is runF when a test gives one, else run.
func orRun[O any](runF, run func(context.Context, *O) error) func(context.Context, *O) error {
	if runF != nil {
		return runF
	}
	return run
}
