package trace

import (
	"bytes"
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

// BenchmarkTimings replays the demo history as BenchmarkReplay does, with
// and without the time per step, alternating in one run (the machine is
// noisy): records/s of each and their ratio (the floor: the
// statistics cost at most 10%, a ratio of at least 0.9).
func BenchmarkTimings(b *testing.B) {
	o := demo.DefaultOptions()
	recs, _ := demo.Generate(o)
	file := historyFile(b, recs, inTimeOrder, 0)
	with, without := orderTracer(b, 2, o.End), orderTracer(b, 2, o.End)
	without.noTimings = true
	var records int64
	var tWith, tWithout time.Duration
	b.ResetTimer()
	for range b.N {
		for _, tr := range []*Tracer{without, with} {
			start := time.Now()
			rep := traceFile(b, tr, file)
			if tr == with {
				tWith += time.Since(start)
			} else {
				tWithout += time.Since(start)
			}
			records = rep.Summary.Records
		}
	}
	n := float64(records) * float64(b.N)
	b.ReportMetric(n/tWith.Seconds(), "with-records/s")
	b.ReportMetric(n/tWithout.Seconds(), "without-records/s")
	b.ReportMetric(tWithout.Seconds()/tWith.Seconds(), "ratio")
}

// BenchmarkReportHTML writes the HTML report of the demo history and
// sets its time beside the replay's (the floor: the report adds at
// most 10% to trace's time): html-ms per report, replay-ms, their ratio
// (share), and the page's size.
func BenchmarkReportHTML(b *testing.B) {
	o := demo.DefaultOptions()
	recs, _ := demo.Generate(o)
	file := historyFile(b, recs, inTimeOrder, 0)
	tr := orderTracer(b, 2, o.End)
	start := time.Now()
	rep := traceFile(b, tr, file)
	replay := time.Since(start)
	var size int
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		if err := tr.WriteHTML(&buf, rep, "demo"); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "html-ms")
	b.ReportMetric(float64(replay.Milliseconds()), "replay-ms")
	b.ReportMetric(per.Seconds()/replay.Seconds(), "share")
	b.ReportMetric(float64(size), "bytes")
}
