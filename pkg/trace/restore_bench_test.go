package trace

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/kafka"
)

// BenchmarkReadCheckpoint times what a replica spends restoring one task
// (readCheckpoint), on a broker in process, for a 90 KB checkpoint (a
// task's after 5M records in scripts/bench-trace-group.sh) written as a
// group writes it, in a transaction, so that the partition ends with the
// transaction's commit marker; and, for comparison, the same checkpoint
// written without a transaction (no marker after it). Restoring is per
// task and one task after another (takeAssignment), so a replica taking
// 6 tasks pays it 6 times before it can commit and be ready.
//
//	go test ./pkg/trace -run '^$' -bench ReadCheckpoint -benchtime 10x
func BenchmarkReadCheckpoint(b *testing.B) {
	ctx := context.Background()
	tb := startBroker(b)
	const topic = "state"
	if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, topic, 2); err != nil {
		b.Fatal(err)
	}
	base := kafkaOpts(b, tb)
	data := bytes.Repeat([]byte(`{"instance":1,"seq":2,"key":"o-123456"},`), 90<<10/40)

	// Partition 0: written in a transaction, as a group does.
	txn, err := kgo.NewClient(append(base, kgo.TransactionalID("bench-restore"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		b.Fatal(err)
	}
	defer txn.Close()
	if err := txn.BeginTransaction(); err != nil {
		b.Fatal(err)
	}
	if err := txn.ProduceSync(ctx, checkpointRecords(0, data, topic)...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	if err := txn.EndTransaction(ctx, kgo.TryCommit); err != nil {
		b.Fatal(err)
	}
	// Partition 1: the same checkpoint, no transaction.
	if err := tb.cl.ProduceSync(ctx, checkpointRecords(1, data, topic)...).FirstErr(); err != nil {
		b.Fatal(err)
	}

	for _, c := range []struct {
		name string
		id   int32
	}{{"transactional", 0}, {"plain", 1}} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			start := time.Now()
			for range b.N {
				got, err := readCheckpoint(ctx, base, topic, c.id, time.Second)
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			if n != len(data) {
				b.Fatalf("read %d bytes, want %d", n, len(data))
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/restore")
		})
	}
}
