package trace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// readAlerts reads every committed alert of a topic.
func readAlerts(t testing.TB, tb *testBroker, topic string) []Alert {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := kafka.NewClient(ctx, tb.cfg, kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []Alert
	for {
		pctx, pcancel := context.WithTimeout(ctx, 500*time.Millisecond)
		fs := cl.PollFetches(pctx)
		pcancel()
		if fs.NumRecords() == 0 {
			return out
		}
		fs.EachRecord(func(r *kgo.Record) {
			var a Alert
			if err := json.Unmarshal(r.Value, &a); err != nil {
				t.Errorf("alert %s: %v", r.Value, err)
			}
			out = append(out, a)
		})
	}
}

// alertKeys lists alerts as "type key element", sorted.
func alertKeys(as []Alert) []string {
	var keys []string
	for _, a := range as {
		keys = append(keys, a.Type+" "+a.Data.CorrelationKey+" "+a.Data.ElementID)
	}
	sort.Strings(keys)
	return keys
}

// TestGroupAlertsOnce runs two replicas of a tracking group in process
// against a real broker over TCP: orders (6 partitions, keyed by order
// id) are read by the tasks directly, payments (4 partitions) are
// re-keyed through the repartition topic. Unpaid orders stall, once
// each; paying two of them recovers them; a third replica joining, and
// one leaving, moves tasks with their state and writes no alert twice.
func TestGroupAlertsOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tb := startBroker(t)
	for topic, n := range map[string]int32{"orders": 6, "payments": 4} {
		if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, topic, n); err != nil {
			t.Fatal(err)
		}
	}
	prod, err := kafka.NewClient(ctx, tb.cfg) // franz-go's default partitioner: murmur2 by key
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	produce := func(recs ...*kgo.Record) {
		t.Helper()
		for _, r := range recs {
			r.Partition = 0
		}
		if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	const orders = 40
	for i := range orders {
		id := fmt.Sprintf("o-%d", i)
		recs = append(recs, orderRecord("orders", "OrderPlaced", id, t0.Add(time.Duration(i)*time.Second)))
		if i%2 == 0 {
			recs = append(recs, orderRecord("payments", "PaymentReceived", id, t0.Add(time.Hour)))
		}
	}
	produce(recs...)

	clock := &fakeClock{now: t0.Add(24*time.Hour + 30*time.Minute)}
	var mu sync.Mutex
	var logs []string
	start := func(name string) (stop func()) {
		rctx, rcancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			tr := orderTracer(t, 1, time.Time{})
			done <- tr.Serve(rctx, kafkaOpts(t, tb), GroupOptions{Group: "g", Topics: []string{"orders", "payments"}, AlertsTopic: "alerts",
				ReplicaID: name, CheckpointEvery: 500 * time.Millisecond, Every: 20 * time.Millisecond, IdleAfter: time.Second,
				SessionTimeout: 6 * time.Second, Now: clock.Now,
				Logf: func(f string, a ...any) { mu.Lock(); logs = append(logs, name+": "+fmt.Sprintf(f, a...)); mu.Unlock() }})
		}()
		return func() {
			rcancel()
			if err := <-done; err != nil && ctx.Err() == nil {
				t.Errorf("replica %s: %v", name, err)
			}
		}
	}
	stopA := start("a")
	stopB := start("b")
	defer func() {
		if t.Failed() {
			mu.Lock()
			t.Log(strings.Join(logs, "\n"))
			mu.Unlock()
		}
	}()
	waitAlerts := func(want int) []Alert {
		t.Helper()
		for {
			as := readAlerts(t, tb, "alerts")
			if len(as) >= want || ctx.Err() != nil {
				return as
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	as := waitAlerts(orders / 2)
	if len(as) != orders/2 {
		t.Fatalf("%d alerts, want %d stalls: %v", len(as), orders/2, alertKeys(as))
	}
	for _, a := range as {
		if a.Type != AlertStalled || a.Data.ElementID != "AwaitPayment" || a.SpecVersion != "1.0" {
			t.Errorf("alert %+v", a)
		}
	}
	// Pay two stalled orders; a third replica joins, one leaves.
	produce(orderRecord("payments", "PaymentReceived", "o-1", t0.Add(24*time.Hour+31*time.Minute)),
		orderRecord("payments", "PaymentReceived", "o-3", t0.Add(24*time.Hour+31*time.Minute)))
	clock.Set(t0.Add(24*time.Hour + 32*time.Minute))
	stopC := start("c")
	stopA()
	as = waitAlerts(orders/2 + 2)
	time.Sleep(2 * time.Second) // anything doubled would show by now
	as = readAlerts(t, tb, "alerts")
	keys := alertKeys(as)
	seen := map[string]int{}
	for _, k := range keys {
		seen[k]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s alerted %d times", k, n)
		}
	}
	for _, id := range []string{"o-1", "o-3"} {
		if seen[AlertRecovered+" "+id+" AwaitPayment"] != 1 {
			t.Errorf("no recovered alert for %s: %v", id, keys)
		}
	}
	if len(as) != orders/2+2 {
		t.Errorf("%d alerts, want %d: %v", len(as), orders/2+2, keys)
	}
	stopB()
	stopC()
}

func kafkaOpts(t testing.TB, tb *testBroker) []kgo.Opt {
	t.Helper()
	opts, err := tb.cfg.Opts()
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

// TestGroupMatchesTrace: the demo's history as three services write it
// (orders on 3 partitions, read by the tasks directly; payments on 4 and
// shipping on 2, re-keyed through the repartition topic) gives a group
// the same findings as wfctl trace over the same topics: each time-out
// and unfit record alerted once, and the stalls alerted and not
// recovered are the stalls trace reports. Records reach a task through
// the repartition topic in the order they were forwarded, not in
// event-time order; the sources' watermark records put them back in it.
// The history arrives in four parts, as if live (the wall clock at the
// next part's first record), while replicas join and leave: one, then
// two, then three, then two; so tasks and sources move mid-replay, and
// records pass both through Kafka and in memory.
func TestGroupMatchesTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("replicas over a generated history")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := demo.DefaultOptions()
	o.Orders = 4000
	o.Layout = demo.ServicesLayout()
	o.AsOf = o.End.Add(48 * time.Hour)
	recs, _ := demo.Generate(o)
	recs = slices.SortedStableFunc(slices.Values(recs), func(a, b demo.Record) int { return a.Time.Compare(b.Time) })
	tb := startBroker(t)
	var topics []string
	for _, tc := range o.TopicPartitions() {
		if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, tc.Topic, int32(tc.Partitions)); err != nil {
			t.Fatal(err)
		}
		topics = append(topics, tc.Topic)
	}

	// Each part brings days of event time at once: an input idle for
	// --idle-after before its part lands would let the others run ahead
	// of it (the live grace, as trace --follow's). The parts come 300 ms
	// apart, so a grace of seconds keeps every input holding the others
	// back while the history comes, even on a loaded machine.
	idle := 5 * time.Second
	clock := &fakeClock{now: recs[0].Time}
	var mu sync.Mutex
	var logs []string
	handovers := 0
	stops := map[string]func(){}
	start := func(name string) {
		rctx, rcancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- orderTracer(t, 1, time.Time{}).Serve(rctx, kafkaOpts(t, tb), GroupOptions{Group: "g", Topics: topics, AlertsTopic: "alerts",
				ReplicaID: name, CheckpointEvery: 500 * time.Millisecond, Every: 20 * time.Millisecond, IdleAfter: idle,
				SessionTimeout: 6 * time.Second, Now: clock.Now,
				Logf: func(f string, a ...any) {
					mu.Lock()
					defer mu.Unlock()
					logs = append(logs, name+": "+fmt.Sprintf(f, a...))
					if strings.Contains(f, "handed over") {
						handovers++
					}
				}})
		}()
		stops[name] = func() {
			rcancel()
			if err := <-done; err != nil && ctx.Err() == nil {
				t.Errorf("replica %s: %v", name, err)
			}
			delete(stops, name)
		}
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
		if t.Failed() {
			mu.Lock()
			t.Log(strings.Join(logs, "\n"))
			mu.Unlock()
		}
	}()
	const parts = 4
	from := 0
	for k := range parts {
		to := len(recs) * (k + 1) / parts
		for to < len(recs) && to > 0 && recs[to].Time.Equal(recs[to-1].Time) {
			to++ // a part ends between two instants
		}
		krs := make([]*kgo.Record, 0, to-from)
		for _, r := range recs[from:to] {
			krs = append(krs, kafkaRecord(r))
		}
		if err := kafka.ProduceAll(ctx, tb.cl, tb.cfg, krs); err != nil {
			t.Fatal(err)
		}
		if to < len(recs) {
			clock.Set(recs[to].Time) // judged at most at the next part's first record
		} else {
			clock.Set(o.AsOf.Add(idle)) // judged at trace's as-of
		}
		switch k {
		case 0:
			start("a")
		case 1:
			start("b")
		case 2:
			start("c")
			stops["a"]()
		}
		from = to
		time.Sleep(300 * time.Millisecond)
	}

	ref := tb.trace(t, orderTracer(t, 1, o.AsOf), topics...)
	want := map[string]int{}
	for _, in := range ref.Stalled {
		want["stalled "+in.CorrelationKey]++
	}
	for _, in := range ref.TimedOut {
		want["timedout "+in.CorrelationKey]++
	}
	for _, u := range ref.Unfit {
		want["unfit "+u.Location.String()]++
	}
	if len(ref.TimedOut) == 0 || len(ref.Unfit) == 0 || len(ref.Stalled) == 0 {
		t.Fatalf("the history has no time-outs, unfit records or stalls: %+v", ref.Summary)
	}
	count := func(as []Alert) map[string]int {
		got := map[string]int{}
		for _, a := range as {
			switch a.Type {
			case AlertStalled:
				got["stalled "+a.Data.CorrelationKey]++
			case AlertRecovered:
				got["stalled "+a.Data.CorrelationKey]--
			case AlertTimedOut:
				got["timedout "+a.Data.CorrelationKey]++
			case AlertUnfit:
				got["unfit "+a.Data.LastRecord.String()]++
			default:
				t.Errorf("alert %+v", a)
			}
		}
		maps.DeleteFunc(got, func(_ string, n int) bool { return n == 0 })
		return got
	}
	var as []Alert
	for ctx.Err() == nil {
		as = readAlerts(t, tb, "alerts")
		if maps.Equal(count(as), want) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // anything doubled or late would show by now
	as = readAlerts(t, tb, "alerts")
	got := count(as)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: alerted %d times, trace reports it %d", k, got[k], n)
		}
	}
	reasons := map[string]string{}
	for _, a := range as {
		if a.Type == AlertUnfit {
			reasons["unfit "+a.Data.LastRecord.String()] = a.Data.Reason
		}
	}
	for k, n := range got {
		if want[k] == 0 {
			t.Errorf("%s: alerted %d times, trace does not report it %s", k, n, reasons[k])
		}
	}
	ids := map[string]bool{}
	for _, a := range as {
		if ids[a.ID] {
			t.Errorf("alert %s written twice: %+v", a.ID, a)
		}
		ids[a.ID] = true
	}
	mu.Lock()
	if handovers == 0 {
		t.Errorf("no task moved while the history came: the test does not test that")
	}
	mu.Unlock()
	t.Logf("%d alerts, %d tasks handed over; trace: %d stalled, %d timed out, %d unfit", len(as), handovers, len(ref.Stalled), len(ref.TimedOut), len(ref.Unfit))
}

// TestStaticReplica: a replica with a stable ID is a static member of the
// group (group.instance.id = ReplicaID). A clean stop takes it out of the
// group at once, though a static member's client does not leave when it
// closes; and a second live run with the same ID takes the first one's
// place, which then stops with an error that says so rather than
// fighting it for the slot. (That a run started again after SIGKILL takes
// its partitions back at once is TestTraceGroupFailover's, with real
// processes.)
func TestStaticReplica(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tb := startBroker(t)
	if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, "orders", 2); err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(tb.cl)
	members := func() ([]string, string) {
		t.Helper()
		gs, err := adm.DescribeGroups(ctx, "g")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range gs["g"].Members {
			id := "(dynamic)"
			if m.InstanceID != nil {
				id = *m.InstanceID
			}
			ids = append(ids, id+" "+m.MemberID)
		}
		return ids, gs["g"].State
	}
	waitMember := func(not string) string {
		t.Helper()
		for ctx.Err() == nil {
			if ids, state := members(); len(ids) == 1 && strings.HasPrefix(ids[0], "r1 ") && ids[0] != not && state == "Stable" {
				return ids[0]
			}
			time.Sleep(50 * time.Millisecond)
		}
		ids, state := members()
		t.Fatalf("group %s with members %v, want r1 alone (not %q)", state, ids, not)
		return ""
	}
	start := func() (stop func() error, done <-chan error) {
		rctx, rcancel := context.WithCancel(ctx)
		ch := make(chan error, 1)
		go func() {
			ch <- orderTracer(t, 1, time.Time{}).Serve(rctx, kafkaOpts(t, tb), GroupOptions{Group: "g", Topics: []string{"orders"},
				AlertsTopic: "alerts", ReplicaID: "r1", Static: true, SessionTimeout: 2 * time.Minute, CheckpointEvery: 500 * time.Millisecond})
		}()
		return func() error { rcancel(); return <-ch }, ch
	}

	stop, _ := start()
	first := waitMember("")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// Gone at once, not after the two-minute session.
	if ids, state := members(); len(ids) != 0 {
		t.Fatalf("after a clean stop the group is %s with %v, want no member", state, ids)
	}

	_, doneA := start() // it ends when replaced
	a := waitMember(first)
	stopB, _ := start() // the same ID, while the first run lives
	select {
	case err := <-doneA:
		if err == nil || !strings.Contains(err.Error(), `another run of replica "r1" joined group g and took its place`) {
			t.Fatalf("the replaced run ended with %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the replaced run did not stop")
	}
	waitMember(a)
	_ = stopB() // it may have been fenced in turn by the first run's last requests; either way it ends
}

// TestGroupSessionTimeoutRefused: a session timeout the broker does not
// allow is a usage error that names session.timeout.ms, not a broker
// failure.
func TestGroupSessionTimeoutRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tb := startBroker(t)
	if _, err := kafka.EnsureTopic(ctx, tb.cl, tb.cfg, "orders", 2); err != nil {
		t.Fatal(err)
	}
	err := orderTracer(t, 1, time.Time{}).Serve(ctx, kafkaOpts(t, tb), GroupOptions{Group: "g", Topics: []string{"orders"},
		AlertsTopic: "alerts", ReplicaID: "r1", SessionTimeout: time.Second})
	var ce *kafka.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "session.timeout.ms=1000") {
		t.Fatalf("got %v, want a usage error naming session.timeout.ms=1000", err)
	}
}
