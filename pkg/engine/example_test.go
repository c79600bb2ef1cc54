package engine_test

import (
	"fmt"
	"os"
	"time"

	"github.com/wfctl/wfctl/pkg/engine"
)

func Example() {
	src, err := os.ReadFile("../../fixtures/engine/fulfillment.bpmn")
	if err != nil {
		panic(err)
	}
	start := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	e := engine.New(engine.WithStartTime(start))
	if _, err := e.Deploy(engine.Resource{Name: "fulfillment.bpmn", Content: src}); err != nil {
		panic(err)
	}
	// A message starts an instance; the next one finds it by its orderId.
	placed, _ := e.PublishMessage(engine.Message{Name: "OrderPlaced", Variables: map[string]any{"orderId": "o-1"}})
	paid, _ := e.PublishMessage(engine.Message{Name: "PaymentReceived", CorrelationKey: "o-1"})
	unfit, _ := e.PublishMessage(engine.Message{Name: "PaymentReceived", CorrelationKey: "o-9"})
	fmt.Println("started:", placed.Started, "correlated:", paid.Correlated, "unfit matched:", unfit.Matched())

	for _, a := range e.ActiveElements(placed.StartedInstance) {
		fmt.Println("waiting at", a.ElementID, "since", a.Since.Format(time.TimeOnly), "for", a.Messages[0].MessageName)
	}
	// Three days later the shipment timer has fired.
	e.AdvanceTime(72 * time.Hour)
	for _, c := range e.ElementCounts() {
		if c.ElementID == "ShipmentLate" {
			fmt.Println("shipment late:", c.Completed)
		}
	}
	// Output:
	// started: 1 correlated: 1 unfit matched: false
	// waiting at AwaitShipment since 09:00:00 for GoodsShipped
	// shipment late: 1
}
