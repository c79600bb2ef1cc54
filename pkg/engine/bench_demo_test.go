package engine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/demo"
)

// demoMessage is a demo history record as wfctl trace publishes it:
// starts tells a message that starts an instance, whose orderId is its
// variable.
type demoMessage struct {
	at     time.Time
	msg    Message
	starts bool
}

// demoHistory returns the demo's order history (50,000 orders over 30
// days, in time order) as the messages trace publishes: the name from the
// value's "type" field or the ce_type header and the orderId as
// correlation key. Records of types the model does not know are left
// out, as trace skips them.
func demoHistory(tb testing.TB) []demoMessage {
	o := demo.DefaultOptions()
	o.Orders = 50_000
	records, _ := demo.Generate(o)
	known := map[string]bool{"OrderPlaced": true, "PaymentReceived": true, "GoodsShipped": true, "OrderDelivered": true}
	out := make([]demoMessage, 0, len(records))
	for _, r := range records {
		var v struct{ OrderID, Type string }
		if err := json.Unmarshal(r.Value, &v); err != nil {
			tb.Fatal(err)
		}
		if t := r.Headers["ce_type"]; t != "" {
			v.Type = t
		}
		if !known[v.Type] {
			continue
		}
		out = append(out, demoMessage{at: r.Time, msg: Message{Name: v.Type, CorrelationKey: v.OrderID}, starts: v.Type == "OrderPlaced"})
	}
	return out
}

// BenchmarkDemoReplay replays the demo's order history through
// order-fulfillment.bpmn as wfctl trace does: an engine without records
// that reports ended instances, precompiled models, and per record a Tick
// to its time and a message with TTL 0. The variables of a message that
// starts an instance ({"orderId": ...}) are made in the loop, as trace
// maps each record when it reads it. One op is the whole history; it
// reports ns per record and records per second.
func BenchmarkDemoReplay(b *testing.B) {
	history := demoHistory(b)
	models, err := CompileModels(nil, Resource{Name: demo.OrderModelName, Content: demo.OrderModel})
	if err != nil {
		b.Fatal(err)
	}
	var ended, timedOut int
	onEnded := func(end InstanceEnd) {
		ended++
		timedOut += len(end.TimedOut)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		e := New(WithoutRecords(), WithInstanceEnded(onEnded), WithStartTime(time.Unix(0, 0)), WithPartition(1))
		if _, err := e.DeployModels(models); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := range history {
			h := &history[i]
			if _, err := e.Tick(h.at); err != nil {
				b.Fatal(err)
			}
			m := h.msg
			if h.starts {
				m.Variables = map[string]any{"orderId": m.CorrelationKey}
			}
			if _, err := e.PublishMessage(m); err != nil {
				b.Fatal(err)
			}
		}
	}
	n := float64(b.N) * float64(len(history))
	b.ReportMetric(b.Elapsed().Seconds()*1e9/n, "ns/record")
	b.ReportMetric(n/b.Elapsed().Seconds(), "records/s")
	if ended == 0 || timedOut == 0 {
		b.Fatalf("%d instances ended, %d timed out: not the demo's history", ended, timedOut)
	}
}
