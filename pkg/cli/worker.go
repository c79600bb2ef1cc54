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

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
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

func newJobWorkerCmd(f *Factory, g *globalOptions, runF func(context.Context, *workerOptions) error) *cobra.Command {
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
			return orRun(runF, runWorker)(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Handler, "handler", "", "shell command that works a job")
	fl.StringVar(&opts.Name, "name", "wfctl-worker", "the worker's name, in the engine's records")
	fl.IntVar(&opts.Concurrency, "concurrency", 1, "handlers running at once")
	fl.IntVar(&opts.MaxJobsActive, "max-jobs-active", 32, "jobs held at once, activated and not finished (at least --concurrency)")
	durationFlag(fl, &opts.Timeout, "timeout", 5*time.Minute, "how long a job is held before the engine hands it to another worker")
	opts.ef.bind(cmd)
	return cmd
}

// runWorker works jobs with the shell handler until ctx ends, logging
// each outcome on stderr.
func runWorker(ctx context.Context, o *workerOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		fmt.Fprintf(f.IO.ErrOut, "working %s jobs with %q, %d at a time (Ctrl-C to stop)\n", o.Type, o.Handler, o.Concurrency)
		what := func(job devproto.Job) string {
			return fmt.Sprintf("job %d (%s, instance %d)", job.Key, job.ElementID, job.ProcessInstanceKey)
		}
		var logMu sync.Mutex
		logf := func(format string, args ...any) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(f.IO.ErrOut, format, args...)
		}
		err := c.Worker(ctx, devclient.WorkerOptions{Type: o.Type, Name: o.Name, Concurrency: o.Concurrency, MaxJobsActive: o.MaxJobsActive, Timeout: o.Timeout},
			func(ctx context.Context, job devproto.Job) (map[string]any, error) { return runHandler(ctx, f, job, o) },
			devclient.WorkerEvents{
				Completed: func(job devproto.Job) { logf("completed %s\n", what(job)) },
				Failed: func(job devproto.Job, retries int, reason string) {
					logf("failed %s, %s left: %s\n", what(job), ui.Plural(retries, "retry", "retries"), ui.OneLine(reason))
				},
				// Done elsewhere meanwhile (its timeout passed and another
				// worker took it, the instance was cancelled): the engine
				// refuses, the worker goes on.
				Refused: func(job devproto.Job, failed bool, reason string) {
					logf("%s not %s: %s\n", what(job), map[bool]string{true: "failed", false: "completed"}[failed], ui.OneLine(reason))
				},
				Yielded: func(job devproto.Job, err error) {
					var rej *devclient.RejectedError
					switch {
					case errors.As(err, &rej):
						logf("job %d not handed back: %s\n", job.Key, ui.OneLine(rej.Reason))
					case err != nil:
						logf("job %d not handed back (%v): another worker gets it after its timeout\n", job.Key, err)
					default:
						logf("handed job %d back to the engine\n", job.Key)
					}
				},
			})
		fmt.Fprintln(f.IO.ErrOut, "worker stopped")
		return err
	})
}

// runHandler runs the shell handler for a job: its stdout (a JSON object,
// or nothing) are the variables to complete it with; a non-zero exit or
// other output fails it, saying why.
func runHandler(ctx context.Context, f *Factory, job devproto.Job, o *workerOptions) (map[string]any, error) {
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
		return nil, errors.New(strings.TrimSpace(strings.TrimSpace(stderr.String()) + " (" + runErr.Error() + ")"))
	case len(out) > 0 && json.Unmarshal(out, &vars) != nil:
		return nil, errors.New("the handler's output is not a JSON object: " + firstLine(string(out)))
	}
	return vars, nil
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
