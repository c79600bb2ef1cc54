package trace

import (
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/correlate"
)

// TestCheckpointRoundTrip: a task's records held back by the watermark
// come back from its checkpoint as they were read, headers included.
func TestCheckpointRoundTrip(t *testing.T) {
	tr := orderTracer(t, 1, time.Time{})
	l := &groupLayout{tasks: 4, co: []string{"orders", "wfctl.trace.g.repartition"}, other: []string{"payments"},
		repartition: "wfctl.trace.g.repartition", parts: map[string]int32{"orders": 4, "payments": 3}}
	inputs := l.inputsOf(2)
	if len(inputs) != 2+3+3 { // orders/2 and the carrier; orders/0, 1 and 3 and payments/0-2 via it
		t.Fatalf("inputs %+v", inputs)
	}
	tk, err := tr.newTask(2, inputs)
	if err != nil {
		t.Fatal(err)
	}
	raw := orderRecord("orders", "OrderPlaced", "o-7", time.UnixMilli(1_800_000_000_000))
	raw.Partition, raw.Offset = 2, 41
	raw.Headers = []kgo.RecordHeader{{Key: "ce_type", Value: []byte("OrderPlaced")}}
	in := tk.input("orders", 2)
	tk.add(in, event{at: raw.Timestamp.UnixMilli()}, raw)
	via := tk.input("payments", 1)
	tk.punctuate(correlate.Location{Topic: "payments", Partition: 1}, watermarkValue{At: 1_800_000_000_500, Next: 12})
	if !via.via || via.latest != 1_800_000_000_500 || via.through != 12 || !via.seen {
		t.Fatalf("via input after its watermark: %+v", via)
	}
	data, err := tk.encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := tr.restoreTask(data, 2, inputs, func(r *kgo.Record) event { return event{at: r.Timestamp.UnixMilli()} })
	if err != nil {
		t.Fatal(err)
	}
	got := back.input("orders", 2)
	if len(got.pending) != 1 || got.next != 42 || got.latest != raw.Timestamp.UnixMilli() {
		t.Fatalf("restored input %+v", got)
	}
	if v := back.input("payments", 1); v.latest != 1_800_000_000_500 || v.through != 12 {
		t.Fatalf("restored via input %+v", v)
	}
	r := got.pending[0].raw
	if r.Topic != raw.Topic || r.Partition != 2 || r.Offset != 41 || !r.Timestamp.Equal(raw.Timestamp) ||
		string(r.Key) != "o-7" || string(r.Value) != string(raw.Value) || !reflect.DeepEqual(r.Headers, raw.Headers) {
		t.Fatalf("restored record %+v, want %+v", r, raw)
	}
}
