package engine

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)

func newTestEngine(t *testing.T, models ...string) *Engine {
	t.Helper()
	e := New(WithStartTime(t0))
	for _, m := range models {
		deployFixture(t, e, m)
	}
	return e
}

func TestQueries(t *testing.T) {
	e := newTestEngine(t, "fulfillment.bpmn")
	r, err := e.PublishMessage(Message{Name: "OrderPlaced", Variables: map[string]any{"orderId": "o-1"}})
	if err != nil || r.Started != 1 || r.Correlated != 0 {
		t.Fatalf("publish: %+v %v", r, err)
	}
	pi := r.StartedInstance
	e.AdvanceTime(10 * time.Minute)
	active := e.ActiveElements(pi)
	if len(active) != 1 || active[0].ElementID != "AwaitPayment" || active[0].State != IntentElementActivated ||
		!active[0].Since.Equal(t0) {
		t.Fatalf("active elements: %+v", active)
	}
	if m := active[0].Messages; len(m) != 1 || m[0].MessageName != "PaymentReceived" || m[0].CorrelationKey != "o-1" {
		t.Fatalf("waits for %+v", m)
	}
	if tm := active[0].Timers; len(tm) != 1 || tm[0].ElementID != "PaymentOverdue" || !tm[0].Due.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("timers %+v", tm)
	}
	if v := e.Variables(pi); v["orderId"] != "o-1" {
		t.Fatalf("variables %v", v)
	}
	if got := e.Subscriptions(pi); len(got) != 1 {
		t.Fatalf("subscriptions %+v", got)
	}
	e.AdvanceTime(2 * time.Hour)
	if _, ok := e.Instance(pi); ok {
		t.Fatal("instance should have ended through the timer boundary")
	}
	counts := map[string]ElementCount{}
	for _, c := range e.ElementCounts() {
		counts[c.ElementID] = c
	}
	if counts["PaymentOverdue"].Completed != 1 || counts["OrderCancelled"].Completed != 1 || counts["AwaitPayment"].Terminated != 1 {
		t.Fatalf("counts %+v", counts)
	}
	if s := e.Stats(); s.Created != 1 || s.Completed != 1 || s.Active != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestTimedOutAndIncidentQueries(t *testing.T) {
	e := newTestEngine(t, "boundary-timers.bpmn", "gateway-incident.bpmn")
	pi, _ := e.CreateInstance("reminders", map[string]any{"orderId": "o-1"})
	e.AdvanceTime(30 * time.Minute)
	info, ok := e.Instance(pi)
	if !ok || !slices.Equal(info.TimedOut, []string{"Remind"}) {
		t.Fatalf("instance %+v", info)
	}
	if jobs := e.Jobs(pi); len(jobs) != 1 || jobs[0].Type != "remind" || jobs[0].State != "ACTIVATABLE" {
		t.Fatalf("jobs %+v", jobs)
	}
	route, _ := e.CreateInstance("route", nil)
	incs := e.InstanceIncidents(route)
	if len(incs) != 1 || incs[0].ErrorType != ErrorCondition || incs[0].ElementID != "Size" {
		t.Fatalf("incidents %+v", incs)
	}
	if len(e.Incidents()) != 1 {
		t.Fatalf("all incidents %+v", e.Incidents())
	}
	if a := e.ActiveElements(route); len(a) != 1 || a[0].State != IntentElementActivating || len(a[0].Incidents) != 1 {
		t.Fatalf("active %+v", a)
	}
}

func TestPublishResult(t *testing.T) {
	e := newTestEngine(t, "receive.bpmn")
	r, _ := e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: "nobody"})
	if r.Matched() || r.Buffered {
		t.Fatalf("unmatched message: %+v", r)
	}
	e.CreateInstance("payment", map[string]any{"orderId": 7.0})
	r, _ = e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: "7"})
	if r.Correlated != 1 {
		t.Fatalf("numeric correlation key: %+v", r)
	}
	r, _ = e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: "later", TTL: time.Hour})
	if r.Matched() || !r.Buffered {
		t.Fatalf("buffered message: %+v", r)
	}
}

func TestKeysCarryThePartition(t *testing.T) {
	e := New(WithPartition(3))
	deployFixture(t, e, "order.bpmn")
	pi, err := e.CreateInstance("order", nil)
	if err != nil {
		t.Fatal(err)
	}
	if PartitionOf(pi) != 3 {
		t.Fatalf("key %d is of partition %d", pi, PartitionOf(pi))
	}
	for _, r := range e.LastRecords() {
		if r.PartitionID != 3 || (r.Key > 0 && PartitionOf(r.Key) != 3) {
			t.Fatalf("record %+v", r)
		}
	}
	if EncodeKey(2, 5) != 2<<51+5 {
		t.Fatal("EncodeKey")
	}
}

func TestWithClockTicksBeforeCommands(t *testing.T) {
	now := t0
	e := New(WithStartTime(t0), WithClock(func() time.Time { return now }))
	deployFixture(t, e, "boundary-timers.bpmn")
	pi, _ := e.CreateInstance("reminders", map[string]any{"orderId": "o-1"})
	now = now.Add(3 * time.Hour)
	recs, err := e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: "o-1"})
	if err != nil || recs.Correlated != 0 {
		t.Fatalf("the timer should have ended the wait before the message: %+v %v", recs, err)
	}
	first := e.LastRecords()[0]
	if first.ValueType != ValueClock || first.Intent != IntentTick {
		t.Fatalf("first record %s %s", first.ValueType, first.Intent)
	}
	if info, _ := e.Instance(pi); !slices.Contains(info.TimedOut, "Overdue") {
		t.Fatalf("instance %+v", info)
	}
	if !e.Now().Equal(now) {
		t.Fatalf("clock %v", e.Now())
	}
}

func TestWithoutRecordsSameState(t *testing.T) {
	run := func(opts ...Option) *Engine {
		e := New(append(opts, WithStartTime(t0))...)
		deployFixture(t, e, "order.bpmn")
		pi, _ := e.CreateInstance("order", map[string]any{"amount": 300.0})
		if recs, _ := e.Process(Command{ValueType: ValueJob, Intent: IntentComplete, Key: e.jobOf(pi), Value: &JobValue{}}); len(opts) > 0 && len(recs) != 0 {
			t.Fatalf("records without records: %d", len(recs))
		}
		return e
	}
	a, b := run(), run(WithoutRecords())
	if string(mustSnapshot(t, a)) != string(mustSnapshot(t, b)) {
		t.Fatal("states differ with and without records")
	}
}

func TestRecordJSON(t *testing.T) {
	e := newTestEngine(t, "order.bpmn")
	e.CreateInstance("order", map[string]any{"amount": 150.0})
	var job Record
	for _, r := range e.LastRecords() {
		if r.ValueType == ValueJob {
			job = r
		}
	}
	b, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"recordType":"EVENT"`, `"valueType":"JOB"`, `"intent":"CREATED"`, `"type":"charge"`,
		`"customHeaders":{"provider":"acme"}`, `"elementId":"Charge"`, `"partitionId":1`, `"sourceRecordPosition":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(back); string(b2) != string(b) {
		t.Fatalf("round trip:\n%s\n%s", b, b2)
	}
	var cmd Command
	if err := json.Unmarshal([]byte(`{"valueType":"MESSAGE","intent":"PUBLISH","value":{"name":"PaymentReceived","correlationKey":"o-1","variables":{"paid":1.5}}}`), &cmd); err != nil {
		t.Fatal(err)
	}
	if m := cmd.Value.(*MessageValue); m.Name != "PaymentReceived" || m.Variables["paid"].(json.Number) != "1.5" {
		t.Fatalf("command %+v", cmd.Value)
	}
	if err := json.Unmarshal([]byte(`{"valueType":"NOPE","intent":"PUBLISH"}`), &cmd); err == nil {
		t.Fatal("unknown value type accepted")
	}
}

func TestApplyRejectsInconsistentLog(t *testing.T) {
	e := New()
	err := e.Apply(Record{Position: 1, Key: EncodeKey(1, 9), RecordType: RecordEvent, ValueType: ValueProcessInstance,
		Intent: IntentElementActivated, Value: &ProcessInstanceValue{ProcessInstanceKey: EncodeKey(1, 9)}})
	if err == nil {
		t.Fatal("an event about an unknown instance was applied")
	}
}

func TestRestoreRejectsOtherVersions(t *testing.T) {
	if _, err := Restore([]byte(`{"version":99}`)); err == nil {
		t.Fatal("accepted an unknown snapshot version")
	}
	if _, err := Restore([]byte(`not json`)); err == nil {
		t.Fatal("accepted garbage")
	}
}

func TestUnknownCommandIsRejected(t *testing.T) {
	e := New()
	recs, err := e.Process(Command{ValueType: ValueTimer, Intent: IntentCreate, Value: &TimerValue{}})
	if _, ok := err.(*RejectionError); !ok || len(recs) != 2 || recs[1].RecordType != RecordRejection {
		t.Fatalf("records %+v, err %v", recs, err)
	}
}

func TestInstanceEndedHook(t *testing.T) {
	var ends []InstanceEnd
	e := New(WithStartTime(t0), WithoutRecords(), WithInstanceEnded(func(end InstanceEnd) { ends = append(ends, end) }))
	deployFixture(t, e, "fulfillment.bpmn")
	e.PublishMessage(Message{Name: "OrderPlaced", Variables: map[string]any{"orderId": "o-1"}})
	e.AdvanceTime(3 * time.Hour)
	if len(ends) != 1 || !ends[0].Completed || !slices.Equal(ends[0].TimedOut, []string{"PaymentOverdue"}) ||
		!ends[0].EndedAt.Equal(t0.Add(2*time.Hour)) || ends[0].BPMNProcessID != "fulfillment" {
		t.Fatalf("ends %+v", ends)
	}
}

// TestDurationsBounded: a duration added to the engine's clock beyond
// MaxDuration is rejected; it used to overflow, and a job activated with
// a timeout of MaxInt64 timed out at once.
func TestDurationsBounded(t *testing.T) {
	e := New()
	if _, err := e.Process(Command{ValueType: ValueJobBatch, Intent: IntentActivate, Key: -1,
		Value: &JobBatchValue{Type: "t", Worker: "w", MaxJobsToActivate: 1, Timeout: math.MaxInt64}}); err == nil ||
		!strings.Contains(err.Error(), "timeout from 1 ms to 315360000000 ms (10 years)") {
		t.Errorf("activation with a timeout of MaxInt64: %v", err)
	}
	if _, err := e.Process(Command{ValueType: ValueMessage, Intent: IntentPublish, Key: -1,
		Value: &MessageValue{Name: "m", TimeToLive: math.MaxInt64}}); err == nil || !strings.Contains(err.Error(), "time to live up to") {
		t.Errorf("publish with a time to live of MaxInt64: %v", err)
	}
	if _, err := e.Process(Command{ValueType: ValueJobBatch, Intent: IntentActivate, Key: -1,
		Value: &JobBatchValue{Type: "t", Worker: "w", MaxJobsToActivate: 1, Timeout: MaxDuration}}); err != nil {
		t.Errorf("activation with a timeout of MaxDuration: %v", err)
	}
}
