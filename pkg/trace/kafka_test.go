package trace

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// testBroker is a real broker in process, over TCP.
type testBroker struct {
	b   *broker.Broker
	cfg *kafka.Config
	cl  *kgo.Client
}

func startBroker(t testing.TB, opts ...broker.Option) *testBroker {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Start(ctx, append([]broker.Option{broker.WithListenAddr("127.0.0.1:0")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	cfg := &kafka.Config{Brokers: []string{b.Addr()}, DialTimeout: 3 * time.Second}
	cl, err := kafka.NewClient(ctx, cfg, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &testBroker{b: b, cfg: cfg, cl: cl}
}

// produce writes a generated history to its topics.
func (tb *testBroker) produce(t testing.TB, o demo.Options, recs []demo.Record) []string {
	t.Helper()
	ctx := context.Background()
	var topics []string
	for _, tc := range o.TopicPartitions() {
		if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, tc.Topic, int32(tc.Partitions)); err != nil {
			t.Fatal(err)
		}
		topics = append(topics, tc.Topic)
	}
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = kafkaRecord(r)
	}
	if err := kafka.ProduceAll(ctx, tb.cl, tb.cfg, krs); err != nil {
		t.Fatal(err)
	}
	return topics
}

// reader is a client of its own for a trace: the producing client's
// cached metadata may predate the topics it created.
func (tb *testBroker) reader(t testing.TB) *kgo.Client {
	t.Helper()
	cl, err := kafka.NewClient(context.Background(), tb.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func (tb *testBroker) trace(t testing.TB, tr *Tracer, topics ...string) *Report {
	t.Helper()
	rep, err := tr.RunKafka(context.Background(), tb.reader(t), kafka.History{Topics: topics}, KafkaOptions{Stall: 30 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestLayoutInvariance: one generated history, laid out as one topic or
// as three topics with 3, 4 and 2 partitions, read from files in time
// order, partition after partition, or shuffled, or from a broker over
// TCP, with 1 or 8 engines, gives one report: byte for byte within a
// layout, and, but for where records were, across layouts, equal to what
// the generator knows the history holds. As of two days after the last
// record, so that timers due after every partition's last record fire.
func TestLayoutInvariance(t *testing.T) {
	o := demo.DefaultOptions()
	o.Orders = 20000
	o.AsOf = o.End.Add(48 * time.Hour)
	var first string
	for _, layout := range []*demo.Layout{nil, demo.ServicesLayout()} {
		o.Layout = layout
		recs, truth := demo.Generate(o)
		ref := traceFile(t, orderTracer(t, 1, o.AsOf), historyFile(t, recs, inTimeOrder, 0))
		checkTruth(t, ref, truth)
		lateTimers := 0
		for _, in := range ref.TimedOut {
			if in.WaitingSince.Add(time.Duration(in.AgeSeconds) * time.Second).After(o.End) {
				lateTimers++
			}
		}
		if lateTimers == 0 {
			t.Errorf("no timer fell due after the last record: the test does not test that")
		}
		want := reportJSON(t, ref)
		variants := map[string]*Report{
			"file in time order, 8 engines":     traceFile(t, orderTracer(t, 8, o.AsOf), historyFile(t, recs, inTimeOrder, 0)),
			"file partition after partition, 1": traceFile(t, orderTracer(t, 1, o.AsOf), historyFile(t, recs, partitionByPart, 0)),
			"file partition after partition, 8": traceFile(t, orderTracer(t, 8, o.AsOf), historyFile(t, recs, partitionByPart, 0)),
			"file shuffled, 3 engines":          traceFile(t, orderTracer(t, 3, o.AsOf), historyFile(t, recs, shuffled, 1)),
		}
		tb := startBroker(t)
		topics := tb.produce(t, o, recs)
		variants["broker over TCP, 1 engine"] = tb.trace(t, orderTracer(t, 1, o.AsOf), topics...)
		variants["broker over TCP, 8 engines"] = tb.trace(t, orderTracer(t, 8, o.AsOf), topics...)
		for name, rep := range variants {
			if got := reportJSON(t, rep); got != want {
				t.Errorf("layout %v, %s: the report differs from the file in time order with one engine: %s", layout != nil, name, diff(want, got))
			}
		}
		if first == "" {
			first = layoutFree(t, ref)
		} else if got := layoutFree(t, ref); got != first {
			t.Errorf("three topics and one topic give different reports: %s", diff(first, got))
		}
	}
}
