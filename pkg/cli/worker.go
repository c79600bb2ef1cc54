package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
)

// workerOptions are `job worker`'s flags.
type workerOptions struct {
	f             *Factory
	ef            engineFlags
	Type          string
	Handler       string
	Name          string
	Concurrency   int
	MaxJobsActive int
	Timeout       time.Duration
}

func newJobWorkerCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := &workerOptions{f: f}
	cmd := &cobra.Command{
		Use:   "worker TYPE --handler CMD [--concurrency N] [--max-jobs-active M] [--timeout 5m]",
		Short: "Work jobs of a type with a shell command, until interrupted",
		Long: `Activate jobs of TYPE, as zbctl's worker does, and run --handler (with sh -c)
for each: it gets the job's variables as JSON on stdin and, in its
environment, WFCTL_JOB_KEY, WFCTL_JOB_TYPE, WFCTL_JOB_RETRIES,
WFCTL_PROCESS_INSTANCE_KEY, WFCTL_ELEMENT_ID, WFCTL_BPMN_PROCESS_ID,
WFCTL_CUSTOM_HEADERS (a JSON object) and each custom header as
WFCTL_HEADER_<NAME> (upper case, other characters as _). Its stdout, a JSON
object (or nothing), becomes the completion variables; a non-zero exit fails
the job with its stderr as the message (one retry fewer), and the reason is
logged.

A handler runs only for a job this worker holds an activation for,
acknowledged by the engine: never for a job completed, cancelled or in
back-off. Up to --concurrency handlers run at once; up to --max-jobs-active
jobs are held (activated, not finished) at a time, each for --timeout before
the engine hands it to another worker. The worker activates when it starts
and whenever the engine announces a job of TYPE on wfctl.jobs; an idle worker
writes nothing. Ctrl-C stops taking jobs, hands the held jobs no handler
started back to the engine, lets running handlers finish, and exits 0.`,
		Example: `  wfctl job worker charge-card --handler 'jq "{charged: true}"'
  wfctl job worker charge-card --handler ./charge.sh --concurrency 8`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			switch {
			case opts.Handler == "":
				return usageErrorf("--handler is required: the command that works a job")
			case opts.Concurrency < 1 || opts.Concurrency > 1024:
				return usageErrorf("--concurrency %d: want 1 to 1024", opts.Concurrency)
			case opts.MaxJobsActive < 1 || opts.MaxJobsActive > 10000:
				return usageErrorf("--max-jobs-active %d: want 1 to 10000", opts.MaxJobsActive)
			case opts.Timeout < time.Millisecond || opts.Timeout.Milliseconds() > engine.MaxDuration:
				return usageErrorf("--timeout %s: want 1ms to 10 years", opts.Timeout)
			}
			if !cmd.Flags().Changed("max-jobs-active") {
				opts.MaxJobsActive = max(opts.MaxJobsActive, opts.Concurrency)
			}
			return runWorker(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Handler, "handler", "", "shell command that works a job")
	fl.StringVar(&opts.Name, "name", "wfctl-worker", "the worker's name, in the engine's records")
	fl.IntVar(&opts.Concurrency, "concurrency", 1, "handlers running at once")
	fl.IntVar(&opts.MaxJobsActive, "max-jobs-active", 32, "jobs held at once, activated and not finished (at least --concurrency)")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "how long a job is held before the engine hands it to another worker")
	opts.ef.bind(cmd)
	return cmd
}

// runWorker activates and works jobs until ctx ends.
func runWorker(ctx context.Context, o *workerOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		wake, err := watchJobs(ctx, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(f.IO.ErrOut, "working %s jobs with %q, %d at a time (Ctrl-C to stop)\n", o.Type, o.Handler, o.Concurrency)
		// Handlers and their completions outlive Ctrl-C: a running
		// handler finishes and its outcome reaches the engine.
		workCtx := context.WithoutCancel(ctx)
		queue := make(chan devproto.Job, o.MaxJobsActive)
		done := make(chan struct{}, o.MaxJobsActive)
		var wg sync.WaitGroup
		var fatalMu sync.Mutex
		var fatal error
		// Concurrency bounds the handlers running; a handler's outcome is
		// sent while the next job's handler runs (the job stays held,
		// within --max-jobs-active, until the engine took it).
		for range o.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for job := range queue {
					if ctx.Err() != nil {
						// Stopping: not started, handed back.
						wg.Go(func() {
							yieldJob(workCtx, f, c, job)
							done <- struct{}{}
						})
						continue
					}
					outcome := runHandler(workCtx, f, job, o)
					wg.Go(func() {
						if err := sendOutcome(workCtx, f, c, job, outcome); err != nil {
							fatalMu.Lock()
							fatal = errors.Join(fatal, err)
							fatalMu.Unlock()
						}
						done <- struct{}{}
					})
				}
			}()
		}
		held, again := 0, true
		for ctx.Err() == nil {
			for drained := false; !drained; {
				select {
				case <-done:
					held--
				default:
					drained = true
				}
			}
			// As zbctl's workers poll: once the jobs held fell below a
			// threshold, not for every job done (an activation per job
			// would cost a round trip each).
			if want := o.MaxJobsActive - held; again && want > 0 && (held == 0 || want >= activateThreshold(o.MaxJobsActive)) {
				jobs, err := activate(ctx, c, o, want)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					close(queue)
					wg.Wait()
					return err
				}
				held += len(jobs)
				for _, j := range jobs {
					queue <- j
				}
				// A full activation may have left jobs behind: ask again.
				again = len(jobs) == want
				continue
			}
			select {
			case <-ctx.Done():
			case <-wake:
				again = true
			case <-done:
				held--
				again = true
			}
		}
		close(queue)
		wg.Wait()
		fmt.Fprintln(f.IO.ErrOut, "worker stopped")
		return fatal
	})
}

// activateThreshold is how many free places among --max-jobs-active
// make the worker activate more: a quarter of them (zbctl's workers poll
// below 30 % of their maximum held).
func activateThreshold(maxActive int) int { return max(1, maxActive/4) }

// activate activates up to want jobs for this worker.
func activate(ctx context.Context, c *devclient.Client, o *workerOptions, want int) ([]devproto.Job, error) {
	activated, err := c.ActivateJobs(ctx, engine.JobRequest{Type: o.Type, Worker: o.Name, Timeout: o.Timeout, MaxJobs: min(want, 128)})
	if err != nil {
		return nil, err
	}
	jobs := jobsOf(activated)
	return jobs, nil
}

// watchJobs follows wfctl.jobs from its end and signals when the engine
// announces a job of the worker's type: the moment to activate.
func watchJobs(ctx context.Context, o *workerOptions) (<-chan struct{}, error) {
	_, cl, err := kafkaClient(ctx, o.f, o.ef.Kafka,
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{devproto.TopicJobs: {0: kgo.NewOffset().AtEnd()}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return nil, err
	}
	wake := make(chan struct{}, 1)
	go func() {
		defer cl.Close()
		for {
			fs := cl.PollFetches(ctx)
			if ctx.Err() != nil {
				return
			}
			mine := false
			fs.EachRecord(func(r *kgo.Record) { mine = mine || string(r.Key) == o.Type })
			if mine {
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}
	}()
	return wake, nil
}

// yieldJob hands a held job back to the engine, so that another worker
// gets it at once rather than after its timeout.
func yieldJob(ctx context.Context, f *Factory, c *devclient.Client, job devproto.Job) {
	var rej *devclient.RejectedError
	switch err := c.YieldJob(ctx, job.Key); {
	case errors.As(err, &rej):
		fmt.Fprintf(f.IO.ErrOut, "job %d not handed back: %s\n", job.Key, rej.Reason)
	case err != nil:
		fmt.Fprintf(f.IO.ErrOut, "job %d not handed back (%v): another worker gets it after its timeout\n", job.Key, err)
	default:
		fmt.Fprintf(f.IO.ErrOut, "handed job %d back to the engine\n", job.Key)
	}
}

// outcome is what a handler made of a job: the variables to complete
// it with, or why it failed (reason, not "").
type outcome struct {
	vars   map[string]any
	reason string
}

// runHandler runs the handler for a job.
func runHandler(ctx context.Context, f *Factory, job devproto.Job, o *workerOptions) outcome {
	in, _ := json.Marshal(job.Variables)
	if job.Variables == nil {
		in = []byte("{}")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "sh", "-c", o.Handler)
	cmd.Dir = f.WorkDir
	cmd.Env = append(os.Environ(), jobEnv(job)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	runErr := cmd.Run()
	var vars map[string]any
	out := bytes.TrimSpace(stdout.Bytes())
	switch {
	case runErr != nil:
		reason := strings.TrimSpace(strings.TrimSpace(stderr.String()) + " (" + runErr.Error() + ")")
		return outcome{reason: reason}
	case len(out) > 0 && json.Unmarshal(out, &vars) != nil:
		return outcome{reason: "the handler's output is not a JSON object: " + firstLine(string(out))}
	}
	return outcome{vars: vars}
}

// sendOutcome reports a handler's outcome to the engine.
func sendOutcome(ctx context.Context, f *Factory, c *devclient.Client, job devproto.Job, o outcome) error {
	var err error
	if o.reason != "" {
		err = c.FailJob(ctx, job.Key, max(job.Retries-1, 0), 0, o.reason)
	} else {
		err = c.CompleteJob(ctx, job.Key, o.vars)
	}
	var rej *devclient.RejectedError
	if err != nil && !errors.As(err, &rej) {
		return err
	}
	what := fmt.Sprintf("job %d (%s, instance %d)", job.Key, job.ElementID, job.ProcessInstanceKey)
	switch {
	case rej != nil:
		// Done elsewhere meanwhile (its timeout passed and another
		// worker took it, the instance was cancelled): the engine
		// refuses, the worker goes on.
		fmt.Fprintf(f.IO.ErrOut, "%s not %s: %s\n", what, map[bool]string{true: "failed", false: "completed"}[o.reason != ""], rej.Reason)
	case o.reason != "":
		fmt.Fprintf(f.IO.ErrOut, "failed %s, %d retries left: %s\n", what, max(job.Retries-1, 0), o.reason)
	default:
		fmt.Fprintf(f.IO.ErrOut, "completed %s\n", what)
	}
	return nil
}

// jobEnv is what a handler finds in its environment about its job.
func jobEnv(job devproto.Job) []string {
	headers, _ := json.Marshal(job.CustomHeaders)
	if job.CustomHeaders == nil {
		headers = []byte("{}")
	}
	env := []string{
		"WFCTL_JOB_KEY=" + strconv.FormatInt(job.Key, 10),
		"WFCTL_JOB_TYPE=" + job.Type,
		"WFCTL_JOB_RETRIES=" + strconv.Itoa(job.Retries),
		"WFCTL_PROCESS_INSTANCE_KEY=" + strconv.FormatInt(job.ProcessInstanceKey, 10),
		"WFCTL_ELEMENT_ID=" + job.ElementID,
		"WFCTL_BPMN_PROCESS_ID=" + job.BPMNProcessID,
		"WFCTL_CUSTOM_HEADERS=" + string(headers),
	}
	for k, v := range job.CustomHeaders {
		env = append(env, "WFCTL_HEADER_"+envName(k)+"="+v)
	}
	return env
}

func envName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToUpper(r)
		}
		return '_'
	}, s)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
