package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// runCmd runs a command built with a capturing runF; it returns what
// Execute returned and whether runF ran.
func runCmd(t *testing.T, build func(*Factory, *globalOptions, *bool) *cobra.Command, stdin string, args ...string) (error, bool) {
	t.Helper()
	f, _, _ := testFactory(t.TempDir(), stdin)
	g := &globalOptions{Output: "text"}
	ran := false
	cmd := build(f, g, &ran)
	cmd.Flags().StringVarP(&g.Output, "output", "o", "text", "")
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	return cmd.Execute(), ran
}

// TestEngineCommandFlags: the engine-driving commands parse their
// arguments and flags into their options (checked through runF, with no
// engine), and refuse what does not fit with a usage error.
func TestEngineCommandFlags(t *testing.T) {
	var job *jobOutcomeOptions
	captureJob := func(ran *bool) func(context.Context, *jobOutcomeOptions) error {
		return func(_ context.Context, o *jobOutcomeOptions) error { job, *ran = o, true; return nil }
	}
	var act *jobActivateOptions
	var msg *messagePublishOptions
	var create *instanceCreateOptions
	var key *keyOptions
	var vars *variablesSetOptions
	var worker *workerOptions
	captureKey := func(ran *bool) func(context.Context, *keyOptions) error {
		return func(_ context.Context, o *keyOptions) error { key, *ran = o, true; return nil }
	}
	cmds := map[string]func(*Factory, *globalOptions, *bool) *cobra.Command{
		"complete": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newJobCompleteCmd(f, g, captureJob(ran))
		},
		"fail": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newJobFailCmd(f, g, captureJob(ran))
		},
		"throw": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newJobThrowErrorCmd(f, g, captureJob(ran))
		},
		"retries": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newJobUpdateRetriesCmd(f, g, captureJob(ran))
		},
		"resolve": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newIncidentResolveCmd(f, g, captureKey(ran))
		},
		"cancel": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newInstanceCancelCmd(f, g, captureKey(ran))
		},
		"activate": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newJobActivateCmd(f, g, func(_ context.Context, o *jobActivateOptions) error { act, *ran = o, true; return nil })
		},
		"publish": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newMessagePublishCmd(f, g, func(_ context.Context, o *messagePublishOptions) error { msg, *ran = o, true; return nil })
		},
		"create": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newInstanceCreateCmd(f, g, func(_ context.Context, o *instanceCreateOptions) error { create, *ran = o, true; return nil })
		},
		"vars": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newVariablesSetCmd(f, g, func(_ context.Context, o *variablesSetOptions) error { vars, *ran = o, true; return nil })
		},
		"worker": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newJobWorkerCmd(f, g, func(_ context.Context, o *workerOptions) error { worker, *ran = o, true; return nil })
		},
	}
	for _, tc := range []struct {
		cmd     string
		args    []string
		stdin   string
		check   func() string // what is wrong with the options, or ""
		wantErr string
	}{
		{cmd: "complete", args: []string{"42", "--variables", `{"a": 1}`}, check: func() string {
			return want(job.Key == 42 && fmt.Sprint(job.Variables) == "map[a:1]", job)
		}},
		{cmd: "complete", args: []string{"42", "--variables", "@-"}, stdin: `{"b": true}`, check: func() string {
			return want(fmt.Sprint(job.Variables) == "map[b:true]", job)
		}},
		{cmd: "complete", args: []string{"x"}, wantErr: `job key "x": want a number`},
		{cmd: "complete", args: []string{"42", "--variables", "[1]"}, wantErr: "--variables"},
		{cmd: "fail", args: []string{"7", "--retries", "2", "--error-message", "no", "--backoff", "10s"}, check: func() string {
			return want(job.Key == 7 && job.Retries == 2 && job.ErrorMessage == "no" && job.Backoff == 10*time.Second, job)
		}},
		{cmd: "fail", args: []string{"7"}, wantErr: `required flag(s) "retries" not set`},
		{cmd: "fail", args: []string{"7", "--retries", "-1"}, wantErr: "--retries must not be negative"},
		{cmd: "throw", args: []string{"7", "--error-code", "DECLINED", "--error-message", "m"}, check: func() string {
			return want(job.ErrorCode == "DECLINED" && job.ErrorMessage == "m", job)
		}},
		{cmd: "throw", args: []string{"7", "--error-code", ""}, wantErr: "--error-code must not be empty"},
		{cmd: "retries", args: []string{"7", "--retries", "3"}, check: func() string { return want(job.Retries == 3, job) }},
		{cmd: "retries", args: []string{"7", "--retries", "0"}, wantErr: "--retries 0: want at least 1"},
		{cmd: "resolve", args: []string{"9"}, check: func() string { return want(key.Key == 9, key) }},
		{cmd: "cancel", args: []string{"9", "-o", "yaml"}, wantErr: `invalid --output "yaml"`},
		{cmd: "activate", args: []string{"charge", "--max", "3", "--timeout", "1m", "--worker", "w"}, check: func() string {
			return want(act.Type == "charge" && act.Max == 3 && act.Timeout == time.Minute && act.Worker == "w", act)
		}},
		{cmd: "activate", args: []string{"charge", "--max", "0"}, wantErr: "--max 0: want 1 to 10000"},
		{cmd: "publish", args: []string{"Paid", "--correlation-key", "o-1", "--ttl", "1h", "--message-id", "m-1"}, check: func() string {
			m := msg.Message
			return want(m.Name == "Paid" && m.CorrelationKey == "o-1" && m.TTL == time.Hour && m.MessageID == "m-1", m)
		}},
		{cmd: "publish", args: []string{"Paid"}, wantErr: `required flag(s) "correlation-key" not set`},
		{cmd: "publish", args: []string{"Paid", "--correlation-key", "k", "--ttl", "-1s"}, wantErr: "--ttl -1s: want 0 to 10 years"},
		{cmd: "create", args: []string{"order", "--version", "2", "--await", "--timeout", "30s"}, check: func() string {
			return want(create.ProcessID == "order" && create.Version == 2 && create.Await && create.Timeout == 30*time.Second, create)
		}},
		{cmd: "create", args: []string{"order", "--version", "0"}, wantErr: "--version 0"},
		{cmd: "vars", args: []string{"5", "--variables", `{"x": "y"}`, "--local"}, check: func() string {
			return want(vars.Scope == 5 && vars.Local && vars.Variables["x"] == "y", vars)
		}},
		{cmd: "vars", args: []string{"5"}, wantErr: "--variables is required"},
		{cmd: "worker", args: []string{"charge", "--handler", "true", "--concurrency", "8"}, check: func() string {
			return want(worker.Type == "charge" && worker.Concurrency == 8 && worker.MaxJobsActive == 32 && worker.Handler == "true", worker)
		}},
		{cmd: "worker", args: []string{"charge", "--handler", "true", "--concurrency", "64"}, check: func() string {
			return want(worker.MaxJobsActive == 64, worker) // at least --concurrency
		}},
		{cmd: "worker", args: []string{"charge"}, wantErr: "--handler is required"},
	} {
		err, ran := runCmd(t, cmds[tc.cmd], tc.stdin, tc.args...)
		name := tc.cmd + " " + strings.Join(tc.args, " ")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || ran {
				t.Errorf("%s: error %v (ran %v), want %q", name, err, ran, tc.wantErr)
			}
			continue
		}
		if err != nil || !ran {
			t.Errorf("%s: %v (ran %v)", name, err, ran)
			continue
		}
		if bad := tc.check(); bad != "" {
			t.Errorf("%s: %s", name, bad)
		}
	}
}

func want(ok bool, got any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf("options %+v", got)
}
