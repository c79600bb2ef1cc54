package demo

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestMurmur2MatchesKafka(t *testing.T) {
	// Test vectors from Kafka's UtilsTest.testMurmur2.
	for in, want := range map[string]int32{"21": -973932308, "foobar": -790332482, "a-little-bit-long-string": -985981536, "a-little-bit-longer-string": -1486304829, "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971, "abc": 479470107} {
		if got := int32(murmur2([]byte(in))); got != want {
			t.Errorf("murmur2(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	o := Options{Orders: 5000, Seed: 7, End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Days: 30, Partitions: 6, Topic: "orders"}
	a, ta := Generate(o)
	b, tb := Generate(o)
	if ta != tb || len(a) != len(b) {
		t.Fatalf("truth %+v vs %+v", ta, tb)
	}
	for i := range a {
		if !bytes.Equal(a[i].Value, b[i].Value) || a[i].Time != b[i].Time || a[i].Partition != b[i].Partition {
			t.Fatalf("record %d differs", i)
		}
	}
	c, _ := Generate(Options{Orders: 5000, Seed: 8, End: o.End, Days: 30, Partitions: 6, Topic: "orders"})
	if bytes.Equal(a[100].Value, c[100].Value) {
		t.Error("another seed gives the same history")
	}
}

func TestGenerateTruth(t *testing.T) {
	o := DefaultOptions()
	o.Orders = 20000
	recs, truth := Generate(o)
	if truth.Records != len(recs) {
		t.Fatalf("records %d vs %d", truth.Records, len(recs))
	}
	sum := truth.Completed + truth.StuckAtPayment + truth.StuckAtShipment + truth.StuckAtDelivery + truth.InFlight
	if sum != truth.Orders {
		t.Errorf("fates add up to %d of %d orders: %+v", sum, truth.Orders, truth)
	}
	if truth.StuckAtPayment == 0 || truth.StuckAtShipment == 0 || truth.DoublePayments == 0 || truth.UnknownOrders == 0 {
		t.Errorf("history lacks a fault: %+v", truth)
	}
	types := map[string]int{}
	last := map[int32]time.Time{}
	for _, r := range recs {
		var body struct {
			Type    string `json:"type"`
			OrderID string `json:"orderId"`
		}
		if err := json.Unmarshal(r.Value, &body); err != nil || body.OrderID != r.Key {
			t.Fatalf("record %s: %v", r.Value, err)
		}
		typ := body.Type
		if typ == "" {
			typ = r.Headers["ce_type"]
		}
		types[typ]++
		if r.Time.Before(last[r.Partition]) {
			t.Fatalf("partition %d goes back in time", r.Partition)
		}
		last[r.Partition] = r.Time
		if r.Partition != Partition(r.Key, 6) {
			t.Fatalf("key %s on partition %d", r.Key, r.Partition)
		}
	}
	if types["OrderPlaced"] != truth.Orders || types[""] != 0 {
		t.Errorf("types %v", types)
	}
	t.Logf("%+v", truth)
}

func TestEmbeddedModelIsTheFixture(t *testing.T) {
	fixture, err := os.ReadFile("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fixture, OrderModel) {
		t.Error("pkg/demo/order-fulfillment.bpmn differs from fixtures/orders/order-fulfillment.bpmn: copy the fixture over")
	}
}
