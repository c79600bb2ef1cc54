package engine

import (
	"testing"
	"time"
)

// TestNextDue follows the earliest pending timer, job time-out, back-off
// and message expiry, past what was cancelled or completed, until
// nothing is pending.
func TestNextDue(t *testing.T) {
	e := newTestEngine(t, "fulfillment.bpmn", "order.bpmn")
	wantDue := func(step string, want time.Duration) {
		t.Helper()
		got, ok := e.NextDue()
		switch {
		case want < 0 && ok:
			t.Fatalf("%s: due at %v, want nothing", step, got)
		case want >= 0 && (!ok || !got.Equal(t0.Add(want))):
			t.Fatalf("%s: due at %v (%v), want %v", step, got, ok, t0.Add(want))
		}
	}
	wantDue("nothing deployed runs", -1)
	e.PublishMessage(Message{Name: "OrderPlaced", Variables: map[string]any{"orderId": "o-1"}})
	wantDue("payment timer", 2*time.Hour)
	e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: "o-1"})
	wantDue("the payment timer is cancelled; shipment timer", 72*time.Hour)
	e.PublishMessage(Message{Name: "Unknown", CorrelationKey: "x", TTL: time.Hour})
	wantDue("buffered message", time.Hour)

	pi, _ := e.CreateInstance("order", map[string]any{"amount": 10.0})
	jobs, _ := e.ActivateJobs(JobRequest{Type: "charge", Worker: "w", MaxJobs: 1, Timeout: 5 * time.Minute})
	wantDue("job time-out", 5*time.Minute)
	e.FailJob(jobs[0].Key, 1, 30*time.Second, "down")
	wantDue("back-off", 30*time.Second)
	e.AdvanceTime(30 * time.Second)
	wantDue("the job is back: message expiry", time.Hour)
	e.CompleteJob(e.jobOf(pi), nil)
	e.CompleteJob(e.jobOf(pi), nil)
	e.AdvanceTime(time.Hour)
	wantDue("message expired", 72*time.Hour)
	e.PublishMessage(Message{Name: "GoodsShipped", CorrelationKey: "o-1"})
	e.PublishMessage(Message{Name: "OrderDelivered", CorrelationKey: "o-1"})
	wantDue("everything done", -1)
	if _, err := e.Tick(t0.Add(1000 * time.Hour)); err != nil || e.Stats().Active != 0 {
		t.Fatalf("tick: %v, stats %+v", err, e.Stats())
	}
}
