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
	var sig *signalBroadcastOptions
	var create *instanceCreateOptions
	var key *keyOptions
	var vars *variablesSetOptions
	var worker *workerOptions
	var list *instanceListOptions
	var recs *recordsOptions
	var clk *clockOptions
	var dep *deployOptions
	var status *statusOptions
	captureClock := func(ran *bool) func(context.Context, *clockOptions) error {
		return func(_ context.Context, o *clockOptions) error { clk, *ran = o, true; return nil }
	}
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
		"broadcast": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newSignalBroadcastCmd(f, g, func(_ context.Context, o *signalBroadcastOptions) error { sig, *ran = o, true; return nil })
		},
		"create": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newInstanceCreateCmd(f, g, func(_ context.Context, o *instanceCreateOptions) error { create, *ran = o, true; return nil })
		},
		"vars": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newVariablesSetCmd(f, g, func(_ context.Context, o *variablesSetOptions) error { vars, *ran = o, true; return nil })
		},
		"list": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newInstanceListCmd(f, g, func(_ context.Context, o *instanceListOptions) error { list, *ran = o, true; return nil })
		},
		"show": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newInstanceShowCmd(f, g, captureKey(ran))
		},
		"records": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newRecordsCmd(f, g, func(_ context.Context, o *recordsOptions) error { recs, *ran = o, true; return nil })
		},
		"clock add": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newClockAddCmd(f, g, captureClock(ran))
		},
		"clock pin": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newClockPinCmd(f, g, captureClock(ran))
		},
		"clock reset": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newClockResetCmd(f, g, captureClock(ran))
		},
		"clock show": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newClockShowCmd(f, g, captureClock(ran))
		},
		"deploy": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newDeployCmd(f, g, func(_ context.Context, o *deployOptions) error { dep, *ran = o, true; return nil })
		},
		"status": func(f *Factory, g *globalOptions, ran *bool) *cobra.Command {
			return newStatusCmd(f, g, func(_ context.Context, o *statusOptions) error { status, *ran = o, true; return nil })
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
		{cmd: "activate", args: []string{"charge", "--max", "3", "--timeout", "1m", "--worker", "w"}, check: func() string {
			return want(act.Type == "charge" && act.Max == 3 && act.Timeout == time.Minute && act.Worker == "w", act)
		}},
		{cmd: "activate", args: []string{"charge", "--max", "0"}, wantErr: "--max 0: want 1 to 10000"},
		{cmd: "publish", args: []string{"Paid", "--correlation-key", "o-1", "--ttl", "1h", "--message-id", "m-1"}, check: func() string {
			m := msg.Message
			return want(m.Name == "Paid" && m.CorrelationKey == "o-1" && m.TTL == time.Hour && m.MessageID == "m-1", m)
		}},
		{cmd: "publish", args: []string{"Paid"}, wantErr: `required flag(s) "correlation-key" not set`},
		{cmd: "publish", args: []string{"Paid", "--correlation-key", "k", "--ttl", "-1s"}, wantErr: "a duration is not negative"},
		{cmd: "broadcast", args: []string{"Restocked", "--variables", `{"sku": "A-1"}`}, check: func() string {
			return want(sig.Name == "Restocked" && sig.Variables["sku"] == "A-1", sig)
		}},
		{cmd: "broadcast", args: []string{""}, wantErr: "signal name: want a non-empty name"},
		{cmd: "broadcast", args: []string{"x", "y"}, wantErr: "accepts 1 arg(s), received 2"},
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
		{cmd: "list", args: []string{"--process", "order", "--state", "incident", "--element", "Charge", "--limit", "5"}, check: func() string {
			q := list.Query
			return want(q.ProcessID == "order" && q.State == "incident" && q.Element == "Charge" && q.Limit == 5, q)
		}},
		{cmd: "list", args: nil, check: func() string { return want(list.Query.Limit == 1000, list.Query) }},
		{cmd: "list", args: []string{"--state", "sleeping"}, wantErr: `--state "sleeping"`},
		{cmd: "list", args: []string{"--limit", "10001"}, wantErr: "--limit 10001: want 1 to 10000"},
		{cmd: "show", args: []string{"2251799813685253"}, check: func() string { return want(key.Key == 2251799813685253, key) }},
		{cmd: "show", args: []string{}, wantErr: "accepts 1 arg"},
		{cmd: "records", args: []string{"--instance", "5", "--value-type", "job", "--intent", "created", "--from", "-10", "-n", "3", "--follow"}, check: func() string {
			return want(recs.Instance == 5 && recs.ValueType == "JOB" && recs.Intent == "CREATED" && recs.From.String() != "" && recs.Num == 3 && recs.Follow, recs)
		}},
		{cmd: "records", args: []string{"--intent", "SLEPT"}, wantErr: `--intent "SLEPT": one of`},
		{cmd: "records", args: []string{"-n", "-1"}, wantErr: "-n -1"},
		{cmd: "clock add", args: []string{"1d2h"}, check: func() string {
			return want(clk.Intent == "ADD" && clk.Value.Offset == (26*time.Hour).Milliseconds(), clk)
		}},
		{cmd: "clock add", args: []string{"-1h"}, wantErr: "never goes back"},
		{cmd: "clock pin", args: []string{"2026-12-24T09:00:00Z"}, check: func() string {
			return want(clk.Intent == "PIN" && clk.Value.Time == time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC).UnixMilli(), clk)
		}},
		{cmd: "clock pin", args: []string{"tomorrow"}, wantErr: "want an RFC 3339 time"},
		{cmd: "clock reset", args: nil, check: func() string { return want(clk.Intent == "RESET", clk) }},
		{cmd: "clock show", args: nil, check: func() string { return want(clk.Intent == "SHOW" && clk.Done == "", clk) }},
		{cmd: "deploy", args: []string{"a.bpmn", "models", "--no-lint", "-c", "rc.json"}, check: func() string {
			return want(strings.Join(dep.Args, ",") == "a.bpmn,models" && dep.NoLint && dep.Config == "rc.json", dep)
		}},
		{cmd: "deploy", args: nil, wantErr: "requires at least 1 arg"},
		{cmd: "status", args: []string{"-b", "h:1"}, check: func() string {
			return want(strings.Join(status.ef.Kafka.Brokers, ",") == "h:1", status.ef.Kafka)
		}},
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
