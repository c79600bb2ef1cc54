package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newInstanceCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "instance",
		Short: "Create, list, show and cancel process instances on a wfctl engine",
	}
	cmd.AddCommand(newInstanceCreateCmd(f, g), newInstanceListCmd(f, g), newInstanceShowCmd(f, g), newInstanceCancelCmd(f, g))
	return cmd
}

func newInstanceCreateCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var vars string
	var version int
	var await bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:     "create PROCESS_ID [--variables JSON|@FILE|@-] [--version N] [--await]",
		Short:   "Start an instance of a deployed process",
		Example: `  wfctl instance create order-fulfillment --variables '{"orderId": "o-1"}' --await`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
				resp, err := do(ctx, c, engine.Command{ValueType: engine.ValueProcessInstanceCreation, Intent: engine.IntentCreate, Key: -1,
					Value: &engine.ProcessInstanceCreationValue{BPMNProcessID: args[0], Version: int32(version), Variables: v}}, args[0])
				if err != nil {
					return err
				}
				created, _, ok := eventValue[*engine.ProcessInstanceCreationValue](resp, engine.ValueProcessInstanceCreation, engine.IntentCreated)
				if !ok {
					return errors.New("the engine answered without a created instance")
				}
				result := map[string]any{"processInstanceKey": created.ProcessInstanceKey, "bpmnProcessId": created.BPMNProcessID, "version": created.Version}
				if await {
					end, err := awaitInstance(ctx, c, created.ProcessInstanceKey, timeout)
					if err != nil {
						return err
					}
					result["state"], result["variables"] = end.state, end.variables
				}
				if g.Output == "json" {
					return writeJSON(f.IO.Out, result)
				}
				fmt.Fprintf(f.IO.Out, "created instance %d of %s version %d\n", created.ProcessInstanceKey, created.BPMNProcessID, created.Version)
				if await {
					fmt.Fprintf(f.IO.Out, "%s; variables %s\n", result["state"], compactJSON(result["variables"]))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	cmd.Flags().IntVar(&version, "version", -1, "process version (default: the latest)")
	cmd.Flags().BoolVar(&await, "await", false, "wait until the instance completes and print its variables")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "with --await, how long to wait")
	ef.bind(cmd)
	return cmd
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

func newInstanceListCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var process, state string
	cmd := &cobra.Command{
		Use:   "list [--process ID] [--state active|completed|incident]",
		Short: "List process instances, from the engine's record stream",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			switch state {
			case "", "active", "completed", "terminated", "incident":
			default:
				return usageErrorf("--state %q: use active, completed, terminated or incident", state)
			}
			ctx := cmd.Context()
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
				rows, err := listInstances(ctx, c)
				if err != nil {
					return err
				}
				var out []instanceRow
				for _, r := range rows {
					if (process == "" || r.ProcessID == process) && (state == "" || r.State == state || (state == "incident" && r.Incidents > 0)) {
						out = append(out, *r)
					}
				}
				return writeInstances(f, g.Output, out)
			})
		},
	}
	cmd.Flags().StringVar(&process, "process", "", "only instances of this process id")
	cmd.Flags().StringVar(&state, "state", "", "only active, completed, terminated, or with an incident")
	ef.bind(cmd)
	return cmd
}

// listInstances scans the record stream for every instance's life.
func listInstances(ctx context.Context, c *devclient.Client) ([]*instanceRow, error) {
	byKey := map[int64]*instanceRow{}
	var order []*instanceRow
	err := c.Records(ctx, false, func(rec engine.Record, _ *kgo.Record) (bool, error) {
		if !rec.IsEvent() {
			return false, nil
		}
		switch v := rec.Value.(type) {
		case *engine.ProcessInstanceValue:
			if v.BPMNElementType != engine.ElementProcess {
				return false, nil
			}
			switch rec.Intent {
			case engine.IntentElementActivating:
				r := &instanceRow{Key: rec.Key, ProcessID: v.BPMNProcessID, Version: v.Version, State: "active", Started: rec.Time()}
				byKey[rec.Key] = r
				order = append(order, r)
			case engine.IntentElementCompleted, engine.IntentElementTerminated:
				if r := byKey[rec.Key]; r != nil {
					r.State, r.Ended = strings.ToLower(strings.TrimPrefix(rec.Intent.String(), "ELEMENT_")), rec.Time()
				}
			}
		case *engine.IncidentValue:
			if r := byKey[v.ProcessInstanceKey]; r != nil {
				if rec.Intent == engine.IntentCreated {
					r.Incidents++
				} else if rec.Intent == engine.IntentResolved {
					r.Incidents--
				}
			}
		}
		return false, nil
	})
	return order, err
}

func writeInstances(f *Factory, output string, rows []instanceRow) error {
	if output == "json" {
		if rows == nil {
			rows = []instanceRow{}
		}
		return writeJSON(f.IO.Out, rows)
	}
	var table [][]string
	for _, r := range rows {
		state := r.State
		if r.Incidents > 0 {
			state += fmt.Sprintf(" (%d incidents)", r.Incidents)
		}
		table = append(table, []string{strconv.FormatInt(r.Key, 10), r.ProcessID, strconv.Itoa(int(r.Version)), state, r.Started.UTC().Format(time.RFC3339)})
	}
	_, err := fmt.Fprint(f.IO.StyledOut(), ui.Table(f.IO.PainterOut(), []string{"KEY", "PROCESS", "VERSION", "STATE", "STARTED"}, table, 2))
	return err
}

func newInstanceShowCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	cmd := &cobra.Command{
		Use:   "show KEY",
		Short: "Show where an instance waits, since when, its variables, incidents and record history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("instance", args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return withEngine(ctx, f, ef, func(c *devclient.Client) error { return showInstance(ctx, f, g, c, key) })
		},
	}
	ef.bind(cmd)
	return cmd
}

// instanceView is show's JSON output.
type instanceView struct {
	Key       int64            `json:"processInstanceKey"`
	ProcessID string           `json:"bpmnProcessId"`
	State     string           `json:"state"`
	Waiting   []waitingElement `json:"waiting"`
	Variables map[string]any   `json:"variables"`
	Incidents []string         `json:"incidents"`
	History   []engine.Record  `json:"history"`
}

type waitingElement struct {
	ElementID   string    `json:"elementId"`
	ElementName string    `json:"elementName"`
	Type        string    `json:"type"`
	Since       time.Time `json:"since"`
	Job         string    `json:"jobType,omitempty"`
}

func showInstance(ctx context.Context, f *Factory, g *globalOptions, c *devclient.Client, key int64) error {
	view := instanceView{Key: key, State: "unknown", Waiting: []waitingElement{}, Incidents: []string{}, Variables: map[string]any{}}
	// An instance that ended is no longer in the engine: its final
	// variables are those its records last set on its root scope.
	final := map[string]any{}
	eng := engine.New(engine.WithoutRecords())
	err := c.Records(ctx, false, func(rec engine.Record, _ *kgo.Record) (bool, error) {
		if rec.IsEvent() {
			if err := eng.Apply(rec); err != nil {
				return false, err
			}
		}
		if instanceKeyOf(rec) == key {
			view.History = append(view.History, rec.Clone())
			if v, ok := rec.Value.(*engine.VariableValue); ok && rec.IsEvent() && v.ScopeKey == key {
				final[v.Name] = v.Value
			}
			if v, ok := rec.Value.(*engine.ProcessInstanceValue); ok && rec.Key == key && rec.IsEvent() {
				view.ProcessID = v.BPMNProcessID
				view.State = strings.ToLower(strings.TrimPrefix(rec.Intent.String(), "ELEMENT_"))
			}
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if view.History == nil {
		return &UsageError{Err: fmt.Errorf("no instance %d in the engine's records", key)}
	}
	if _, ok := eng.Instance(key); ok {
		view.State = "active"
		for _, el := range eng.ActiveElements(key) {
			if el.ElementType == engine.ElementProcess || el.ElementType == engine.ElementSubProcess {
				continue
			}
			view.Waiting = append(view.Waiting, waitingElement{ElementID: el.ElementID, ElementName: el.ElementName, Type: el.ElementType.String(), Since: el.Since, Job: el.JobType})
		}
		if vars := eng.Variables(key); vars != nil {
			view.Variables = vars
		}
		for _, in := range eng.InstanceIncidents(key) {
			view.Incidents = append(view.Incidents, fmt.Sprintf("%s at %s: %s", in.ErrorType, in.ElementID, in.ErrorMessage))
		}
	}
	if view.State != "active" {
		view.Variables = final
	}
	if g.Output == "json" {
		return writeJSON(f.IO.Out, view)
	}
	return writeInstanceView(f, view)
}

func writeInstanceView(f *Factory, v instanceView) error {
	p := f.IO.PainterOut()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d  %s  %s\n", p.Paint(ui.Bold, "instance"), v.Key, v.ProcessID, v.State)
	for _, w := range v.Waiting {
		job := ""
		if w.Job != "" {
			job = "  job " + w.Job
		}
		fmt.Fprintf(&b, "  waiting at %s (%s, %s) since %s%s\n", w.ElementName, w.ElementID, w.Type, w.Since.UTC().Format(time.RFC3339), job)
	}
	if len(v.Variables) > 0 {
		names := make([]string, 0, len(v.Variables))
		for n := range v.Variables {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString(p.Paint(ui.Bold, "variables") + "\n")
		for _, n := range names {
			fmt.Fprintf(&b, "  %s = %s\n", n, compactJSON(v.Variables[n]))
		}
	}
	for _, in := range v.Incidents {
		fmt.Fprintf(&b, "%s %s\n", p.Paint(ui.BoldRed, "incident"), in)
	}
	b.WriteString(p.Paint(ui.Bold, "history") + "\n")
	for _, r := range v.History {
		b.WriteString("  " + recordLine(r) + "\n")
	}
	_, err := fmt.Fprint(f.IO.StyledOut(), b.String())
	return err
}

func newInstanceCancelCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	cmd := &cobra.Command{
		Use:   "cancel KEY",
		Short: "Cancel (terminate) a process instance",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			key, err := parseKey("instance", args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return sendAndAck(ctx, f, g, ef, engine.Command{ValueType: engine.ValueProcessInstance, Intent: engine.IntentCancel, Key: key,
				Value: &engine.ProcessInstanceValue{}}, "cancelled", fmt.Sprintf("cancelled instance %d", key), nil)
		},
	}
	ef.bind(cmd)
	return cmd
}
