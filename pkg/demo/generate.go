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
	// Layout, when set, spreads the event types over several topics, as
	// services that each write their own topic do.
	Layout *Layout
	// AsOf is when the truth is judged (default End): an order waiting
	// past a timer or the stall threshold by then is counted stuck, even
	// when the history's last record is long before.
	AsOf time.Time
}

// Layout maps event types to topics, and topics to partition counts.
type Layout struct {
	// Topics names each event type's topic; a type not listed goes to
	// Options.Topic.
	Topics map[string]string
	// Partitions per topic; a topic not listed has Options.Partitions.
	Partitions map[string]int
}

// ServicesLayout is the history as three services write it: orders (3
// partitions) for OrderPlaced, payments (4) for PaymentReceived, and
// shipping (2) for the carrier's GoodsShipped, ShipmentInTransit and
// OrderDelivered.
func ServicesLayout() *Layout {
	return &Layout{
		Topics: map[string]string{"OrderPlaced": "orders", "PaymentReceived": "payments",
			"GoodsShipped": "shipping", "ShipmentInTransit": "shipping", "OrderDelivered": "shipping"},
		Partitions: map[string]int{"orders": 3, "payments": 4, "shipping": 2},
	}
}

// TopicPartitions lists the topics a history is written to, with their
// partition counts, sorted by name.
func (o Options) TopicPartitions() []TopicCount {
	counts := map[string]int{o.Topic: o.Partitions}
	if o.Layout != nil {
		counts = map[string]int{}
		for _, typ := range eventTypes {
			t := o.topicOf(typ)
			counts[t] = o.partitionsOf(t)
		}
	}
	out := make([]TopicCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TopicCount{Topic: t, Partitions: n})
	}
	slices.SortFunc(out, func(a, b TopicCount) int { return cmp.Compare(a.Topic, b.Topic) })
	return out
}

// TopicCount is a topic and its partition count.
type TopicCount struct {
	Topic      string
	Partitions int
}

var eventTypes = []string{"OrderPlaced", "PaymentReceived", "GoodsShipped", "ShipmentInTransit", "OrderDelivered"}

func (o Options) topicOf(typ string) string {
	if o.Layout != nil {
		if t, ok := o.Layout.Topics[typ]; ok {
			return t
		}
	}
	return o.Topic
}

func (o Options) partitionsOf(topic string) int {
	if o.Layout != nil {
		if n, ok := o.Layout.Partitions[topic]; ok {
			return n
		}
	}
	return o.Partitions
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
	// Offset is the record's offset in its partition, when the history is
	// written to empty topics.
	Offset  int64
	Key     string
	Value   []byte
	Headers map[string]string
	Time    time.Time
}

// Truth counts what the history holds by construction, so tests can
// assert a trace's report exactly.
type Truth struct {
	Records int
	Orders  int
	// Completed orders were delivered before the end.
	Completed int
	// StuckAtPayment were placed more than a day before AsOf and not paid
	// by the end; StuckAtShipment were paid and not shipped, three days or
	// more before AsOf (the model's timer fired); StuckAtDelivery shipped
	// and not delivered, seven days or more before AsOf (likewise).
	StuckAtPayment  int
	StuckAtShipment int
	StuckAtDelivery int
	// InFlight are orders still within their normal time at AsOf.
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
		events = orderEvents(events, rng, id, placed, o.End, o.asOf(), &truth)
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
	offsets := map[string][]int64{}
	for _, i := range order {
		r := toRecord(o, events[i])
		offs := offsets[r.Topic]
		if offs == nil {
			offs = make([]int64, o.partitionsOf(r.Topic))
			offsets[r.Topic] = offs
		}
		r.Offset = offs[r.Partition]
		offs[r.Partition]++
		records = append(records, r)
	}
	truth.Records = len(records)
	return records, truth
}

func (o Options) asOf() time.Time {
	if o.AsOf.IsZero() {
		return o.End
	}
	return o.AsOf
}

// orderEvents draws one order's fate and appends the events it leads to,
// up to end; where the order waits at asOf decides how truth counts it.
func orderEvents(evs []event, rng *rand.Rand, id string, placed, end, asOf time.Time, truth *Truth) []event {
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
	// Where the order waits when its next event never comes (by fate, or
	// because it would come after the end): for payment, stalled after
	// the default threshold of a day; for shipment and delivery, timed
	// out once the model's boundary timer falls due.
	awaitPayment := func() { judge(truth, asOf.Sub(placed) > 24*time.Hour, &truth.StuckAtPayment) }
	awaitShipment := func() { judge(truth, asOf.Sub(paid) >= 3*24*time.Hour, &truth.StuckAtShipment) }
	switch {
	case fate == fateNeverPaid:
		awaitPayment()
		return evs
	case !add(paid, "PaymentReceived", payment, rng.IntN(4) == 0):
		awaitPayment()
		return evs
	}
	if rng.IntN(200) == 0 { // the payment service retried: a second payment
		if add(paid.Add(minutes(rng, 1, 30)), "PaymentReceived", payment, false) {
			truth.DoublePayments++
		}
	}
	switch {
	case fate == fateNeverShipped:
		awaitShipment()
		return evs
	case !add(shipped, "GoodsShipped", []string{"carrier", carriers[rng.IntN(len(carriers))]}, false):
		awaitShipment()
		return evs
	}
	// The carrier reports progress; the model does not wait for these.
	for i, at := 0, shipped; i < rng.IntN(3); i++ {
		at = at.Add(minutes(rng, 60, 12*60))
		if add(at, "ShipmentInTransit", []string{"hub", hubs[rng.IntN(len(hubs))]}, false) {
			truth.NotModelled++
		}
	}
	awaitDelivery := func() { judge(truth, asOf.Sub(shipped) >= 7*24*time.Hour, &truth.StuckAtDelivery) }
	switch {
	case fate == fateNeverDelivered:
		awaitDelivery()
	case !add(delivered, "OrderDelivered", []string{"signedBy", `"customer"`}, false):
		awaitDelivery()
	default:
		truth.Completed++
	}
	return evs
}

var (
	carriers = []string{`"DHL"`, `"UPS"`, `"DPD"`, `"GLS"`, `"Hermes"`}
	hubs     = []string{`"Leipzig"`, `"Cologne"`, `"Hamburg"`, `"Munich"`}
)

// judge counts an order that waits: as stuck when it is, else in flight.
func judge(truth *Truth, isStuck bool, stuck *int) {
	if isStuck {
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
	topic := o.topicOf(e.typ)
	r := Record{Topic: topic, Key: e.orderID, Time: e.at, Partition: Partition(e.orderID, o.partitionsOf(topic))}
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
