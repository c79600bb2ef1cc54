package correlate

import (
	"os"
	"testing"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/demo"
)

// BenchmarkMap maps the demo history's records as trace does, one
// goroutine: records/s and allocations per record.
func BenchmarkMap(b *testing.B) {
	src, err := os.ReadFile("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := bpmn.Parse("order.bpmn", src)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewMapper([]*bpmn.Document{doc}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	o := demo.DefaultOptions()
	o.Orders = 20000
	gen, _ := demo.Generate(o)
	recs := make([]Record, len(gen))
	for i, r := range gen {
		recs[i] = Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Time: r.Time, Key: []byte(r.Key), Value: r.Value}
		for k, v := range r.Headers {
			recs[i].Headers = append(recs[i].Headers, Header{Key: k, Value: []byte(v)})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		_, _ = m.Map(&recs[i%len(recs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
