package broker

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkStartToReady measures from Start until a client's first request
// (a metadata request over a fresh TCP connection) is answered, then closes.
//
//	go test ./pkg/broker -run '^$' -bench StartToReady -benchtime 200x
func BenchmarkStartToReady(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchStart(b, func(*testing.B) []Option { return nil }) })
	b.Run("datadir", func(b *testing.B) {
		benchStart(b, func(b *testing.B) []Option { return []Option{WithDataDir(b.TempDir())} })
	})
}

func benchStart(b *testing.B, opts func(*testing.B) []Option) {
	ctx := context.Background()
	var total time.Duration
	for b.Loop() {
		o := append([]Option{WithListenAddr(anyPort), WithTopics("orders")}, opts(b)...)
		start := time.Now()
		br, err := Start(ctx, o...)
		if err != nil {
			b.Fatal(err)
		}
		cl, err := kgo.NewClient(kgo.SeedBrokers(br.Addr()))
		if err != nil {
			b.Fatal(err)
		}
		if err := cl.Ping(ctx); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		cl.Close()
		br.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms-to-ready")
}
