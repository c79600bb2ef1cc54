// Package demo generates a realistic, deterministic history of an order
// topic: what an e-commerce system's services would have published to
// Kafka over some weeks, with the faults a trace should find. The same
// seed always gives the same records, byte for byte.
//
// Each order goes OrderPlaced → PaymentReceived → GoodsShipped →
// OrderDelivered, the flow of fixtures/orders/order-fulfillment.bpmn. A
// small share of orders is never paid (they stall at payment), never
// shipped (the model's shipment timer fires: timed out), or never
// delivered; some are paid twice, and some events name orders that were
// never placed (both are records that fit no instance).
package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Options shape a history.
type Options struct {
	// Orders is how many orders are placed.
	Orders int
	// Seed makes the history reproducible.
	Seed uint64
	// End is when the history ends; it starts Days before.
	End  time.Time
	Days int
	// Partitions spreads records by order id, as Kafka's default
	// partitioner would for the record key.
	Partitions int
	// Topic names the topic in the records.
	Topic string
}

// DefaultOptions are the demo's: 200,000 orders over 30 days on 6
// partitions, ending at a fixed instant so the output never changes.
func DefaultOptions() Options {
	return Options{Orders: 200_000, Seed: 1, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Days: 30, Partitions: 6, Topic: "orders"}
}

// Record is one generated Kafka record.
type Record struct {
	Topic     string
	Partition int32
	Key       string
	Value     []byte
	Headers   map[string]string
	Time      time.Time
}

// Truth counts what the history holds by construction, so tests can
// assert a trace's report exactly.
type Truth struct {
	Records int
	Orders  int
	// Completed orders were delivered before the end.
	Completed int
	// StuckAtPayment were placed more than a day before the end and never
	// paid; StuckAtShipment were paid and never shipped, more than three
	// days before the end; StuckAtDelivery shipped and never delivered,
	// more than seven days before the end.
	StuckAtPayment  int
	StuckAtShipment int
	StuckAtDelivery int
	// InFlight are orders still within their normal time at the end.
	InFlight int
	// DoublePayments and UnknownOrders are records that fit no instance.
	DoublePayments int
	UnknownOrders  int
	// NotModelled are records of a type the model does not wait for
	// (carrier tracking updates).
	NotModelled int
}

// Fates of an order.
const (
	fateNormal = iota
	fateNeverPaid
	fateNeverShipped
	fateNeverDelivered
)

// event is one business event before it becomes a record.
type event struct {
	at      time.Time
	typ     string
	orderID string
	// fields are extra JSON fields, written in order: name, value pairs
	// with values already in JSON.
	fields []string
	ce     bool // sent with CloudEvents headers instead of a "type" field
}

// Generate returns the history's records in timestamp order (per
// partition, as Kafka would hold them) and what it holds by construction.
func Generate(o Options) ([]Record, Truth) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	start := o.End.Add(-time.Duration(o.Days) * 24 * time.Hour)
	span := o.End.Sub(start)
	events := make([]event, 0, o.Orders*5)
	var truth Truth
	truth.Orders = o.Orders
	for i := range o.Orders {
		id := fmt.Sprintf("o-%07d", i+1)
		placed := start.Add(time.Duration(rng.Int64N(int64(span))))
		events = orderEvents(events, rng, id, placed, o.End, &truth)
	}
	for i := range max(o.Orders/1000, 1) {
		at := start.Add(time.Duration(rng.Int64N(int64(span))))
		id := fmt.Sprintf("x-%07d", i+1)
		events = append(events, event{at: at, typ: "GoodsShipped", orderID: id, fields: []string{"carrier", `"DHL"`}})
		truth.UnknownOrders++
	}
	// Events in generation order break ties, so the sort need not be
	// stable (a stable sort of a million events is five times slower).
	order := make([]int32, len(events))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := events[a].at.Compare(events[b].at); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	records := make([]Record, 0, len(events))
	for _, i := range order {
		records = append(records, toRecord(o, events[i]))
	}
	truth.Records = len(records)
	return records, truth
}

// orderEvents draws one order's fate and appends the events it leads to,
// up to end.
func orderEvents(evs []event, rng *rand.Rand, id string, placed, end time.Time, truth *Truth) []event {
	cents := rng.IntN(50_000) + 500
	amount := strconv.Itoa(cents/100) + "." + strconv.Itoa(cents%100/10) + strconv.Itoa(cents%10)
	evs = append(evs, event{at: placed, typ: "OrderPlaced", orderID: id, fields: []string{
		"customer", fmt.Sprintf(`"c-%05d"`, rng.IntN(40_000)), "amount", amount, "items", strconv.Itoa(rng.IntN(5) + 1)}})
	fate := fateNormal
	switch r := rng.IntN(10_000); {
	case r < 15:
		fate = fateNeverPaid
	case r < 30:
		fate = fateNeverShipped
	case r < 40:
		fate = fateNeverDelivered
	}
	paid := placed.Add(minutes(rng, 1, 90))
	shipped := paid.Add(minutes(rng, 4*60, 40*60))
	delivered := shipped.Add(minutes(rng, 20*60, 3*24*60))
	add := func(at time.Time, typ string, fields []string, ce bool) bool {
		if !at.Before(end) {
			return false
		}
		evs = append(evs, event{at: at, typ: typ, orderID: id, fields: fields, ce: ce})
		return true
	}
	payment := []string{"amount", amount, "method", `"card"`}
	switch {
	case fate == fateNeverPaid:
		count(truth, placed, end, 24*time.Hour, &truth.StuckAtPayment)
		return evs
	case !add(paid, "PaymentReceived", payment, rng.IntN(4) == 0):
		truth.InFlight++
		return evs
	}
	if rng.IntN(200) == 0 { // the payment service retried: a second payment
		if add(paid.Add(minutes(rng, 1, 30)), "PaymentReceived", payment, false) {
			truth.DoublePayments++
		}
	}
	switch {
	case fate == fateNeverShipped:
		count(truth, paid, end, 3*24*time.Hour, &truth.StuckAtShipment)
		return evs
	case !add(shipped, "GoodsShipped", []string{"carrier", carriers[rng.IntN(len(carriers))]}, false):
		truth.InFlight++
		return evs
	}
	// The carrier reports progress; the model does not wait for these.
	for i, at := 0, shipped; i < rng.IntN(3); i++ {
		at = at.Add(minutes(rng, 60, 12*60))
		if add(at, "ShipmentInTransit", []string{"hub", hubs[rng.IntN(len(hubs))]}, false) {
			truth.NotModelled++
		}
	}
	switch {
	case fate == fateNeverDelivered:
		count(truth, shipped, end, 7*24*time.Hour, &truth.StuckAtDelivery)
	case !add(delivered, "OrderDelivered", []string{"signedBy", `"customer"`}, false):
		truth.InFlight++
	default:
		truth.Completed++
	}
	return evs
}

var (
	carriers = []string{`"DHL"`, `"UPS"`, `"DPD"`, `"GLS"`, `"Hermes"`}
	hubs     = []string{`"Leipzig"`, `"Cologne"`, `"Hamburg"`, `"Munich"`}
)

// count adds an order that stopped at since to stuck when it has waited
// longer than limit by end, else to the in-flight orders.
func count(truth *Truth, since, end time.Time, limit time.Duration, stuck *int) {
	if end.Sub(since) > limit {
		*stuck++
	} else {
		truth.InFlight++
	}
}

// minutes draws a duration between lo and hi minutes, in whole seconds.
func minutes(rng *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo*60+rng.IntN((hi-lo)*60)) * time.Second
}

func toRecord(o Options, e event) Record {
	r := Record{Topic: o.Topic, Key: e.orderID, Time: e.at, Partition: Partition(e.orderID, o.Partitions)}
	b := make([]byte, 0, 160)
	b = append(b, `{"orderId":"`...)
	b = append(b, e.orderID...)
	b = append(b, `","occurredAt":"`...)
	b = e.at.AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	if e.ce {
		// CloudEvents binary mode: the type travels in a header.
		r.Headers = map[string]string{"ce_type": e.typ, "ce_source": "/payments", "ce_specversion": "1.0", "ce_id": e.orderID + "-" + e.typ}
	} else {
		b = append(b, `,"type":"`...)
		b = append(b, e.typ...)
		b = append(b, '"')
	}
	for i := 0; i+1 < len(e.fields); i += 2 {
		b = append(b, ',', '"')
		b = append(b, e.fields[i]...)
		b = append(b, '"', ':')
		b = append(b, e.fields[i+1]...)
	}
	r.Value = append(b, '}')
	return r
}

// Partition picks a key's partition the way Kafka's default partitioner
// does (murmur2 of the key, positive, modulo the partition count), so a
// history written to a file lands where a producer would have put it.
func Partition(key string, partitions int) int32 {
	return int32((murmur2([]byte(key)) & 0x7fffffff) % uint32(partitions))
}

// murmur2 is Kafka's hash for record keys (Java client Utils.murmur2).
func murmur2(data []byte) uint32 {
	const (
		seed = 0x9747b28c
		m    = 0x5bd1e995
		r    = 24
	)
	h := uint32(seed) ^ uint32(len(data))
	n := len(data) / 4
	for i := range n {
		k := uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[4*n:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}
