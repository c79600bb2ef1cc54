package demo

import "testing"

// BenchmarkGenerate makes the demo's default history: 200,000 orders.
func BenchmarkGenerate(b *testing.B) {
	o := DefaultOptions()
	for range b.N {
		recs, _ := Generate(o)
		b.ReportMetric(float64(len(recs)), "records")
	}
}
