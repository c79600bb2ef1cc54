package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/trace"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// demoOptions are demo's and demo generate's flag values.
type demoOptions struct {
	f          *Factory
	g          *globalOptions
	Kafka      kafka.Flags
	Orders     int
	Seed       uint64
	Days       int
	Partitions int
	Topic      string
	Split      bool
	File       string
	Limit      int
	Report     string
}

func newDemoCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := &demoOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Trace a generated order history in an in-process Kafka broker, end to end",
		Long: `Start an in-process Kafka broker, write a realistic, deterministic "orders"
history to it (by default 200,000 orders over 30 days on 6 partitions, keyed by
order id, with orders stuck at payment, shipments that time out, double payments
and events for unknown orders), and run 'wfctl trace' with the order model
against it over TCP, printing the report.

'wfctl demo generate' writes such a history to a broker or a file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(cmd.Context(), opts)
		},
	}
	demoFlags(cmd, opts)
	cmd.Flags().IntVar(&opts.Limit, "limit", 10, "rows per table in text output")
	cmd.Flags().StringVar(&opts.Report, "report", "", "also write the self-contained HTML report to FILE (as wfctl trace --report)")
	cmd.AddCommand(newDemoGenerateCmd(f, g), newDemoServeCmd(f, g))
	return withFormats(cmd, "text", "json", "ndjson")
}

func newDemoServeCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := &demoOptions{f: f, g: g}
	var listen string
	cmd := &cobra.Command{
		Use:   "serve [--listen 127.0.0.1:9092]",
		Short: "Run a local broker that holds a generated order history, until interrupted",
		Long: `Start the in-process Kafka broker on --listen, write a generated order history
to it, print a readiness line and serve until Ctrl-C: a history to try
'wfctl trace' on with your own flags, or any Kafka client (kcat, ...).`,
		Example: `  wfctl demo serve --listen 127.0.0.1:9092 &
  wfctl trace -b 127.0.0.1:9092 --topic orders --model fixtures/orders/order-fulfillment.bpmn --as-of last`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemoServe(cmd.Context(), opts, listen)
		},
	}
	demoFlags(cmd, opts)
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:9092", "address to listen on (port 0: any free port)")
	return cmd
}

func runDemoServe(ctx context.Context, opts *demoOptions, listen string) error {
	f := opts.f
	gen, err := opts.generatorOptions()
	if err != nil {
		return err
	}
	b, err := broker.Start(ctx, broker.WithListenAddr(listen))
	if err != nil {
		return &InfraError{Err: err}
	}
	defer b.Close()
	status := func(format string, args ...any) { fmt.Fprintf(f.IO.ErrOut, format+"\n", args...) }
	if err := generateToBroker(ctx, f, kafka.Flags{Brokers: []string{b.Addr()}}, gen, status); err != nil {
		return err
	}
	// The readiness line goes to stdout, alone, so scripts can wait for it.
	fmt.Fprintf(f.IO.Out, "ready %s\n", b.Addr())
	<-ctx.Done()
	return nil
}

func demoFlags(cmd *cobra.Command, opts *demoOptions) {
	d := demo.DefaultOptions()
	fl := cmd.Flags()
	fl.IntVar(&opts.Orders, "orders", d.Orders, "orders to place")
	fl.Uint64Var(&opts.Seed, "seed", d.Seed, "random seed: the same seed gives the same history")
	fl.IntVar(&opts.Days, "days", d.Days, "days the history spans")
	fl.IntVar(&opts.Partitions, "partitions", d.Partitions, "partitions of the topic")
	fl.StringVar(&opts.Topic, "topic", d.Topic, "topic to write")
	fl.BoolVar(&opts.Split, "split", false, "write each service's events to its own topic, as real systems do: orders (3 partitions), payments (4), shipping (2)")
}

func newDemoGenerateCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := &demoOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "generate [-b BROKERS | --file OUT.ndjson]",
		Short: "Write a generated order history to a broker or a kcat -J file",
		Example: `  wfctl demo generate --orders 1000 --file orders.ndjson
  wfctl demo generate -b localhost:9092 --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := refuseTogether(cmd, "the history goes to a file or to a broker", "file", kafkaFlagNames...); err != nil {
				return err
			}
			return runDemoGenerate(cmd.Context(), opts)
		},
	}
	demoFlags(cmd, opts)
	cmd.Flags().StringVar(&opts.File, "file", "", "write kcat -J envelopes to this file (- for stdout) instead of a broker")
	kafka.BindFlags(cmd.Flags(), &opts.Kafka)
	return cmd
}

func (o *demoOptions) generatorOptions() (demo.Options, error) {
	d := demo.DefaultOptions()
	if o.Orders <= 0 || o.Days <= 0 || o.Partitions <= 0 || o.Partitions > 1000 {
		return d, usageErrorf("--orders and --days must be positive, --partitions between 1 and 1000")
	}
	d.Orders, d.Seed, d.Days, d.Partitions, d.Topic = o.Orders, o.Seed, o.Days, o.Partitions, o.Topic
	if o.Split {
		d.Layout = demo.ServicesLayout()
	}
	return d, nil
}

func runDemo(ctx context.Context, opts *demoOptions) error {
	f := opts.f
	gen, err := opts.generatorOptions()
	if err != nil {
		return err
	}
	if err := checkReportPath(f, opts.Report); err != nil {
		return err
	}
	status := func(format string, args ...any) {
		fmt.Fprintf(f.IO.StyledErr(), "%s %s\n", f.IO.PainterErr().Paint(ui.Cyan, "▸"), fmt.Sprintf(format, args...))
	}
	start := time.Now()
	b, err := broker.Start(ctx, broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		return &InfraError{Err: err}
	}
	defer b.Close()
	status("in-process Kafka broker on %s", b.Addr())
	flags := kafka.Flags{Brokers: []string{b.Addr()}}
	if err := generateToBroker(ctx, f, flags, gen, status); err != nil {
		return err
	}
	tr, err := trace.New(trace.Options{Models: []trace.Model{{Path: demo.OrderModelName, Src: demo.OrderModel}}, AsOfLast: true, Parallel: runtime.NumCPU()})
	if err != nil {
		return err
	}
	cfg, cl, err := kafkaClient(ctx, f, flags)
	if err != nil {
		return err
	}
	defer cl.Close()
	progress := f.IO.NewProgress("replaying")
	var topics []string
	for _, tc := range gen.TopicPartitions() {
		topics = append(topics, tc.Topic)
	}
	rep, err := tr.RunKafka(ctx, cl, kafka.History{Topics: topics}, trace.KafkaOptions{Stall: DefaultRequestTimeout}, progress.Update)
	progress.Done()
	if err != nil {
		return kafkaError(kafka.Classify(err, cfg))
	}
	status("traced %s over TCP in %.1fs; the whole demo took %.1fs", ui.Plural(int(rep.Summary.Records), "record"), rep.Summary.ReplaySeconds, time.Since(start).Seconds())
	topts := &traceOptions{f: f, g: opts.g, Limit: opts.Limit}
	title := fmt.Sprintf("wfctl trace · %s on %s · model %s", strings.Join(topics, ", "), b.Addr(), demo.OrderModelName)
	if err := writeTraceReport(topts, rep, title); err != nil {
		return &InfraError{Err: err}
	}
	if err := writeHTMLReport(f, tr, rep, opts.Report, title); err != nil {
		return err
	}
	if opts.g.Output == "text" {
		fmt.Fprintf(f.IO.StyledErr(), "\n%s\n", f.IO.PainterErr().Paint(ui.Faint,
			"Next: 'wfctl demo generate --file orders.ndjson' and 'wfctl trace --file orders.ndjson --model fixtures/orders/order-fulfillment.bpmn --as-of last'"))
	}
	return nil
}

func runDemoGenerate(ctx context.Context, opts *demoOptions) error {
	gen, err := opts.generatorOptions()
	if err != nil {
		return err
	}
	f := opts.f
	status := func(format string, args ...any) {
		fmt.Fprintf(f.IO.StyledErr(), "%s\n", fmt.Sprintf(format, args...))
	}
	if opts.File != "" {
		return generateToFile(f, opts.File, gen, status)
	}
	return generateToBroker(ctx, f, opts.Kafka, gen, status)
}

// generateToBroker creates the topic and produces the history.
func generateToBroker(ctx context.Context, f *Factory, flags kafka.Flags, gen demo.Options, status func(string, ...any)) error {
	t0 := time.Now()
	recs, truth := demo.Generate(gen)
	status("generated %s for %s in %.1fs", ui.Plural(len(recs), "record"), ui.Plural(truth.Orders, "order"), time.Since(t0).Seconds())
	cfg, cl, err := kafkaClient(ctx, f, flags,
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(5*time.Millisecond),
		kgo.ProducerBatchMaxBytes(1<<20), kgo.MaxBufferedRecords(1<<16))
	if err != nil {
		return err
	}
	defer cl.Close()
	var names []string
	for _, tc := range gen.TopicPartitions() {
		parts, err := kafka.EnsureTopic(ctx, cl, cfg, tc.Topic, int32(tc.Partitions))
		if err != nil {
			return kafkaError(err)
		}
		if parts != int32(tc.Partitions) {
			return usageErrorf("topic %s exists with %d partitions, not %d: use another --topic, or --partitions %d", tc.Topic, parts, tc.Partitions, parts)
		}
		names = append(names, fmt.Sprintf("%s (%s)", tc.Topic, ui.Plural(tc.Partitions, "partition")))
	}
	t1 := time.Now()
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = kafkaRecord(r)
	}
	if err := kafka.ProduceAll(ctx, cl, cfg, krs); err != nil {
		return kafkaError(err)
	}
	status("produced them to %s in %.1fs", strings.Join(names, ", "), time.Since(t1).Seconds())
	return nil
}

func generateToFile(f *Factory, path string, gen demo.Options, status func(string, ...any)) error {
	recs, truth := demo.Generate(gen)
	out := f.IO.Out
	if path != validate.Stdin {
		fh, err := os.Create(validate.Resolve(f.WorkDir, path))
		if err != nil {
			return &InfraError{Err: err}
		}
		defer fh.Close()
		out = fh
	}
	w := bufio.NewWriterSize(out, 1<<20)
	ew := kafka.NewEnvelopeWriter(w)
	for _, r := range recs {
		kr := kafkaRecord(r)
		kr.Offset = r.Offset
		if err := ew.Write(kafka.EnvelopeOf(kr)); err != nil {
			return &InfraError{Err: err}
		}
	}
	if err := w.Flush(); err != nil {
		return &InfraError{Err: err}
	}
	if path != validate.Stdin {
		status("wrote %s for %s to %s", ui.Plural(len(recs), "record"), ui.Plural(truth.Orders, "order"), path)
	}
	return nil
}

// kafkaRecord turns a generated record into a franz-go record, headers in
// name order so that output is byte for byte the same every time.
func kafkaRecord(r demo.Record) *kgo.Record {
	kr := &kgo.Record{Topic: r.Topic, Partition: r.Partition, Timestamp: r.Time, Key: []byte(r.Key), Value: r.Value}
	names := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		kr.Headers = append(kr.Headers, kgo.RecordHeader{Key: k, Value: []byte(r.Headers[k])})
	}
	return kr
}
