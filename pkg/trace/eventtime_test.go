package trace

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/correlate"
)

// envelope is one kcat -J line.
func envelope(topic string, partition, offset int, ts time.Time, key, payload string) string {
	return `{"topic":"` + topic + `","partition":` + itoa(partition) + `,"offset":` + itoa(offset) + `,"ts":` +
		itoa(int(ts.UnixMilli())) + `,"key":"` + key + `","payload":` + quote(payload) + "}\n"
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestLateRecords: a record whose time is before the replay's clock (a
// producer's clock went backwards) is replayed at the clock and counted
// late; here the payment, stamped before the order, still reaches it.
func TestLateRecords(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	file := envelope("orders", 0, 0, t0, "o-1", `{"type":"OrderPlaced","orderId":"o-1"}`) +
		envelope("orders", 0, 1, t0.Add(-10*time.Minute), "o-1", `{"type":"PaymentReceived","orderId":"o-1"}`) +
		envelope("orders", 1, 0, t0.Add(time.Minute), "o-2", `{"type":"OrderPlaced","orderId":"o-2"}`)
	rep := traceFile(t, orderTracer(t, 2, t0.Add(time.Hour)), []byte(file))
	s := rep.Summary
	if s.Late != 1 || s.Unfit != 0 || s.Instances != 2 || len(rep.StuckAt) != 2 {
		t.Errorf("summary %+v, stuck at %+v", s, rep.StuckAt)
	}
}

// TestTimeField: producers that stamp records when they send them, not
// when things happened; --time-field takes event time from the payload.
// Here the payment was sent first but happened after the order.
func TestTimeField(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339) }
	file := envelope("payments", 0, 0, t0, "o-1", `{"type":"PaymentReceived","orderId":"o-1","at":"`+at(2*time.Hour)+`"}`) +
		envelope("orders", 0, 0, t0.Add(3*time.Hour), "o-1", `{"type":"OrderPlaced","orderId":"o-1","at":"`+at(time.Hour)+`"}`)
	src, err := os.ReadFile(orderModel)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field     *correlate.Source
		unfit     int
		waitingAt string
	}{
		{nil, 1, "AwaitPayment"},
		{&correlate.Source{Kind: "json", Arg: "at"}, 0, "AwaitShipment"},
	} {
		tr, err := New(Options{Models: []Model{{Path: orderModel, Src: src}}, AsOf: t0.Add(4 * time.Hour), Mapping: correlate.Options{EventTime: tc.field}})
		if err != nil {
			t.Fatal(err)
		}
		rep := traceFile(t, tr, []byte(file))
		if rep.Summary.Unfit != tc.unfit || len(rep.StuckAt) != 1 || rep.StuckAt[0].ElementID != tc.waitingAt {
			t.Errorf("--time-field %v: %+v %+v", tc.field, rep.Summary, rep.StuckAt)
		}
	}
}

// twoKeys correlates the payment by order id and the shipment by
// shipment id: instances cannot be sharded by one key.
const twoKeys = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:messageEventDefinition messageRef="Start" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="W" />
    <bpmn:receiveTask id="W" messageRef="Paid" />
    <bpmn:sequenceFlow id="F2" sourceRef="W" targetRef="X" />
    <bpmn:receiveTask id="X" messageRef="Shipped" />
    <bpmn:sequenceFlow id="F3" sourceRef="X" targetRef="E" />
    <bpmn:endEvent id="E" />
  </bpmn:process>
  <bpmn:message id="Start" name="OrderPlaced" />
  <bpmn:message id="Paid" name="PaymentReceived"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="Shipped" name="GoodsShipped"><bpmn:extensionElements><zeebe:subscription correlationKey="=shipmentId" /></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`

// TestOneEngineForTwoKeys: a model whose messages correlate by different
// keys runs on one engine whatever --parallel says, and says why.
func TestOneEngineForTwoKeys(t *testing.T) {
	tr, err := New(Options{Models: []Model{{Path: "two-keys.bpmn", Src: []byte(twoKeys)}}, Parallel: 8, AsOfLast: true})
	if err != nil {
		t.Fatal(err)
	}
	n, why := tr.Engines()
	if n != 1 || why == "" {
		t.Fatalf("%d engines (%q)", n, why)
	}
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	file := envelope("orders", 0, 0, t0, "o-1", `{"type":"OrderPlaced","orderId":"o-1","shipmentId":"s-9"}`) +
		envelope("payments", 3, 0, t0.Add(time.Hour), "o-1", `{"type":"PaymentReceived","orderId":"o-1"}`) +
		envelope("shipping", 1, 0, t0.Add(2*time.Hour), "s-9", `{"type":"GoodsShipped","shipmentId":"s-9"}`)
	rep := traceFile(t, tr, []byte(file))
	if s := rep.Summary; s.Completed != 1 || s.Unfit != 0 {
		t.Errorf("summary %+v", s)
	}
}
