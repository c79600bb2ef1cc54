package trace

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/kafka"
)

// fakeClock is a wall clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func orderRecord(topic, typ, id string, at time.Time) *kgo.Record {
	return &kgo.Record{Topic: topic, Key: []byte(id), Timestamp: at, Value: []byte(`{"type":"` + typ + `","orderId":"` + id + `"}`)}
}

// TestFollow follows two topics: the history's report comes first, as of
// now (an order that stalled in the history is in it, and not reported
// again); then a payment on the payments topic reaches the order placed
// on the orders topic, and orders placed live are reported once they
// have waited past the default threshold by the (fake) wall clock, once
// each.
func TestFollow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tb := startBroker(t)
	for _, topic := range []string{"orders", "payments"} {
		if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, topic, 2); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	produce := func(recs ...*kgo.Record) {
		t.Helper()
		for _, r := range recs {
			r.Partition = int32(len(r.Key) % 2)
		}
		if err := kafka.ProduceAll(ctx, tb.cl, tb.cfg, recs); err != nil {
			t.Fatal(err)
		}
	}
	produce(orderRecord("orders", "OrderPlaced", "o-old", t0.Add(-72*time.Hour)),
		orderRecord("orders", "OrderPlaced", "o-1", t0), orderRecord("orders", "OrderPlaced", "o-paid", t0))

	clock := &fakeClock{now: t0.Add(time.Hour)}
	reports := make(chan *Report, 1)
	stalled := make(chan Instance, 10)
	done := make(chan error, 1)
	fctx, stop := context.WithCancel(ctx)
	tr := orderTracer(t, 4, time.Time{})
	reader := tb.reader(t)
	go func() {
		o := FollowOptions{KafkaOptions: KafkaOptions{Stall: 30 * time.Second}, Every: 5 * time.Millisecond, IdleAfter: time.Second, Now: clock.Now}
		done <- tr.Follow(fctx, reader, kafka.History{Topics: []string{"orders", "payments"}}, o, FollowHandlers{
			CaughtUp: func(r *Report) { reports <- r },
			Stalled:  func(in Instance) { stalled <- in },
			TimedOut: func(Instance) {},
		}, nil)
	}()
	var rep *Report
	select {
	case rep = <-reports:
	case err := <-done:
		t.Fatalf("the follow ended before reporting the history: %v", err)
	}
	if s := rep.Summary; s.Instances != 3 || s.Stalled != 1 || rep.Stalled[0].CorrelationKey != "o-old" || !s.AsOf.Equal(t0.Add(time.Hour)) {
		t.Fatalf("history report %+v %+v", s, rep.Stalled)
	}
	produce(orderRecord("orders", "OrderPlaced", "o-2", t0.Add(2*time.Hour)),
		orderRecord("payments", "PaymentReceived", "o-paid", t0.Add(2*time.Hour)))
	// Each wait moves the wall clock, then lets it run on a second at a
	// time, so that partitions go idle and stop holding the clock back.
	waitStall := func(at time.Time, want string) {
		t.Helper()
		clock.Set(at)
		for i := 0; ; i++ {
			select {
			case in := <-stalled:
				if in.CorrelationKey != want || in.ElementID != "AwaitPayment" {
					t.Errorf("stall %+v, want %s", in, want)
				}
				return
			case <-time.After(20 * time.Millisecond):
				clock.Set(at.Add(time.Duration(i) * time.Second))
			case <-ctx.Done():
				t.Fatalf("no stall of %s reported", want)
			}
		}
	}
	waitStall(t0.Add(25*time.Hour+time.Minute), "o-1") // o-1 has waited 25h, o-2 23h; o-paid waits for shipment
	waitStall(t0.Add(27*time.Hour), "o-2")
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	select {
	case in := <-stalled:
		t.Errorf("reported twice, or a paid order reported: %+v", in)
	default:
	}
}
