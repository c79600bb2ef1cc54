package trace

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// TestTraceFromBrokerEqualsFile writes a generated history to a real
// (in-process) broker over TCP on 6 partitions, traces it, and checks
// the report against what the history holds by construction, and
// against the same history read from a kcat -J file.
func TestTraceFromBrokerEqualsFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o := demo.DefaultOptions()
	o.Orders = 20000
	recs, truth := demo.Generate(o)

	b, err := broker.Start(ctx, broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := &kafka.Config{Brokers: []string{b.Addr()}, DialTimeout: 3 * time.Second}
	cl, err := kafka.NewClient(ctx, cfg, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kafka.EnsureTopic(ctx, cl, cfg, "orders", 6); err != nil {
		t.Fatal(err)
	}
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = &kgo.Record{Topic: r.Topic, Partition: r.Partition, Timestamp: r.Time, Key: []byte(r.Key), Value: r.Value}
		names := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			krs[i].Headers = append(krs[i].Headers, kgo.RecordHeader{Key: k, Value: []byte(r.Headers[k])})
		}
	}
	if err := kafka.ProduceAll(ctx, cl, cfg, krs); err != nil {
		t.Fatal(err)
	}

	fromBroker, err := orderTracer(t).RunKafka(ctx, cl, kafka.History{Topics: []string{"orders"}}, nil, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	checkTruth(t, fromBroker, truth)

	file, _ := historyFile(t, o)
	fromFile, err := orderTracer(t).RunFile(opener(file), "history.ndjson", nil, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := reportJSON(t, fromBroker), reportJSON(t, fromFile); a != b {
		t.Errorf("the broker and the file give different reports:\n%.2000s\n---\n%.2000s", a, b)
	}
}

// checkTruth asserts a report of a generated history exactly.
func checkTruth(t *testing.T, rep *Report, truth demo.Truth) {
	t.Helper()
	s := rep.Summary
	want := Summary{
		Records: int64(truth.Records), Instances: int64(truth.Orders),
		Completed: int64(truth.Completed + truth.StuckAtShipment + truth.StuckAtDelivery),
		InFlight:  int64(truth.InFlight + truth.StuckAtPayment),
		Stalled:   truth.StuckAtPayment, TimedOut: truth.StuckAtShipment + truth.StuckAtDelivery,
		Unfit: truth.DoublePayments + truth.UnknownOrders, NotModelled: int64(truth.NotModelled),
	}
	got := s
	got.AsOf, got.ReplaySeconds, got.RecordsPerSec = time.Time{}, 0, 0
	if got != want {
		t.Errorf("summary\n got %+v\nwant %+v", got, want)
	}
	if len(rep.Stalled) != s.Stalled || len(rep.TimedOut) != s.TimedOut || len(rep.Unfit) != s.Unfit {
		t.Errorf("lists do not match the counts: %d stalled, %d timed out, %d unfit", len(rep.Stalled), len(rep.TimedOut), len(rep.Unfit))
	}
	for _, in := range rep.Stalled {
		if in.ElementID != "AwaitPayment" || in.AgeSeconds < 24*3600 || in.LastRecord.Topic != "orders" {
			t.Errorf("stalled instance %+v", in)
			break
		}
	}
	for _, in := range rep.TimedOut {
		if in.ElementID != "AwaitShipment" && in.ElementID != "AwaitDelivery" {
			t.Errorf("timed out at %s", in.ElementID)
		}
	}
}

func reportJSON(t *testing.T, rep *Report) string {
	c := *rep
	c.Summary.ReplaySeconds, c.Summary.RecordsPerSec = 0, 0
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
