package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newJobCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Activate, complete and fail jobs, or run a job worker",
	}
	cmd.AddCommand(newJobActivateCmd(f, g), newJobCompleteCmd(f, g), newJobFailCmd(f, g), newJobWorkerCmd(f, g))
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
				resp, err := do(ctx, c, engine.Command{ValueType: engine.ValueJobBatch, Intent: engine.IntentActivate, Key: -1,
					Value: &engine.JobBatchValue{Type: args[0], Worker: worker, Timeout: timeout.Milliseconds(), MaxJobsToActivate: int32(max)}}, args[0])
				if err != nil {
					return err
				}
				batch, _, _ := eventValue[*engine.JobBatchValue](resp, engine.ValueJobBatch, engine.IntentActivated)
				var jobs []dev.Job
				if batch != nil {
					for i, j := range batch.Jobs {
						jobs = append(jobs, dev.Job{Key: batch.JobKeys[i], Type: j.Type, ProcessInstanceKey: j.ProcessInstanceKey, BPMNProcessID: j.BPMNProcessID,
							ElementID: j.ElementID, Retries: int(j.Retries), Deadline: j.Deadline, CustomHeaders: j.CustomHeaders, Variables: j.Variables})
					}
				}
				if g.Output == "json" {
					if jobs == nil {
						jobs = []dev.Job{}
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
			return sendAndAck(ctx, f, g, ef, completeJob(key, v), "completed", fmt.Sprintf("completed job %d", key), nil)
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	ef.bind(cmd)
	return cmd
}

func completeJob(key int64, vars map[string]any) engine.Command {
	return engine.Command{ValueType: engine.ValueJob, Intent: engine.IntentComplete, Key: key, Value: &engine.JobValue{Variables: vars}}
}

func failJob(key int64, retries int, backoff time.Duration, msg string) engine.Command {
	return engine.Command{ValueType: engine.ValueJob, Intent: engine.IntentFail, Key: key,
		Value: &engine.JobValue{Retries: int32(retries), RetryBackoff: backoff.Milliseconds(), ErrorMessage: msg}}
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
			return sendAndAck(ctx, f, g, ef, failJob(key, retries, backoff, msg), "failed",
				fmt.Sprintf("failed job %d (%d retries left)", key, retries), map[string]any{"retries": retries})
		},
	}
	cmd.Flags().IntVar(&retries, "retries", 0, "retries left (required)")
	cmd.Flags().StringVar(&msg, "error-message", "", "why it failed")
	cmd.Flags().DurationVar(&backoff, "backoff", 0, "wait before the job can be activated again")
	_ = cmd.MarkFlagRequired("retries")
	ef.bind(cmd)
	return cmd
}

func newJobWorkerCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var handler string
	cmd := &cobra.Command{
		Use:   "worker TYPE --handler CMD",
		Short: "Work jobs of a type with a shell command, until interrupted",
		Long: `Read jobs of TYPE from wfctl.jobs and run --handler (with sh -c) for each: it
gets the job's variables as JSON on stdin; its stdout, a JSON object (or
nothing), becomes the completion variables; a non-zero exit fails the job with
its stderr as the message (one retry fewer).`,
		Example: `  wfctl job worker charge-card --handler 'jq "{charged: true}"'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if handler == "" {
				return usageErrorf("--handler is required: the command that works a job")
			}
			return runWorker(cmd.Context(), f, ef, args[0], handler)
		},
	}
	cmd.Flags().StringVar(&handler, "handler", "", "shell command that works a job")
	ef.bind(cmd)
	return cmd
}

// runWorker consumes wfctl.jobs in a consumer group per job type, so that
// workers share the jobs and a restarted worker goes on where it stopped.
func runWorker(ctx context.Context, f *Factory, ef engineFlags, jobType, handler string) error {
	return withEngine(ctx, f, ef, func(c *devclient.Client) error {
		_, cl, err := kafkaClient(ctx, f, ef.Kafka, kgo.ConsumerGroup("wfctl-worker-"+jobType), kgo.ConsumeTopics(dev.TopicJobs),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()))
		if err != nil {
			return err
		}
		defer cl.Close()
		fmt.Fprintf(f.IO.ErrOut, "working %s jobs with %q (Ctrl-C to stop)\n", jobType, handler)
		for {
			fs := cl.PollFetches(ctx)
			if ctx.Err() != nil {
				return nil
			}
			if err := fs.Err0(); err != nil {
				return err
			}
			var ferr error
			fs.EachRecord(func(r *kgo.Record) {
				if ferr != nil || string(r.Key) != jobType {
					return
				}
				var job dev.Job
				if json.Unmarshal(r.Value, &job) != nil {
					return
				}
				// A push whose deadline passed is stale: the job timed out
				// and, if it is still to be done, was pushed again later.
				if job.Deadline > 0 && job.Deadline < f.Now().UnixMilli() {
					return
				}
				ferr = workJob(ctx, f, c, job, handler)
			})
			if ferr != nil {
				return ferr
			}
			if err := cl.CommitUncommittedOffsets(ctx); err != nil && ctx.Err() == nil {
				return err
			}
		}
	})
}

// workJob runs the handler for one job and completes or fails it.
func workJob(ctx context.Context, f *Factory, c *devclient.Client, job dev.Job, handler string) error {
	in, _ := json.Marshal(job.Variables)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "sh", "-c", handler)
	cmd.Dir = f.WorkDir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	runErr := cmd.Run()
	var command engine.Command
	var vars map[string]any
	out := bytes.TrimSpace(stdout.Bytes())
	switch {
	case runErr != nil:
		command = failJob(job.Key, max(job.Retries-1, 0), 0, strings.TrimSpace(stderr.String()+" "+runErr.Error()))
	case len(out) > 0 && json.Unmarshal(out, &vars) != nil:
		command = failJob(job.Key, max(job.Retries-1, 0), 0, "handler output is not a JSON object: "+string(out))
	default:
		command = completeJob(job.Key, vars)
	}
	resp, err := c.Do(ctx, command, strconv.FormatInt(job.Key, 10))
	if err != nil {
		return err
	}
	verb := "completed"
	if command.Intent == engine.IntentFail {
		verb = "failed"
	}
	if resp.Rejected {
		// Done elsewhere meanwhile (another worker, a cancelled
		// instance): the engine refuses, the worker goes on.
		fmt.Fprintf(f.IO.ErrOut, "job %d (%s, instance %d) not %s: %s\n", job.Key, job.ElementID, job.ProcessInstanceKey, verb, resp.Reason)
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "%s job %d (%s, instance %d)\n", verb, job.Key, job.ElementID, job.ProcessInstanceKey)
	return nil
}
