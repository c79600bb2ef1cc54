package engine

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

type recordingObserver struct{ events []string }

func (o *recordingObserver) ElementCompleted(d ElementDone) {
	o.events = append(o.events, fmt.Sprintf("%s/%s %dm", d.ProcessID, d.ElementID, (d.CompletedAt-d.ActivatedAt)/60_000))
}

func (o *recordingObserver) FlowTaken(processID, flowID string) {
	o.events = append(o.events, processID+"/"+flowID)
}

// TestObserver: the observer hears each completed element with the time
// spent in it, the process's own completion, and each flow taken; a
// terminated element (the receive task its boundary timer interrupted)
// is not a completion.
func TestObserver(t *testing.T) {
	o := &recordingObserver{}
	e := New(WithStartTime(t0), WithoutRecords(), WithObserver(o))
	deployFixture(t, e, "fulfillment.bpmn")
	e.PublishMessage(Message{Name: "OrderPlaced", Variables: map[string]any{"orderId": "o-1"}})
	e.AdvanceTime(30 * time.Minute)
	e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: "o-1"})
	e.AdvanceTime(4 * 24 * time.Hour) // the shipment is late
	want := []string{
		"fulfillment/OrderPlaced 0m", "fulfillment/Flow_placed",
		"fulfillment/AwaitPayment 30m", "fulfillment/Flow_paid",
		"fulfillment/ShipmentLate 0m", "fulfillment/Flow_late",
		"fulfillment/ShipmentEscalated 0m", "fulfillment/fulfillment 4350m",
	}
	if !slices.Equal(o.events, want) {
		t.Errorf("observed\n%s\nwant\n%s", strings.Join(o.events, "\n"), strings.Join(want, "\n"))
	}
}
