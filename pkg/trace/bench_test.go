package trace

import (
	"testing"

	"github.com/wfctl/wfctl/pkg/demo"
)

// BenchmarkReplay replays the demo history (200,000 orders, about 950,000
// records) held in memory through one engine per partition, on one
// goroutine: the cost of trace itself, without Kafka.
func BenchmarkReplay(b *testing.B) {
	recs, _ := demo.Generate(demo.DefaultOptions())
	in := make([]Record, len(recs))
	for i, r := range recs {
		in[i] = Record{Topic: r.Topic, Partition: r.Partition, Offset: int64(i), Time: r.Time, Key: []byte(r.Key), Value: r.Value}
		for k, v := range r.Headers {
			in[i].Headers = append(in[i].Headers, Header{Key: k, Value: []byte(v)})
		}
	}
	tr := orderTracer(b)
	b.ResetTimer()
	for range b.N {
		run := tr.newRun(false)
		for i := range in {
			rp, err := run.replayFor(in[i].Topic, in[i].Partition)
			if err != nil {
				b.Fatal(err)
			}
			if err := rp.record(&in[i]); err != nil {
				b.Fatal(err)
			}
		}
		run.report(0)
	}
	b.ReportMetric(float64(len(in))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
