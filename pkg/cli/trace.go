package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/trace"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// traceOptions are trace's dependencies and flag values.
type traceOptions struct {
	f          *Factory
	g          *globalOptions
	Kafka      kafka.Flags
	Topics     []string
	TopicRegex string
	Models     []string
	From, To   string
	File       string
	Follow     bool
	Name       string
	Key        string
	AsOf       string
	StallAfter []string
	Limit      int
	FailOn     []string
}

func newTraceCmd(f *Factory, g *globalOptions, runF func(context.Context, *traceOptions) error) *cobra.Command {
	opts := &traceOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "trace --topic TOPIC --model MODEL.bpmn [-b BROKERS | --file EVENTS.ndjson]",
		Short: "Replay a topic's history through the engine and show which instances stalled",
		Long: `Replay a Kafka topic's history through the embedded engine, with your BPMN
model attached, and report which process instances stalled (where, since when),
which took a timer boundary's timeout path, and which records fit no instance.

Each record becomes a message: its name from the CloudEvents header ce_type, else
the JSON field "type" (or --name); its correlation key from the model's own
zeebe:subscription correlationKey expression evaluated on the record's JSON (or
--correlation-key); its timestamp as the engine's clock, so timers fire in
replayed time. History is read from --from up to the end offsets taken when the
command starts (or --to).

An instance is stalled when the element it waits at longest has waited past its
threshold as of --as-of: --stall-after ELEMENT_ID=DURATION, else the duration of
a timer boundary event attached to the element, else --stall-after DURATION
(default 24h).`,
		Example: `  wfctl trace --topic orders --model order.bpmn -b localhost:9092
  wfctl trace --topic orders --model order.bpmn --from -7d --as-of last
  wfctl trace --topic-regex '^orders\.' --model order.bpmn -o json
  wfctl trace --file events.ndjson --model order.bpmn --stall-after AwaitShipment=48h
  wfctl trace --topic orders --model order.bpmn --fail-on stalled,unfit   # for CI and cron`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json", "ndjson"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTrace(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Topics, "topic", nil, "topic to replay (repeatable)")
	fl.StringVar(&opts.TopicRegex, "topic-regex", "", "replay every topic whose name matches this regular expression")
	fl.StringArrayVarP(&opts.Models, "model", "m", nil, "BPMN model(s) to trace with (repeatable; required)")
	fl.StringVar(&opts.From, "from", "beginning", "start: beginning, end, an offset (negative: from the end), RFC 3339 time, s@UNIX_MS, or -7d")
	fl.StringVar(&opts.To, "to", "end", "stop before: the same forms as --from")
	fl.StringVar(&opts.File, "file", "", "read records from a kcat -J file (- for stdin) instead of a broker")
	fl.BoolVar(&opts.Follow, "follow", false, "after the history, keep reading and report instances as they stall")
	fl.StringVar(&opts.Name, "name", "", "message name from header:NAME, json:PATH or key (default: ce_type header, else JSON \"type\")")
	fl.StringVar(&opts.Key, "correlation-key", "", "correlation key from json:PATH or key (default: the model's correlationKey expressions)")
	fl.StringVar(&opts.AsOf, "as-of", "", "\"now\" for stall ages: RFC 3339, or last (the newest record); default the wall clock")
	fl.StringArrayVar(&opts.StallAfter, "stall-after", nil, "stall threshold: DURATION (default 24h) or ELEMENT_ID=DURATION (repeatable)")
	fl.IntVar(&opts.Limit, "limit", 10, "rows per table in text output")
	fl.StringSliceVar(&opts.FailOn, "fail-on", nil, "exit 1 when any are found: stalled, timed-out, unfit")
	kafka.BindFlags(fl, &opts.Kafka)
	return cmd
}

func runTrace(ctx context.Context, opts *traceOptions) error {
	topts, err := traceSettings(opts)
	if err != nil {
		return err
	}
	tr, err := trace.New(topts)
	if err != nil {
		return traceModelError(err)
	}
	if opts.Follow {
		return followTrace(ctx, opts, tr)
	}
	rep, err := replayHistory(ctx, opts, tr)
	if err != nil {
		return err
	}
	if err := writeTraceReport(opts, rep, traceTitle(opts)); err != nil {
		return &InfraError{Err: err}
	}
	return failOn(opts.FailOn, rep)
}

// traceSettings turns flags into trace options, reading the models.
func traceSettings(opts *traceOptions) (trace.Options, error) {
	f := opts.f
	var t trace.Options
	if len(opts.Models) == 0 {
		return t, usageErrorf("--model is required: the BPMN model that says how instances should flow")
	}
	if opts.File == "" && len(opts.Topics) == 0 && opts.TopicRegex == "" {
		return t, usageErrorf("say what to replay: --topic (or --topic-regex) with a broker, or --file")
	}
	for _, m := range opts.Models {
		src, err := os.ReadFile(validate.Resolve(f.WorkDir, m))
		if errors.Is(err, os.ErrNotExist) {
			return t, usageErrorf("--model %s: no such file", m)
		}
		if err != nil {
			return t, &InfraError{Err: err}
		}
		t.Models = append(t.Models, trace.Model{Path: m, Src: src})
	}
	var err error
	if t.Name, err = optionalSource(opts.Name, "--name"); err != nil {
		return t, err
	}
	if t.CorrelationKey, err = optionalSource(opts.Key, "--correlation-key"); err != nil {
		return t, err
	}
	if t.CorrelationKey != nil && t.CorrelationKey.Kind == "header" {
		return t, usageErrorf("--correlation-key: use json:PATH or key")
	}
	switch opts.AsOf {
	case "":
		t.AsOf = f.Now()
	case "last":
		t.AsOfLast = true
	default:
		if t.AsOf, err = time.Parse(time.RFC3339, opts.AsOf); err != nil {
			return t, usageErrorf("--as-of %q: use an RFC 3339 time (2026-11-01T12:00:00Z) or last", opts.AsOf)
		}
	}
	t.StallAfterElement = map[string]time.Duration{}
	for _, s := range opts.StallAfter {
		id, d, hasID := strings.Cut(s, "=")
		if !hasID {
			id, d = "", s
		}
		dur, err := trace.ParseDuration(d)
		if err != nil {
			return t, usageErrorf("--stall-after %s: %v", s, err)
		}
		if hasID {
			t.StallAfterElement[id] = dur
		} else {
			t.StallAfter = dur
		}
	}
	for _, k := range opts.FailOn {
		if k != "stalled" && k != "unfit" && k != "timed-out" {
			return t, usageErrorf("--fail-on %q: use stalled, timed-out or unfit", k)
		}
	}
	return t, nil
}

func optionalSource(s, flag string) (*trace.Source, error) {
	if s == "" {
		return nil, nil
	}
	src, err := trace.ParseSource(s)
	if err != nil {
		return nil, usageErrorf("%s %v", flag, err)
	}
	return &src, nil
}

// traceModelError reports a model that cannot be traced as input error.
func traceModelError(err error) error {
	var pe *bpmn.ParseError
	var de *trace.DeployError
	if errors.As(err, &pe) || errors.As(err, &de) {
		return &UsageError{Err: err}
	}
	return &UsageError{Err: err}
}

// replayHistory reads the records from the broker or the file.
func replayHistory(ctx context.Context, opts *traceOptions, tr *trace.Tracer) (*trace.Report, error) {
	f := opts.f
	warn := func(format string, args ...any) {
		fmt.Fprintf(f.IO.StyledErr(), "%s %s\n", f.IO.PainterErr().Paint(ui.Yellow, "warning:"), fmt.Sprintf(format, args...))
	}
	progress := f.IO.NewProgress("replaying")
	defer progress.Done()
	if opts.File != "" {
		open := func() (io.ReadCloser, error) {
			if opts.File == validate.Stdin {
				return io.NopCloser(f.IO.In), nil
			}
			fh, err := os.Open(validate.Resolve(f.WorkDir, opts.File))
			if errors.Is(err, os.ErrNotExist) {
				return nil, usageErrorf("--file %s: no such file", opts.File)
			}
			if err != nil {
				return nil, &InfraError{Err: err}
			}
			return fh, nil
		}
		return tr.RunFile(open, opts.File, progress.Update, warn)
	}
	cfg, cl, err := kafkaClient(ctx, f, opts.Kafka)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	h, err := historyOf(opts, f.Now())
	if err != nil {
		return nil, err
	}
	rep, err := tr.RunKafka(ctx, cl, h, progress.Update, warn)
	if err != nil {
		return nil, kafkaError(kafka.Classify(err, cfg))
	}
	return rep, nil
}

func historyOf(opts *traceOptions, now time.Time) (kafka.History, error) {
	h := kafka.History{Topics: opts.Topics, Follow: opts.Follow}
	if opts.TopicRegex != "" {
		re, err := regexp.Compile(opts.TopicRegex)
		if err != nil {
			return h, usageErrorf("--topic-regex: %v", err)
		}
		h.Pattern = re
	}
	var err error
	if h.From, err = kafka.ParsePosition(opts.From, now); err != nil {
		return h, usageErrorf("--from: %v", err)
	}
	if h.To, err = kafka.ParsePosition(opts.To, now); err != nil {
		return h, usageErrorf("--to: %v", err)
	}
	return h, nil
}

func traceTitle(opts *traceOptions) string {
	src := opts.File
	if src == "" {
		src = strings.Join(opts.Topics, ", ")
		if opts.TopicRegex != "" {
			src = "topics matching " + opts.TopicRegex
		}
	}
	return "wfctl trace · " + src + " · " + strings.Join(opts.Models, ", ")
}

func writeTraceReport(opts *traceOptions, rep *trace.Report, title string) error {
	f := opts.f
	switch opts.g.Output {
	case "json":
		return rep.WriteJSON(f.IO.Out)
	case "ndjson":
		return rep.WriteNDJSON(f.IO.Out)
	}
	return rep.WriteText(f.IO.StyledOut(), f.IO.PainterOut(), title, opts.Limit)
}

// failOn exits 1 when the report has what --fail-on names.
func failOn(kinds []string, rep *trace.Report) error {
	for _, k := range kinds {
		if (k == "stalled" && rep.Summary.Stalled > 0) || (k == "unfit" && rep.Summary.Unfit > 0) ||
			(k == "timed-out" && rep.Summary.TimedOut > 0) {
			return &ExitError{Code: ExitFindings}
		}
	}
	return nil
}

// followTrace reports the history, then instances as they stall, until
// interrupted.
func followTrace(ctx context.Context, opts *traceOptions, tr *trace.Tracer) error {
	f := opts.f
	if opts.File != "" {
		return usageErrorf("--follow reads a broker, not a --file")
	}
	cfg, cl, err := kafkaClient(ctx, f, opts.Kafka)
	if err != nil {
		return err
	}
	defer cl.Close()
	h, err := historyOf(opts, f.Now())
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f.IO.Out)
	enc.SetEscapeHTML(false)
	paint := f.IO.PainterOut()
	event := func(kind string, in trace.Instance) {
		if opts.g.Output != "text" {
			_ = enc.Encode(struct {
				Event string `json:"event"`
				trace.Instance
			}{kind, in})
			return
		}
		fmt.Fprintf(f.IO.StyledOut(), "%s  %s  %s  since %s  (last %s)\n", paint.Paint(ui.BoldRed, kind), in.CorrelationKey,
			in.ElementName+" ("+in.ElementID+")", in.WaitingSince.UTC().Format(time.RFC3339), in.LastRecord)
	}
	progress := f.IO.NewProgress("replaying")
	err = tr.Follow(ctx, cl, h, trace.FollowHandlers{
		CaughtUp: func(rep *trace.Report) {
			progress.Done()
			if err := writeTraceReport(opts, rep, traceTitle(opts)); err == nil && opts.g.Output == "text" {
				fmt.Fprintln(f.IO.StyledErr(), f.IO.PainterErr().Paint(ui.Faint, "\nfollowing: instances appear below as they stall (Ctrl-C to stop)"))
			}
		},
		Stalled:  func(in trace.Instance) { event("stalled", in) },
		TimedOut: func(in trace.Instance) { event("timed-out", in) },
		Now:      f.Now,
	}, progress.Update)
	if err != nil && !errors.Is(err, context.Canceled) {
		return kafkaError(kafka.Classify(err, cfg))
	}
	return nil
}
