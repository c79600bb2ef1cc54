package kafka

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkBareConsumer reads a topic to its end with nothing but
// franz-go: the physical limit a trace is measured against
// (scripts/bench-trace.sh). It needs a broker holding the topic:
// WFCTL_BENCH_BROKERS=host:port WFCTL_BENCH_TOPIC=orders.
func BenchmarkBareConsumer(b *testing.B) {
	addr, topic := os.Getenv("WFCTL_BENCH_BROKERS"), os.Getenv("WFCTL_BENCH_TOPIC")
	if addr == "" || topic == "" {
		b.Skip("set WFCTL_BENCH_BROKERS and WFCTL_BENCH_TOPIC")
	}
	ctx := context.Background()
	var total int64
	start := time.Now()
	for range b.N {
		total += bareRead(ctx, b, addr, topic)
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "records/s")
}

func bareRead(ctx context.Context, b *testing.B, addr, topic string) int64 {
	adm, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		b.Fatal(err)
	}
	ends, err := kadm.NewClient(adm).ListEndOffsets(ctx, topic)
	adm.Close()
	if err != nil {
		b.Fatal(err)
	}
	want := map[int32]int64{}
	starts := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		want[o.Partition] = o.Offset
		starts[o.Partition] = kgo.NewOffset().AtStart()
	})
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: starts}))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var n int64
	left := len(want)
	for left > 0 {
		fs := cl.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			n++
			if r.Offset+1 == want[r.Partition] {
				left--
			}
		})
	}
	return n
}
