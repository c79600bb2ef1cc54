package trace

import (
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/demo"
)

// BenchmarkReplay replays the demo history (200,000 orders, about 950,000
// records) from a file held in memory through the whole pipeline
// (mapping, event-time merge, sharded engines): the cost of trace itself,
// without Kafka.
func BenchmarkReplay(b *testing.B) {
	o := demo.DefaultOptions()
	recs, _ := demo.Generate(o)
	file := historyFile(b, recs, inTimeOrder, 0)
	tr := orderTracer(b, 2, o.End)
	b.ResetTimer()
	var rep *Report
	for range b.N {
		rep = traceFile(b, tr, file)
	}
	b.ReportMetric(float64(rep.Summary.Records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	_ = time.Second
}
