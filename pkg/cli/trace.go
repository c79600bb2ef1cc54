package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/duration"
	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/trace"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// traceOptions are trace's dependencies and flag values.
type traceOptions struct {
	f              *Factory
	g              *globalOptions
	Kafka          kafka.Flags
	Topics         []string
	TopicRegex     string
	Models         []string
	From, To       string
	File           string
	Follow         bool
	Name           string
	Key            string
	TimeField      string
	AsOf           string
	StallAfter     []string
	Limit          int
	Report         string
	FailOn         []string
	Parallel       int
	IdleAfter      time.Duration
	RequestTimeout time.Duration
	Group          groupFlags
	// requestTimeoutSet tells an explicit --request-timeout from the
	// default, which -X request.timeout.ms overrides.
	requestTimeoutSet bool
}

// DefaultRequestTimeout is how long trace waits for brokers that do not
// answer before it gives up (exit 3).
const DefaultRequestTimeout = 30 * time.Second

func newTraceCmd(f *Factory, g *globalOptions, runF func(context.Context, *traceOptions) error) *cobra.Command {
	opts := &traceOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "trace --topic TOPIC --model MODEL.bpmn [-b BROKERS | --file EVENTS.ndjson]",
		Short: "Replay topics' history through the engine and show which instances stalled",
		Long: `Replay Kafka topics' history through the embedded engine, with your BPMN model
attached, and report which process instances stalled (where, since when), which
took a timer boundary's timeout path, and which records fit no instance.

Each record becomes a message: its name from the CloudEvents header ce_type, else
the JSON field "type" (or --name); its correlation key from the model's own
zeebe:subscription correlationKey expression evaluated on the record's JSON (or
--correlation-key); its event time from the record's timestamp (or --time-field).

Event time is the one clock: records of every topic and partition are replayed in
event-time order (ties: topic, partition, offset), so an order's events meet its
instance whichever topics they are on. Instances are spread over --parallel
engines by correlation key; a model that correlates messages by different keys
runs on one engine. At the end every engine's clock moves to --as-of, so every
timer due by then has fired.

An instance is stalled when the element it waits at longest has waited past its
threshold as of --as-of: --stall-after ELEMENT_ID=DURATION, else the duration of
a timer boundary event attached to the element, else --stall-after DURATION
(default 24h).`,
		Example: `  wfctl trace --topic orders --topic payments --topic shipping --model order.bpmn -b localhost:9092
  wfctl trace --topic-regex '^shop\.' --model order.bpmn --from -7d --as-of last
  wfctl trace --topic orders --model order.bpmn --time-field json:occurredAt -o json
  wfctl trace --file events.ndjson --model order.bpmn --stall-after AwaitShipment=48h
  wfctl trace --topic orders --model order.bpmn --fail-on stalled,unfit   # for CI and cron
  wfctl trace --file events.ndjson --model order.bpmn --report trace.html  # the diagram, painted`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := refuseTogether(cmd, "records are read from a file or from brokers", "file", append(append(kafkaFlagNames, "follow", "request-timeout", "idle-after"), groupFlagNames...)...); err != nil {
				return err
			}
			if !cmd.Flags().Changed("group") {
				for _, name := range groupFlagNames[1:] {
					if cmd.Flags().Changed(name) {
						return usageErrorf("--%s works with --follow --group only", name)
					}
				}
			}
			opts.requestTimeoutSet = cmd.Flags().Changed("request-timeout")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTrace(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Topics, "topic", nil, "topic to replay (repeatable); with --file, only these topics of the file")
	fl.StringVar(&opts.TopicRegex, "topic-regex", "", "replay every topic whose name matches this regular expression")
	fl.StringArrayVarP(&opts.Models, "model", "m", nil, "BPMN model to trace with (repeatable; required)")
	fl.StringVar(&opts.From, "from", "beginning", "start: beginning, end, an offset (negative: from the end), RFC 3339 time, s@UNIX_MS, or -7d")
	fl.StringVar(&opts.To, "to", "end", "stop before: the same forms as --from")
	fl.StringVar(&opts.File, "file", "", "read records from a kcat -J file (- for stdin) instead of a broker, in any line order")
	fl.BoolVar(&opts.Follow, "follow", false, "after the history, keep reading and report instances as they stall")
	fl.StringVar(&opts.Name, "name", "", "message name from header:NAME, json:PATH or key (default: ce_type header, else JSON \"type\")")
	fl.StringVar(&opts.Key, "correlation-key", "", "correlation key from json:PATH or key (default: the model's correlationKey expressions)")
	fl.StringVar(&opts.TimeField, "time-field", "", "event time from json:PATH or header:NAME, RFC 3339 or Unix ms (default: the record timestamp)")
	fl.StringVar(&opts.AsOf, "as-of", "", "\"now\" for timers and stall ages: RFC 3339, or last (the newest record); default the wall clock")
	fl.StringArrayVar(&opts.StallAfter, "stall-after", nil, "stall threshold: DURATION (default 24h) or ELEMENT_ID=DURATION (repeatable)")
	fl.IntVar(&opts.Limit, "limit", 10, "rows per table in text output; 0: the summary only, -1: every row")
	fl.StringVar(&opts.Report, "report", "", "also write a self-contained HTML report to FILE: the diagram with the trace painted on it")
	fl.StringSliceVar(&opts.FailOn, "fail-on", nil, "exit 1 when any are found: stalled, timed-out, unfit")
	fl.IntVar(&opts.Parallel, "parallel", runtime.NumCPU(), "engines to spread instances over, by correlation key")
	durationFlag(fl, &opts.IdleAfter, "idle-after", 5*time.Second, "with --follow: a partition with nothing new for this long stops holding back the others")
	durationFlag(fl, &opts.RequestTimeout, "request-timeout", DefaultRequestTimeout, "give up (exit 3) when brokers do not answer for this long (or -X request.timeout.ms)")
	bindGroupFlags(fl, &opts.Group)
	kafka.BindFlags(fl, &opts.Kafka)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runTrace(ctx context.Context, opts *traceOptions) error {
	topts, err := traceSettings(opts)
	if err != nil {
		return err
	}
	if err := checkReportPath(opts.f, opts.Report); err != nil {
		return err
	}
	if topts.Lint, err = checkTraceModels(opts); err != nil {
		return err
	}
	tr, err := trace.New(topts)
	if err != nil {
		return &UsageError{Err: err} // a model that cannot be traced; the error says why
	}
	if err := checkStallIDs(opts, tr); err != nil {
		return err
	}
	if _, why := tr.Engines(); why != "" {
		traceWarn(opts.f)("one engine instead of %d: %s", opts.Parallel, why)
	}
	if opts.Group.Group != "" {
		return groupTrace(ctx, opts, tr)
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
	if err := writeHTMLReport(opts.f, tr, rep, opts.Report, traceTitle(opts)); err != nil {
		return err
	}
	return failOn(opts.FailOn, rep)
}

// checkReportPath refuses, before a long replay, a --report whose folder
// does not exist.
func checkReportPath(f *Factory, path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(validate.Resolve(f.WorkDir, path))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErrorf("--report %s: no folder %s to write it in", path, filepath.Dir(path))
	}
	return nil
}

// writeHTMLReport writes --report's page, when asked for.
func writeHTMLReport(f *Factory, tr *trace.Tracer, rep *trace.Report, path, title string) error {
	if path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := tr.WriteHTML(&buf, rep, title); err != nil {
		return &InfraError{Err: fmt.Errorf("--report %s: %w", path, err)}
	}
	if err := os.WriteFile(validate.Resolve(f.WorkDir, path), buf.Bytes(), 0o644); err != nil {
		return &InfraError{Err: fmt.Errorf("--report: %w", err)}
	}
	fmt.Fprintf(f.IO.StyledErr(), "wrote %s (%.1f KiB)\n", path, float64(buf.Len())/1024)
	return nil
}

func traceWarn(f *Factory) trace.Warnf { return f.IO.Warnf }

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
	if opts.Limit < -1 {
		return t, usageErrorf("--limit %d: give the rows per table, 0 for the summary only, or -1 for every row", opts.Limit)
	}
	if opts.Parallel < 1 || opts.Parallel > 1024 {
		return t, usageErrorf("--parallel %d: give between 1 and 1024 engines", opts.Parallel)
	}
	if opts.Follow && opts.AsOf != "" {
		return t, usageErrorf("--as-of cannot be combined with --follow, which reports as of now and then live")
	}
	if opts.IdleAfter <= 0 || opts.RequestTimeout <= 0 {
		return t, usageErrorf("--idle-after and --request-timeout must be positive")
	}
	t.Parallel = opts.Parallel
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
	if t.Mapping.Name, err = optionalSource(opts.Name, "--name"); err != nil {
		return t, err
	}
	if t.Mapping.CorrelationKey, err = optionalSource(opts.Key, "--correlation-key"); err != nil {
		return t, err
	}
	if k := t.Mapping.CorrelationKey; k != nil && k.Kind == "header" {
		return t, usageErrorf("--correlation-key: use json:PATH or key")
	}
	if t.Mapping.EventTime, err = optionalSource(opts.TimeField, "--time-field"); err != nil {
		return t, err
	}
	if k := t.Mapping.EventTime; k != nil && k.Kind == "key" {
		return t, usageErrorf("--time-field: use json:PATH or header:NAME")
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
	if err := stallSettings(opts, &t); err != nil {
		return t, err
	}
	for _, k := range opts.FailOn {
		if k != "stalled" && k != "unfit" && k != "timed-out" {
			return t, usageErrorf("--fail-on %q: use stalled, timed-out or unfit", k)
		}
	}
	return t, nil
}

func stallSettings(opts *traceOptions, t *trace.Options) error {
	t.StallAfterElement = map[string]time.Duration{}
	for _, s := range opts.StallAfter {
		id, d, hasID := strings.Cut(s, "=")
		if !hasID {
			id, d = "", s
		}
		dur, err := duration.Parse(d)
		if err != nil {
			return usageErrorf("--stall-after %s: %v", s, err)
		}
		if dur <= 0 {
			return usageErrorf("--stall-after %s: the threshold must be positive", s)
		}
		if hasID {
			t.StallAfterElement[id] = dur
		} else {
			t.StallAfter = dur
		}
	}
	return nil
}

// checkStallIDs refuses a --stall-after for an element the models do
// not have, or where no instance can wait.
func checkStallIDs(opts *traceOptions, tr *trace.Tracer) error {
	ids := tr.WaitingElements()
	for _, s := range opts.StallAfter {
		id, _, hasID := strings.Cut(s, "=")
		if hasID && !slices.Contains(ids, id) {
			return usageErrorf("--stall-after %s: the model has no element %q where an instance can wait; its waiting elements are: %s", s, id, strings.Join(ids, ", "))
		}
	}
	return nil
}

func optionalSource(s, flag string) (*correlate.Source, error) {
	if s == "" {
		return nil, nil
	}
	src, err := correlate.ParseSource(s)
	if err != nil {
		return nil, usageErrorf("%s %v", flag, err)
	}
	return &src, nil
}

// checkTraceModels validates the models as `wfctl validate` does, with
// the nearest .bpmnlintrc, and refuses, with the validator's diagnostics
// (file:line:col), a model the engine cannot run; style findings do not
// matter to a trace and are not shown.
func checkTraceModels(opts *traceOptions) (*lint.Config, error) {
	f := opts.f
	cfg, err := loadLintConfig(f, "")
	if err != nil {
		return nil, err
	}
	res, err := validate.Run(validate.Options{Dir: f.WorkDir, Files: opts.Models, Config: cfg})
	if err != nil {
		return nil, &InfraError{Err: err}
	}
	blocking := 0
	for _, file := range res.Files {
		kept := file.Problems[:0]
		for _, p := range file.Problems {
			if p.Severity == lint.Error && validate.IsEngineRule(p.Rule) {
				kept = append(kept, p)
				blocking++
			}
		}
		file.Problems = kept
	}
	if blocking == 0 {
		return cfg, nil
	}
	_ = validate.Write(f.IO.StyledErr(), "text", res, f.Build.Version, f.IO.PainterErr())
	return nil, usageErrorf("the engine cannot run the model: %s above; 'wfctl validate' shows them too", ui.Plural(blocking, "problem"))
}

// requestTimeout is --request-timeout, unless only -X request.timeout.ms
// says otherwise.
func requestTimeout(opts *traceOptions, cfg *kafka.Config) time.Duration {
	if !opts.requestTimeoutSet && cfg.RequestTimeout > 0 {
		return cfg.RequestTimeout
	}
	return opts.RequestTimeout
}

// replayHistory reads the records from the brokers or the file.
func replayHistory(ctx context.Context, opts *traceOptions, tr *trace.Tracer) (*trace.Report, error) {
	f := opts.f
	progress := f.IO.NewProgress("replaying")
	defer progress.Done()
	h, err := historyOf(opts, f.Now())
	if err != nil {
		return nil, err
	}
	if opts.File != "" {
		return replayFile(ctx, opts, tr, h, progress)
	}
	cfg, cl, err := kafkaClient(ctx, f, opts.Kafka)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	rep, err := tr.RunKafka(ctx, cl, h, trace.KafkaOptions{Stall: requestTimeout(opts, cfg)}, progress.Update)
	if err != nil {
		return nil, kafkaError(kafka.Classify(err, cfg))
	}
	return rep, nil
}

// replayFile replays a kcat -J file, or standard input spooled to a
// temporary file (a file is read twice, in any line order).
func replayFile(ctx context.Context, opts *traceOptions, tr *trace.Tracer, h kafka.History, progress *ui.Progress) (*trace.Report, error) {
	f := opts.f
	var fh *os.File
	var size int64
	if opts.File == validate.Stdin {
		spool, n, err := trace.Spool(f.IO.In)
		if err != nil {
			return nil, &InfraError{Err: fmt.Errorf("reading standard input: %w", err)}
		}
		defer os.Remove(spool.Name())
		fh, size = spool, n
	} else {
		var err error
		fh, err = os.Open(validate.Resolve(f.WorkDir, opts.File))
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageErrorf("--file %s: no such file", opts.File)
		}
		if err != nil {
			return nil, &InfraError{Err: err}
		}
		st, err := fh.Stat()
		if err != nil {
			fh.Close()
			return nil, &InfraError{Err: err}
		}
		size = st.Size()
	}
	defer fh.Close()
	fo := trace.FileOptions{Topics: h.Topics, Pattern: h.Pattern, From: h.From, To: h.To}
	rep, err := tr.RunFile(ctx, fh, size, opts.File, fo, progress.Update, traceWarn(f))
	if err != nil {
		return nil, &InfraError{Err: err}
	}
	return rep, nil
}

func historyOf(opts *traceOptions, now time.Time) (kafka.History, error) {
	h := kafka.History{Topics: opts.Topics, Follow: opts.Follow}
	if opts.TopicRegex != "" {
		if len(opts.Topics) > 0 {
			return h, usageErrorf("give --topic or --topic-regex, not both")
		}
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
	if opts.g.Output == "ndjson" { // the stalled instances, one per line
		return writeNDJSON(f.IO.Out, nonNilRows(rep.Stalled))
	}
	return writeResult(f, opts.g, rep, func() error {
		return rep.WriteText(f.IO.StyledOut(), f.IO.PainterOut(), title, opts.Limit, rangeNote(opts))
	})
}

// rangeNote says what was read, for a report of no records.
func rangeNote(opts *traceOptions) string {
	var parts []string
	if opts.From != "" && opts.From != "beginning" {
		parts = append(parts, "--from "+opts.From)
	}
	if opts.To != "" && opts.To != "end" {
		parts = append(parts, "--to "+opts.To)
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
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
		return usageErrorf("--follow reads brokers, not a --file")
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
	paint := f.IO.PainterOut()
	event := func(kind string, in trace.Instance) {
		if opts.g.Output != "text" { // a JSON line, schema_version first
			_ = writeLine(f.IO.Out, struct {
				Event string `json:"event"`
				trace.Instance
			}{kind, in})
			return
		}
		fmt.Fprintf(f.IO.StyledOut(), "%s  %s  %s  since %s  (last %s)\n", paint.Paint(ui.BoldRed, kind), ui.OneLine(in.CorrelationKey),
			ui.OneLine(in.ElementName)+" ("+in.ElementID+")", in.WaitingSince.UTC().Format(time.RFC3339), in.LastRecord)
	}
	progress := f.IO.NewProgress("replaying")
	o := trace.FollowOptions{KafkaOptions: trace.KafkaOptions{Stall: requestTimeout(opts, cfg)}, IdleAfter: opts.IdleAfter, Now: f.Now}
	err = tr.Follow(ctx, cl, h, o, trace.FollowHandlers{
		CaughtUp: func(rep *trace.Report) {
			progress.Done()
			if err := writeTraceReport(opts, rep, traceTitle(opts)); err == nil && opts.g.Output == "text" {
				fmt.Fprintln(f.IO.StyledErr(), f.IO.PainterErr().Paint(ui.Faint, "\nfollowing: instances appear below as they stall (Ctrl-C to stop)"))
			}
		},
		Stalled:  func(in trace.Instance) { event("stalled", in) },
		TimedOut: func(in trace.Instance) { event("timed-out", in) },
	}, progress.Update)
	if err != nil && !errors.Is(err, context.Canceled) {
		return kafkaError(kafka.Classify(err, cfg))
	}
	return nil
}
