package demo

import _ "embed"

// OrderModel is fixtures/orders/order-fulfillment.bpmn, built into the
// binary so that `wfctl demo` runs anywhere. A test keeps the two equal.
//
//go:embed order-fulfillment.bpmn
var OrderModel []byte

// OrderModelName names the model in reports.
const OrderModelName = "order-fulfillment.bpmn"
