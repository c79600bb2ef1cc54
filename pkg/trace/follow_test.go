package trace

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// TestFollowReportsNewStalls follows a topic: the history's report comes
// first, then an order placed live is reported once it has waited past
// the default threshold by the (fake) wall clock.
func TestFollowReportsNewStalls(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := broker.Start(ctx, broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := &kafka.Config{Brokers: []string{b.Addr()}, DialTimeout: 3 * time.Second}
	cl, err := kafka.NewClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kafka.EnsureTopic(ctx, cl, cfg, "orders", 2); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	placed := func(id string, at time.Time) *kgo.Record {
		return &kgo.Record{Topic: "orders", Key: []byte(id), Timestamp: at, Value: []byte(`{"type":"OrderPlaced","orderId":"` + id + `"}`)}
	}
	if err := kafka.ProduceAll(ctx, cl, cfg, []*kgo.Record{placed("o-1", t0)}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	now := t0.Add(time.Hour)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	reports := make(chan *Report, 1)
	stalled := make(chan Instance, 10)
	done := make(chan error, 1)
	fctx, stop := context.WithCancel(ctx)
	go func() {
		done <- orderTracer(t).Follow(fctx, cl, kafka.History{Topics: []string{"orders"}}, FollowHandlers{
			CaughtUp: func(r *Report) { reports <- r },
			Stalled:  func(in Instance) { stalled <- in },
			TimedOut: func(Instance) {},
			Now:      clock,
			Every:    5 * time.Millisecond,
		}, nil)
	}()
	rep := <-reports
	if rep.Summary.Instances != 1 || rep.Summary.Stalled != 0 {
		t.Fatalf("history report %+v", rep.Summary)
	}
	if err := kafka.ProduceAll(ctx, cl, cfg, []*kgo.Record{placed("o-2", t0.Add(2*time.Hour))}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = t0.Add(25*time.Hour + time.Minute) // o-1 has waited 25h, o-2 23h
	mu.Unlock()
	select {
	case in := <-stalled:
		if in.CorrelationKey != "o-1" || in.ElementID != "AwaitPayment" {
			t.Errorf("first stall %+v", in)
		}
	case <-ctx.Done():
		t.Fatal("no stall reported")
	}
	mu.Lock()
	now = t0.Add(27 * time.Hour)
	mu.Unlock()
	select {
	case in := <-stalled:
		if in.CorrelationKey != "o-2" {
			t.Errorf("second stall %+v", in)
		}
	case <-ctx.Done():
		t.Fatal("the live order's stall was not reported")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	select {
	case in := <-stalled:
		t.Errorf("reported twice: %+v", in)
	default:
	}
}
