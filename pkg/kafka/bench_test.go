package kafka

import (
	"bytes"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/wfctl/wfctl/pkg/broker"
)

const (
	benchPartitions = 6
	benchPerPart    = 50_000
	benchValueBytes = 100
)

// benchBroker is a kfake broker holding benchPartitions × benchPerPart
// records of benchValueBytes each.
func benchBroker(b *testing.B) *kgo.Client {
	br := startBroker(b, broker.WithTopics("orders"), broker.WithPartitions(benchPartitions))
	p := producer(b, br.Addr(), kgo.ProducerLinger(0))
	value := bytes.Repeat([]byte("x"), benchValueBytes)
	var recs []*kgo.Record
	for part := range int32(benchPartitions) {
		for range benchPerPart {
			recs = append(recs, &kgo.Record{Topic: "orders", Partition: part, Value: value})
		}
	}
	if err := p.ProduceSync(testContext(b), recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	return connect(b, br.Addr())
}

// BenchmarkReadHistory reads 300,000 records of 100 bytes over 6
// partitions from an in-process kfake broker over loopback TCP.
//
//	go test ./pkg/kafka -run '^$' -bench ReadHistory -benchtime 5x
func BenchmarkReadHistory(b *testing.B) {
	cl := benchBroker(b)
	h := History{Topics: []string{"orders"}}
	b.Run("sequential", func(b *testing.B) {
		benchRead(b, func() (*Snapshot, error) {
			return ReadHistory(testContext(b), cl, h, func(*kgo.Record) error { return nil })
		})
	})
	b.Run("per-partition", func(b *testing.B) {
		benchRead(b, func() (*Snapshot, error) {
			return ReadPartitions(testContext(b), cl, h, func(PartitionRange) PartitionHandler { return nopHandler{} })
		})
	})
}

func benchRead(b *testing.B, read func() (*Snapshot, error)) {
	var records int64
	start := time.Now()
	for b.Loop() {
		snap, err := read()
		if err != nil {
			b.Fatal(err)
		}
		if snap.Records() != benchPartitions*benchPerPart {
			b.Fatalf("read %d records", snap.Records())
		}
		records += snap.Records()
	}
	b.ReportMetric(float64(records)/time.Since(start).Seconds(), "records/s")
}

type nopHandler struct{}

func (nopHandler) Record(*kgo.Record) error { return nil }
func (nopHandler) CaughtUp() error          { return nil }
