package kafka

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/wfctl/wfctl/pkg/broker"
)

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func noEnv(string) string { return "" }

// startBroker runs an in-process kfake broker on a free loopback port.
func startBroker(t testing.TB, opts ...broker.Option) *broker.Broker {
	t.Helper()
	b, err := broker.Start(testContext(t), append([]broker.Option{broker.WithListenAddr("127.0.0.1:0")}, opts...)...)
	if err != nil {
		t.Fatalf("starting broker: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// connect builds a client to addr the way the CLI will: Load, then
// NewClient, with -X properties.
func connect(t testing.TB, addr string, props ...string) *kgo.Client {
	t.Helper()
	cfg, err := Load(Flags{Brokers: []string{addr}, Properties: props}, noEnv)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	cl, err := NewClient(testContext(t), cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// producer is a client that writes records to the partition they name.
func producer(t testing.TB, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(addr),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// fill writes n records to each of partitions 0..parts-1 of topic, values
// "topic/partition/i", with timestamps from the given function (nil: the
// producer's clock).
func fill(t testing.TB, cl *kgo.Client, topic string, parts int32, n int, ts func(i int) time.Time) {
	t.Helper()
	var recs []*kgo.Record
	for p := range parts {
		for i := range n {
			r := &kgo.Record{Topic: topic, Partition: p, Value: fmt.Appendf(nil, "%s/%d/%d", topic, p, i)}
			if ts != nil {
				r.Timestamp = ts(i)
			}
			recs = append(recs, r)
		}
	}
	if err := cl.ProduceSync(testContext(t), recs...).FirstErr(); err != nil {
		t.Fatalf("producing to %s: %v", topic, err)
	}
}

// readAll runs ReadHistory and groups the delivered offsets by partition.
func readAll(t testing.TB, cl *kgo.Client, h History) (map[string][]int64, *Snapshot) {
	t.Helper()
	got := map[string][]int64{}
	snap, err := ReadHistory(testContext(t), cl, h, func(r *kgo.Record) error {
		key := fmt.Sprintf("%s/%d", r.Topic, r.Partition)
		got[key] = append(got[key], r.Offset)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadHistory: %v", err)
	}
	return got, snap
}

// offsets is [from, to).
func offsets(from, to int64) []int64 {
	var o []int64
	for i := from; i < to; i++ {
		o = append(o, i)
	}
	return o
}
