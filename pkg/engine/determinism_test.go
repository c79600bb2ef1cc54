package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDeterminism drives an engine with seeded random command sequences
// over every fixture model and checks the three promises of the design:
//
//  1. the same commands give the same records, byte for byte (a second
//     engine runs the commands after a JSON round trip);
//  2. replaying the records onto an empty engine rebuilds the same state
//     (equal snapshots);
//  3. snapshot, restore and continue equals the uninterrupted run.
func TestDeterminism(t *testing.T) {
	seeds := 20
	if testing.Short() {
		seeds = 4
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { checkDeterminism(t, uint64(seed), 400) })
	}
}

func checkDeterminism(t *testing.T, seed uint64, steps int) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	a := New(WithStartTime(start))
	b := New(WithStartTime(start))
	g := &generator{rng: rand.New(rand.NewPCG(seed, 7)), e: a, t: t}
	var logA, logB []string
	var records []Record
	var mid []byte
	var rest []Command
	for i := range steps {
		cmd := g.next(i)
		if i == steps/2 {
			mid = mustSnapshot(t, a)
		}
		if i >= steps/2 {
			rest = append(rest, cmd)
		}
		ra, _ := a.Process(cmd)
		for _, r := range ra {
			logA = append(logA, mustJSON(t, r))
			records = append(records, r.Clone())
		}
		rb, _ := b.Process(roundTrip(t, cmd))
		for _, r := range rb {
			logB = append(logB, mustJSON(t, r))
		}
	}
	compareLogs(t, "second engine", logA, logB)
	final := mustSnapshot(t, a)

	replayed := New(WithStartTime(start))
	for _, r := range records {
		if err := replayed.Apply(roundTripRecord(t, r)); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustSnapshot(t, replayed); string(got) != string(final) {
		t.Fatalf("seed %d: replayed state differs:\n%s", seed, diffLines(indent(final), indent(got)))
	}

	restored, err := Restore(mid)
	if err != nil {
		t.Fatal(err)
	}
	var logR []string
	for _, cmd := range rest {
		rr, _ := restored.Process(cmd)
		for _, r := range rr {
			logR = append(logR, mustJSON(t, r))
		}
	}
	compareLogs(t, "restored engine", logA[len(logA)-len(logR):], logR)
	if got := mustSnapshot(t, restored); string(got) != string(final) {
		t.Fatalf("seed %d: restored-and-continued state differs:\n%s", seed, diffLines(indent(final), indent(got)))
	}
	if a.Stats().Created == 0 {
		t.Fatalf("seed %d: no instance was created", seed)
	}
}

func compareLogs(t *testing.T, what string, want, got []string) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s wrote %d records, want %d", what, len(got), len(want))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("%s: record %d differs:\nwant %s\ngot  %s", what, i, want[i], got[i])
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func roundTrip(t *testing.T, c Command) Command {
	var out Command
	if err := json.Unmarshal([]byte(mustJSON(t, c)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func roundTripRecord(t *testing.T, r Record) Record {
	var out Record
	if err := json.Unmarshal([]byte(mustJSON(t, r)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func indent(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.MarshalIndent(v, "", " ")
	return string(out)
}

// generator makes random but valid-looking commands from the state of
// the engine it drives (the same state in every engine it is compared
// with).
type generator struct {
	rng *rand.Rand
	e   *Engine
	t   *testing.T
}

var (
	detModels = []string{"order.bpmn", "receive.bpmn", "boundary-timers.bpmn", "message-boundary.bpmn",
		"parallel.bpmn", "event-gateway.bpmn", "subprocess.bpmn", "errors.bpmn", "terminate.bpmn",
		"io-mapping.bpmn", "timer-start.bpmn", "fulfillment.bpmn", "gateway-incident.bpmn",
		"catch-events.bpmn", "tasks.bpmn", "inclusive-link.bpmn", "multi-instance.bpmn", "call-activity.bpmn",
		"event-subprocess.bpmn", "cron.bpmn", "inclusive-join.bpmn", "escalation.bpmn", "signal.bpmn",
		"compensation.bpmn", "discount.dmn", "decision.bpmn", "adhoc.bpmn", "listeners.bpmn"}
	detProcesses = []string{"order", "payment", "reminders", "approval", "parallel", "quote", "fulfil", "pay",
		"deadline", "invoice", "route", "delivery", "tasks", "decide", "notify", "campaign", "sell", "booking", "snooze",
		"lunch", "shipping", "audit", "courier", "trip", "refund", "price", "research", "audited"}
	detMessages = []string{"PaymentReceived", "Withdrawn", "Comment", "QuoteAccepted", "OrderPlaced",
		"GoodsShipped", "OrderDelivered", "DeliveryConfirmed", "ChangeRequested", "Cancelled", "intake-requested"}
	detJobTypes = []string{"charge", "ship", "remind", "notify", "pack", "invoice", "pick", "refund", "pay",
		"work", "report", "rules", "notify-mail", userTaskJobType, "mail", "sms", "send", "approve", "reserve", "note",
		"pasta", "salad", "check", "eat", "review", "drive",
		"book-hotel", "cancel-hotel", "book-flight", "cancel-flight", "reserve-seat", "release-seat", "charge-trip",
		"pay-order", "refund-order", "ship-order", "unship-order", "review-price", "search", "summarize", "ask-expert", "audit-open",
		"prepare", "check-eu", "check-us", "work-audited", "record", "assign-approver", "audit-approval", "intake-open", "handle-intake"}
)

func (g *generator) next(i int) Command {
	if i < len(detModels) {
		src, err := os.ReadFile(filepath.Join("../../fixtures/engine", detModels[i]))
		if err != nil {
			g.t.Fatal(err)
		}
		return Command{ValueType: ValueDeployment, Intent: IntentCreate, Key: -1,
			Value: &DeploymentValue{Resources: []Resource{{Name: detModels[i], Content: src}}}}
	}
	switch n := g.rng.IntN(100); {
	case n < 25:
		return g.create()
	case n < 45:
		return g.publish()
	case n < 65:
		return g.jobCommand()
	case n < 75:
		return Command{ValueType: ValueJobBatch, Intent: IntentActivate, Key: -1, Value: &JobBatchValue{
			Type: pick(g.rng, detJobTypes), Worker: "w", Timeout: int64(g.rng.IntN(120)+1) * 1000, MaxJobsToActivate: int32(g.rng.IntN(3) + 1)}}
	case n < 85:
		return Command{ValueType: ValueClock, Intent: IntentTick, Key: -1,
			Value: &ClockValue{Time: g.e.now + int64(g.rng.IntN(3*3600))*1000}}
	default:
		return g.other()
	}
}

func (g *generator) vars() map[string]any {
	k := fmt.Sprint("k-", g.rng.IntN(6))
	return map[string]any{
		"amount": float64(g.rng.IntN(200)), "orderId": k, "requestId": k, "quoteId": k, "deliveryId": k,
		"x": float64(g.rng.IntN(10)), "a": float64(g.rng.IntN(5)), "b": float64(g.rng.IntN(5)), "channel": "mail", "minutes": float64(g.rng.IntN(90)),
		"order": map[string]any{"items": float64(g.rng.IntN(3)), "address": "x"}, "customer": map[string]any{"name": "Ada", "orders": float64(g.rng.IntN(13))},
		"rule":  pick(g.rng, []string{"discount", "tier", "none"}),
		"tools": []any{"Search", "AskExpert"}[:g.rng.IntN(3)%2+1], "answered": g.rng.IntN(2) == 0,
		"mail": g.rng.IntN(2) == 0, "sms": g.rng.IntN(2) == 0, "bookingId": k,
		"recipients": []any{"a", "b"}[:g.rng.IntN(3)%2+1], "approvers": []any{"c", "d", "e"},
		"pasta": g.rng.IntN(2) == 0, "salad": g.rng.IntN(2) == 0, "check": g.rng.IntN(2) == 0, "spoiled": g.rng.IntN(2) == 0,
		"code": pick(g.rng, []string{"stop", "audit", "late", "other"}), "region": pick(g.rng, []string{"north", "south", "eu", "us"}),
		"hotelId": k, "seats": []any{"1A", "1B"}[:g.rng.IntN(3)%2+1],
	}
}

func (g *generator) create() Command {
	return Command{ValueType: ValueProcessInstanceCreation, Intent: IntentCreate, Key: -1,
		Value: &ProcessInstanceCreationValue{BPMNProcessID: pick(g.rng, detProcesses), Version: -1, Variables: g.vars()}}
}

func (g *generator) publish() Command {
	m := &MessageValue{Name: pick(g.rng, detMessages), CorrelationKey: fmt.Sprint("k-", g.rng.IntN(6)),
		Variables: map[string]any{"paid": float64(g.rng.IntN(100)), "text": "hi"}}
	if g.rng.IntN(3) == 0 {
		m.TimeToLive = int64(g.rng.IntN(7200)) * 1000
	}
	if g.rng.IntN(4) == 0 {
		m.MessageID = fmt.Sprint("m-", g.rng.IntN(4))
	}
	if m.Name == "OrderPlaced" && g.rng.IntN(2) == 0 {
		m.CorrelationKey = ""
	}
	return Command{ValueType: ValueMessage, Intent: IntentPublish, Key: -1, Value: m}
}

func (g *generator) jobCommand() Command {
	keys := sortedKeys(g.e.jobs)
	key := int64(-1)
	if len(keys) > 0 && g.rng.IntN(10) > 0 {
		key = keys[g.rng.IntN(len(keys))]
	}
	v := &JobValue{}
	in := IntentComplete
	switch n := g.rng.IntN(10); {
	case n < 6:
		v.Variables = map[string]any{"charged": true, "trackingNo": "T", "result": map[string]any{"total": 3.0},
			"status": "ok", "decision": pick(g.rng, []string{"accept", "reject"})}
	case n < 8:
		in, v.Retries, v.RetryBackoff, v.ErrorMessage = IntentFail, int32(g.rng.IntN(3)), int64(g.rng.IntN(2))*60000, "boom"
	case n < 9:
		in, v.ErrorCode = IntentThrowError, pick(g.rng, []string{"CARD_DECLINED", "OTHER", "OUT_OF_STOCK", "NO_SEATS", "declined"})
	case g.rng.IntN(2) == 0:
		in = IntentYield
	default:
		in, v.Retries = IntentUpdateRetries, int32(g.rng.IntN(3))
	}
	return Command{ValueType: ValueJob, Intent: in, Key: key, Value: v}
}

func (g *generator) other() Command {
	switch g.rng.IntN(4) {
	case 3:
		return BroadcastSignalCommand(pick(g.rng, []string{"launch", "go", "remind", "audit", "cancel-north", "cancel-south", "intake-all"}),
			map[string]any{"by": "det"})
	case 0:
		if incs := g.e.Incidents(); len(incs) > 0 {
			return Command{ValueType: ValueIncident, Intent: IntentResolve, Key: incs[g.rng.IntN(len(incs))].Key, Value: &IncidentValue{}}
		}
	case 1:
		if ins := g.e.Instances(); len(ins) > 0 {
			k := ins[g.rng.IntN(len(ins))].Key
			return Command{ValueType: ValueVariableDocument, Intent: IntentUpdate, Key: -1,
				Value: &VariableDocumentValue{ScopeKey: k, Variables: map[string]any{"x": float64(g.rng.IntN(10))}}}
		}
	}
	key := int64(42)
	if ins := g.e.Instances(); len(ins) > 0 {
		key = ins[g.rng.IntN(len(ins))].Key
	}
	return Command{ValueType: ValueProcessInstance, Intent: IntentCancel, Key: key, Value: &ProcessInstanceValue{ProcessInstanceKey: key}}
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
