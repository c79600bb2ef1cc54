package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"
)

func deployFixture(tb testing.TB, e *Engine, name string) {
	tb.Helper()
	src, err := os.ReadFile("../../fixtures/engine/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.Deploy(Resource{Name: name, Content: src}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkOrderProcess runs order.bpmn end to end per iteration: create
// an instance (start event, service task), complete its job (exclusive
// gateway, second service task), complete the second job (end event).
// Jobs are completed by key as a worker in the same process would, from
// the Job CREATED records.
func BenchmarkOrderProcess(b *testing.B) {
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"records", nil}, {"no-records", []Option{WithoutRecords()}}} {
		b.Run(mode.name, func(b *testing.B) {
			e := New(mode.opts...)
			deployFixture(b, e, "order.bpmn")
			vars := map[string]any{"amount": 150.0}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				pi, err := e.CreateInstance("order", vars)
				if err != nil {
					b.Fatal(err)
				}
				if err := e.CompleteJob(e.jobOf(pi), nil); err != nil {
					b.Fatal(err)
				}
				if err := e.CompleteJob(e.jobOf(pi), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if e.stats.Completed != int64(b.N) {
				b.Fatalf("%d of %d instances completed", e.stats.Completed, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "instances/s")
		})
	}
}

// jobOf returns the job of an instance waiting at a task directly in it.
func (e *Engine) jobOf(pi int64) int64 {
	for c := e.root(pi).firstChild; c != nil; c = c.nextSib {
		if c.job != nil {
			return c.job.key
		}
	}
	return -1
}

// BenchmarkMessageCorrelation creates 1,000,000 instances of receive.bpmn
// waiting at a receive task (not timed), then publishes one message per
// instance (TTL 0, as wfctl trace does) and reports correlations per
// second; each correlation runs the instance to its end. It also reports
// the memory retained per waiting instance.
func BenchmarkMessageCorrelation(b *testing.B) {
	const n = 1_000_000
	for range b.N {
		e := New(WithoutRecords())
		deployFixture(b, e, "receive.bpmn")
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("order-%07d", i)
		}
		before := heapInUse()
		for i := range n {
			if _, err := e.CreateInstance("payment", map[string]any{"orderId": keys[i]}); err != nil {
				b.Fatal(err)
			}
		}
		perInstance := float64(heapInUse()-before) / n
		start := time.Now()
		for i := range n {
			r, err := e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: keys[i]})
			if err != nil || r.Correlated != 1 {
				b.Fatalf("message %d: %+v %v", i, r, err)
			}
		}
		elapsed := time.Since(start)
		if e.stats.Completed != n || len(e.roots) != 0 {
			b.Fatalf("%d instances completed, %d process instances left", e.stats.Completed, len(e.roots))
		}
		b.ReportMetric(n/elapsed.Seconds(), "correlations/s")
		b.ReportMetric(perInstance, "bytes/instance")
		runtime.KeepAlive(keys)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkFulfillmentReplay replays an event stream through
// fulfillment.bpmn as wfctl trace does: per Kafka record, a Tick to its
// timestamp and a published message with TTL 0, records not
// materialised. Each order is four messages (OrderPlaced starts an
// instance; PaymentReceived, GoodsShipped and OrderDelivered move it
// through receive tasks with timer boundaries); 10,000 orders are in
// flight at any time. It reports messages per second, Ticks included.
func BenchmarkFulfillmentReplay(b *testing.B) {
	const window = 10_000
	names := []string{"OrderPlaced", "PaymentReceived", "GoodsShipped", "OrderDelivered"}
	e := New(WithoutRecords())
	deployFixture(b, e, "fulfillment.bpmn")
	ids := make([]string, window)
	vars := make([]map[string]any, window)
	for i := range ids {
		ids[i] = fmt.Sprintf("order-%05d", i)
		vars[i] = map[string]any{"orderId": ids[i]}
	}
	now := time.Unix(1_700_000_000, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		// all orders of the window place, then pay, then ship, then deliver
		slot, stage := n%window, (n/window)%4
		now = now.Add(time.Millisecond)
		e.Tick(now)
		m := Message{Name: names[stage], CorrelationKey: ids[slot]}
		if stage == 0 {
			m.CorrelationKey, m.Variables = "", vars[slot]
		}
		if r, err := e.PublishMessage(m); err != nil || !r.Matched() {
			b.Fatalf("message %d (%s %s): %+v %v", n, m.Name, ids[slot], r, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
}

// BenchmarkInterleavedReplay is BenchmarkFulfillmentReplay as a Kafka
// history looks to wfctl trace: 100,000 orders in flight, each record
// advancing a random one, so that the state is far larger than the CPU
// caches and consecutive messages touch unrelated instances. Every order
// has its own correlation key, carried as OrderPlaced's variables.
func BenchmarkInterleavedReplay(b *testing.B) {
	const window = 100_000
	names := []string{"OrderPlaced", "PaymentReceived", "GoodsShipped", "OrderDelivered"}
	e := New(WithoutRecords())
	deployFixture(b, e, "fulfillment.bpmn")
	now := time.Unix(1_700_000_000, 0)
	e.Tick(now)
	ids, stages, orders := make([]string, window), make([]int, window), 0
	publish := func(slot int) {
		m := Message{Name: names[stages[slot]], CorrelationKey: ids[slot]}
		if stages[slot] == 0 {
			orders++
			ids[slot] = fmt.Sprintf("order-%08d", orders)
			m.CorrelationKey, m.Variables = ids[slot], map[string]any{"orderId": ids[slot]}
		}
		if r, err := e.PublishMessage(m); err != nil || !r.Matched() {
			b.Fatalf("message %s %s: %+v %v", m.Name, m.CorrelationKey, r, err)
		}
		stages[slot] = (stages[slot] + 1) % len(names)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for slot := range window { // every order placed, some further on
		for range rng.IntN(len(names)-1) + 1 {
			publish(slot)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		now = now.Add(time.Millisecond)
		e.Tick(now)
		publish(rng.IntN(window))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
}

// BenchmarkCompensation runs the refund process of compensation.bpmn end
// to end per iteration: two compensable tasks complete (two compensation
// subscriptions), the compensation end event triggers the one its
// activityRef names, the handler completes, the other subscription is
// deleted with the instance.
func BenchmarkCompensation(b *testing.B) {
	e := New(WithoutRecords())
	deployFixture(b, e, "compensation.bpmn")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		pi, err := e.CreateInstance("refund", nil)
		if err != nil {
			b.Fatal(err)
		}
		for range 3 { // Pay, Ship, then the Refund handler
			if err := e.CompleteJob(e.jobOf(pi), nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	if e.stats.Completed != int64(b.N) || len(e.compSubs) != 0 {
		b.Fatalf("%d of %d instances completed, %d with subscriptions left", e.stats.Completed, b.N, len(e.compSubs))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "instances/s")
}
