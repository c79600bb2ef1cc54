package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newInstanceCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "instance",
		Short: "Create, list, show and cancel process instances on a wfctl engine",
	}
	cmd.AddCommand(newInstanceCreateCmd(f, g, nil), newInstanceListCmd(f, g, nil), newInstanceShowCmd(f, g, nil), newInstanceCancelCmd(f, g, nil))
	return cmd
}

// instanceCreateOptions are instance create's flags and argument.
type instanceCreateOptions struct {
	f         *Factory
	g         *globalOptions
	ef        engineFlags
	ProcessID string
	Version   int
	Variables map[string]any
	Await     bool
	Timeout   time.Duration
}

func newInstanceCreateCmd(f *Factory, g *globalOptions, runF func(context.Context, *instanceCreateOptions) error) *cobra.Command {
	o := &instanceCreateOptions{f: f, g: g}
	var vars string
	cmd := &cobra.Command{
		Use:     "create PROCESS_ID [--variables JSON|@FILE|@-] [--version N] [--await]",
		Short:   "Start an instance of a deployed process",
		Example: `  wfctl instance create order-fulfillment --variables '{"orderId": "o-1"}' --await`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Version < -1 || o.Version == 0 || o.Version > math.MaxInt32 {
				return usageErrorf("--version %d: a version from 1 (default: the latest)", o.Version)
			}
			if cmd.Flags().Changed("timeout") && !o.Await {
				return usageErrorf("--timeout is how long --await waits: give --await too, or leave --timeout out")
			}
			if o.Timeout <= 0 {
				return usageErrorf("--timeout %s: want more than 0", o.Timeout)
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			o.ProcessID, o.Variables = args[0], v
			return orRun(runF, runInstanceCreate)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	cmd.Flags().IntVar(&o.Version, "version", -1, "process version (default: the latest)")
	cmd.Flags().BoolVar(&o.Await, "await", false, "wait until the instance completes and print its variables")
	durationFlag(cmd.Flags(), &o.Timeout, "timeout", 5*time.Minute, "with --await, how long to wait")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runInstanceCreate(ctx context.Context, o *instanceCreateOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		created, err := c.CreateInstance(ctx, o.ProcessID, int32(o.Version), o.Variables)
		if err != nil {
			return err
		}
		result := map[string]any{"processInstanceKey": created.Key, "bpmnProcessId": created.ProcessID, "version": created.Version}
		if o.Await {
			end, err := awaitInstance(ctx, c, created.Key, o.Timeout)
			if err != nil {
				return err
			}
			result["state"], result["variables"] = end.state, end.variables
		}
		return writeResult(f, o.g, result, func() error {
			fmt.Fprintf(f.IO.Out, "created instance %d of %s version %d\n", created.Key, created.ProcessID, created.Version)
			if o.Await {
				fmt.Fprintf(f.IO.Out, "%s; variables %s\n", result["state"], compactJSON(result["variables"]))
			}
			return nil
		})
	})
}

// instanceEnd is how an awaited instance ended.
type instanceEnd struct {
	state     string
	variables map[string]any
}

// awaitInstance reads wfctl.records until the instance ends, collecting
// its root variables.
func awaitInstance(ctx context.Context, c *devclient.Client, key int64, timeout time.Duration) (instanceEnd, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	end := instanceEnd{variables: map[string]any{}}
	err := c.Records(ctx, true, func(rec engine.Record, _ *kgo.Record) (bool, error) {
		switch v := rec.Value.(type) {
		case *engine.VariableValue:
			if v.ProcessInstanceKey == key && v.ScopeKey == key {
				end.variables[v.Name] = v.Value
			}
		case *engine.ProcessInstanceValue:
			if rec.Key == key && v.BPMNElementType == engine.ElementProcess {
				switch rec.Intent {
				case engine.IntentElementCompleted:
					end.state = "completed"
					return true, nil
				case engine.IntentElementTerminated:
					end.state = "terminated"
					return true, nil
				}
			}
		}
		return false, nil
	})
	if errors.Is(err, context.DeadlineExceeded) || (err == nil && end.state == "" && ctx.Err() != nil) {
		return end, &FindingError{Err: fmt.Errorf("instance %d did not complete within %s", key, timeout)}
	}
	return end, err
}

// instanceRow is one instance, as list shows it.
type instanceRow struct {
	Key       int64     `json:"processInstanceKey"`
	ProcessID string    `json:"bpmnProcessId"`
	Version   int32     `json:"version"`
	State     string    `json:"state"`
	Started   time.Time `json:"startedAt"`
	Ended     time.Time `json:"endedAt,omitzero"`
	Incidents int       `json:"incidents"`
}

// instanceListOptions are instance list's flags.
type instanceListOptions struct {
	f     *Factory
	g     *globalOptions
	ef    engineFlags
	Query devproto.InstanceQuery
}

func newInstanceListCmd(f *Factory, g *globalOptions, runF func(context.Context, *instanceListOptions) error) *cobra.Command {
	o := &instanceListOptions{f: f, g: g}
	q := &o.Query
	cmd := &cobra.Command{
		Use:   "list [--process ID] [--state active|completed|terminated|incident] [--element ID] [--limit N]",
		Short: "List process instances: those in flight and the last ended, newest last",
		Long: `List process instances, as the engine knows them now: every instance in
flight and the last ` + strconv.Itoa(devproto.EndedKept) + ` that ended (older ones are only in wfctl.records;
see wfctl records). The engine answers from its state, however long its
history. With --limit N (default ` + strconv.Itoa(devproto.DefaultQueryLimit) + `, at most ` + strconv.Itoa(devproto.MaxQueryLimit) + `) the newest N are listed,
oldest first, and how many more matched is said on stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch q.State {
			case "", "active", "completed", "terminated", "incident":
			default:
				return usageErrorf("--state %q: use active, completed, terminated or incident", q.State)
			}
			if q.Limit < 1 || q.Limit > devproto.MaxQueryLimit {
				return usageErrorf("--limit %d: want 1 to %d", q.Limit, devproto.MaxQueryLimit)
			}
			return orRun(runF, runInstanceList)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&q.ProcessID, "process", "", "only instances of this process id")
	cmd.Flags().StringVar(&q.State, "state", "", "only active, completed, terminated, or with an incident")
	cmd.Flags().StringVar(&q.Element, "element", "", "only instances waiting at this element id")
	cmd.Flags().IntVar(&q.Limit, "limit", devproto.DefaultQueryLimit, "list at most the newest N")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runInstanceList(ctx context.Context, o *instanceListOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		list, err := c.Instances(ctx, o.Query)
		if err != nil {
			return err
		}
		rows := make([]instanceRow, 0, len(list.Instances))
		for i := len(list.Instances) - 1; i >= 0; i-- { // oldest first: the newest is the last line
			in := list.Instances[i]
			r := instanceRow{Key: in.Key, ProcessID: in.ProcessID, Version: in.Version, State: in.State, Started: in.Started, Incidents: in.Incidents}
			if in.Ended != nil {
				r.Ended = *in.Ended
			}
			rows = append(rows, r)
		}
		if more := list.Total - len(list.Instances); more > 0 {
			fmt.Fprintf(f.IO.ErrOut, "… and %s more, older (--limit)\n", ui.Thousands(int64(more)))
		}
		return writeResult(f, o.g, rows, func() error { return writeInstances(f, rows) })
	})
}

func writeInstances(f *Factory, rows []instanceRow) error {
	var table [][]string
	for _, r := range rows {
		state := r.State
		if r.Incidents > 0 {
			state += " (" + ui.Plural(r.Incidents, "incident") + ")"
		}
		table = append(table, []string{strconv.FormatInt(r.Key, 10), r.ProcessID, strconv.Itoa(int(r.Version)), state, r.Started.UTC().Format(time.RFC3339)})
	}
	_, err := fmt.Fprint(f.IO.StyledOut(), ui.Table(f.IO.PainterOut(), []string{"KEY", "PROCESS", "VERSION", "STATE", "STARTED"}, table, 2))
	return err
}

func newInstanceShowCmd(f *Factory, g *globalOptions, runF func(context.Context, *keyOptions) error) *cobra.Command {
	o := &keyOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "show KEY",
		Short: "Show where an instance waits, since when, its jobs, awaited messages, incidents, variables and record history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := parseKey("instance", args[0])
			if err != nil {
				return err
			}
			o.Key = key
			return orRun(runF, runInstanceShow)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runInstanceShow(ctx context.Context, o *keyOptions) error {
	return withEngine(ctx, o.f, o.ef, func(c *devclient.Client) error { return showInstance(ctx, o.f, o.g, c, o.Key) })
}

// instanceView is show's JSON output.
type instanceView struct {
	Key       int64                       `json:"processInstanceKey"`
	ProcessID string                      `json:"bpmnProcessId"`
	Version   int32                       `json:"version"`
	State     string                      `json:"state"`
	Started   time.Time                   `json:"startedAt"`
	Ended     *time.Time                  `json:"endedAt,omitempty"`
	Waiting   []devproto.WaitingElement   `json:"waiting"`
	Jobs      []devproto.InstanceJob      `json:"jobs"`
	Messages  []devproto.AwaitedMessage   `json:"messages"`
	Incidents []devproto.InstanceIncident `json:"incidents"`
	Variables map[string]any              `json:"variables"`
	History   []engine.Record             `json:"history"`
}

func showInstance(ctx context.Context, f *Factory, g *globalOptions, c *devclient.Client, key int64) error {
	d, err := c.Instance(ctx, key)
	if err != nil {
		return err
	}
	if !d.Known {
		return &UsageError{Err: fmt.Errorf("no instance %d: the engine knows those in flight and the last %s ended (wfctl records --instance %d reads the whole history)",
			key, ui.Thousands(devproto.EndedKept), key)}
	}
	view := instanceView{Key: key, ProcessID: d.ProcessID, Version: d.Version, State: d.State, Started: d.Started, Ended: d.Ended,
		Waiting: d.Waiting, Jobs: d.Jobs, Messages: d.Messages, Incidents: d.Incidents, Variables: d.Variables}
	view.History, err = c.History(ctx, d)
	if err != nil {
		return err
	}
	if view.History == nil {
		view.History = []engine.Record{}
	}
	if d.State != "active" {
		// An ended instance is no longer in the engine: its final
		// variables are those its records last set on its root scope.
		view.Variables = map[string]any{}
		for _, rec := range view.History {
			if v, ok := rec.Value.(*engine.VariableValue); ok && rec.IsEvent() && v.ScopeKey == key {
				view.Variables[v.Name] = v.Value
			}
		}
	}
	return writeResult(f, g, view, func() error { return writeInstanceView(f, view) })
}

func writeInstanceView(f *Factory, v instanceView) error {
	p := f.IO.PainterOut()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d  %s v%d  %s  started %s", p.Paint(ui.Bold, "instance"), v.Key, v.ProcessID, v.Version, v.State, v.Started.UTC().Format(time.RFC3339))
	if v.Ended != nil {
		fmt.Fprintf(&b, ", ended %s", v.Ended.UTC().Format(time.RFC3339))
	}
	b.WriteString("\n")
	for _, w := range v.Waiting {
		job := ""
		if w.JobKey != 0 {
			job = fmt.Sprintf("  job %d (%s)", w.JobKey, w.JobType)
		}
		fmt.Fprintf(&b, "  waiting at %s (%s, %s) since %s%s\n", ui.OneLine(w.ElementName), w.ElementID, w.Type, w.Since.UTC().Format(time.RFC3339), job)
	}
	for _, j := range v.Jobs {
		fmt.Fprintf(&b, "  job %d  %s  %s at %s, %s left", j.Key, j.Type, strings.ToLower(j.State), j.ElementID, ui.Plural(j.Retries, "retry", "retries"))
		if j.Deadline != nil {
			fmt.Fprintf(&b, ", held by worker %s until %s", j.Worker, j.Deadline.UTC().Format(time.RFC3339))
		}
		if j.ErrorMessage != "" {
			fmt.Fprintf(&b, ": %s", ui.OneLine(j.ErrorMessage))
		}
		b.WriteString("\n")
	}
	for _, m := range v.Messages {
		fmt.Fprintf(&b, "  awaits message %s with correlation key %q (at %s)\n", m.Name, m.CorrelationKey, m.ElementID)
	}
	for _, in := range v.Incidents {
		job := ""
		if in.JobKey != 0 {
			job = fmt.Sprintf(" (job %d)", in.JobKey)
		}
		fmt.Fprintf(&b, "%s %d %s at %s%s: %s\n", p.Paint(ui.BoldRed, "incident"), in.Key, in.Type, in.ElementID, job, ui.OneLine(in.Message))
	}
	if len(v.Variables) > 0 {
		names := make([]string, 0, len(v.Variables))
		for n := range v.Variables {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString(p.Paint(ui.Bold, "variables") + "\n")
		for _, n := range names {
			fmt.Fprintf(&b, "  %s = %s\n", ui.OneLine(n), compactJSON(v.Variables[n]))
		}
	}
	b.WriteString(p.Paint(ui.Bold, "history") + "\n")
	for _, r := range v.History {
		b.WriteString("  " + recordLine(r) + "\n")
	}
	_, err := fmt.Fprint(f.IO.StyledOut(), b.String())
	return err
}

func newInstanceCancelCmd(f *Factory, g *globalOptions, runF func(context.Context, *keyOptions) error) *cobra.Command {
	o := &keyOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "cancel KEY",
		Short: "Cancel (terminate) a process instance",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := parseKey("instance", args[0])
			if err != nil {
				return err
			}
			o.Key = key
			return orRun(runF, runInstanceCancel)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runInstanceCancel(ctx context.Context, o *keyOptions) error {
	return ack(ctx, o.f, o.g, o.ef, o.Key, "cancelled", fmt.Sprintf("cancelled instance %d", o.Key), nil,
		func(ctx context.Context, c *devclient.Client) error { return c.CancelInstance(ctx, o.Key) })
}
