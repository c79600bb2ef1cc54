package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/trace"
)

// TestTraceGroupFailover is issue 14's "must show" for tracking groups,
// with the real binary: replicas of `wfctl trace --follow --group` in
// processes of their own, on a broker in process over TCP, orders on 6
// partitions (keyed by order id, murmur2) read by the tasks directly and
// payments on 4 partitions re-keyed through the repartition topic. While
// a generator produces a history with known stalls, recoveries, time-outs
// and unfit records, one of three replicas is killed with SIGKILL in the
// middle of the load, started again with the same --replica-id, and a
// fourth replica joins. Every alert the history calls for is on the
// alerts topic exactly once (read_committed), a recovery after its stall;
// and the replicas' /metrics agree with the alerts topic: each live
// replica's wfctl_trace_alerts_written_total{type} equals the alerts its
// transactional producer wrote (told apart on the topic by producer ID and
// epoch, so that the killed run's alerts, whose counters died with it, are
// not counted), and the gauges summed over the replicas equal what the
// alerts and the generator say: instances stalled (the stalls not
// recovered on the topic, which are the unpaid orders), in flight (the
// unpaid orders: every other order ended) and timed out in flight (none:
// every timed-out order ended at its escalation end event).
//
// Why the expected set is exact. A group judges stalls and timers at its
// tasks' event time: the watermark, or, once every input is caught up,
// the wall clock less --idle-after. The second depends on when records
// happen to arrive, and so does the order in which a task takes records
// of different inputs (a caught-up input does not hold the others back,
// as in Kafka Streams). So the history is dated a year ahead of the wall
// clock, which leaves the wall clock no say, and is produced in rounds,
// one event-time day apart (only the last two are further): round r holds
// the events dated on day r, and the generator produces round r+1 only
// once the group has committed every record of round r (every input,
// the repartition topic included, at its high watermark), that is once
// each of them is in its task. No order has events of two inputs in one
// round (placed, then paid the next day, then shipped and delivered the
// day after), and the AwaitPayment threshold (36h) is longer than a day
// and an hour, so whatever order a round's records reach their tasks in,
// no task's clock passes a decision while a record it depends on is on
// its way. Each round ends with a tick (a record no model waits for) on
// every partition, so that every task's clock reaches the round's end.
//
// The orders of each of 5 cohorts (placed on day k) are:
//
//	complete   paid day k+1, shipped and delivered day k+2: no alert
//	unpaid     never paid: stalled at AwaitPayment (day k+2)
//	paid late  paid day k+3, after its stall (waited for): stalled, then
//	           recovered; shipped and delivered day k+4
//	unshipped  paid day k+1, never shipped: timed out at AwaitShipment
//	           (ShipmentLate, P3D)
//	undelivered paid day k+1, shipped day k+2, never delivered: timed out
//	           at AwaitDelivery (DeliveryOverdue, P7D)
//
// and a payment for an order never placed (unfit). A round twenty days
// after the last fires every timer; a sentinel round a day later marks
// the end: once every replica's watermark has passed it, every alert due
// has been committed, and anything doubled by the failover (a task
// restored on another replica re-judging what its predecessor alerted)
// would be on the topic.
func TestTraceGroupFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("runs five wfctl processes against a broker for half a minute")
	}
	testStart := time.Now()
	elapsed := func() string { return time.Since(testStart).Round(100 * time.Millisecond).String() }
	bin := buildWfctl(t)
	t.Logf("%s: binary built", elapsed())
	modelPath, err := filepath.Abs("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	// The deadline only bounds a hang; every wait below is for a
	// condition, with its own generous deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	b, err := broker.Start(ctx, broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	adminCl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer adminCl.Close()
	adm := kadm.NewClient(adminCl)
	const (
		group       = "fo"
		ordersParts = 6
		paysParts   = 4
	)
	alertsTopic := "wfctl.trace." + group + ".alerts"
	repartition := "wfctl.trace." + group + ".repartition"
	for topic, n := range map[string]int32{"orders": ordersParts, "payments": paysParts} {
		resp, err := adm.CreateTopic(ctx, n, 1, nil, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			t.Fatalf("create %s: %v", topic, err)
		}
	}
	// Records are placed as Kafka's default partitioner (murmur2 of the
	// key, franz-go's default too) places them; ticks go to each
	// partition by number.
	prod, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()

	h := newFailoverHistory(time.Now())
	reps := &replicaSet{t: t, bin: bin, args: []string{"trace", "--follow", "--group", group,
		"--topic", "orders", "--topic", "payments", "-m", modelPath, "-b", b.Addr(),
		"--metrics-addr", "127.0.0.1:0", "--checkpoint-every", "500ms", "--stall-after", "AwaitPayment=36h",
		"-o", "ndjson", "--color", "never",
		// A run that stops answering keeps its partitions for two
		// minutes: the restarted r2 must take them back as a static
		// member (--replica-id), not wait for the dead run to expire.
		"-X", "session.timeout.ms=120000"}}
	t.Cleanup(reps.stopAll)
	defer func() {
		if t.Failed() {
			reps.dumpLogs()
		}
	}()

	log := &alertLog{t: t, addr: b.Addr(), adm: adm, topic: alertsTopic}
	defer log.close()

	produceRound := func(r int) {
		t.Helper()
		recs := h.round(r)
		for _, rec := range recs {
			if rec.Key != nil {
				rec.Partition = int32(murmur2Partition(rec.Topic, rec.Key, map[string]int{"orders": ordersParts, "payments": paysParts}[rec.Topic]))
			}
		}
		if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatalf("round %d: produce: %v", r, err)
		}
	}
	// waitFor polls cond until it holds; it fails the test, saying what
	// was last seen, when a replica died unasked or the deadline passed.
	waitUntil := func(what string, deadline time.Duration, cond func() (bool, string)) bool {
		t.Helper()
		wctx, wcancel := context.WithTimeout(ctx, deadline)
		defer wcancel()
		var last string
		for {
			if err := reps.crashed(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			ok, detail := cond()
			if ok {
				return true
			}
			last = detail
			select {
			case <-wctx.Done():
				t.Errorf("%s: not reached in %s: %s", what, deadline, last)
				return false
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	waitFor := func(what string, deadline time.Duration, cond func() (bool, string)) {
		t.Helper()
		if !waitUntil(what, deadline, cond) {
			t.FailNow()
		}
	}
	// committedThrough: the group has committed every record of its
	// inputs, the repartition topic included, up to the high watermark
	// (transaction markers included: the replicas keep control records).
	committedThrough := func() (bool, string) {
		ends, err := adm.ListEndOffsets(ctx, "orders", "payments", repartition)
		if err != nil {
			return false, err.Error()
		}
		if _, ok := ends[repartition]; !ok || ends.Error() != nil {
			return false, fmt.Sprintf("end offsets: %v", ends.Error())
		}
		committed, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			return false, err.Error()
		}
		var behind []string
		ends.Each(func(e kadm.ListedOffset) {
			at := int64(0)
			if c, ok := committed.Lookup(e.Topic, e.Partition); ok && c.Err == nil {
				at = c.At
			}
			if at < e.Offset {
				behind = append(behind, fmt.Sprintf("%s/%d at %d of %d", e.Topic, e.Partition, at, e.Offset))
			}
		})
		sort.Strings(behind)
		return len(behind) == 0, "not committed: " + strings.Join(behind, ", ")
	}
	alertsPresent := func(want map[alertKey]int) func() (bool, string) {
		return func() (bool, string) {
			if err := log.sync(ctx); err != nil {
				return false, err.Error()
			}
			have := log.counts()
			var missing []string
			for k := range want {
				if have[k] == 0 {
					missing = append(missing, k.String())
				}
			}
			sort.Strings(missing)
			return len(missing) == 0, fmt.Sprintf("%d of %d expected alerts missing: %s", len(missing), len(want), strings.Join(missing, "; "))
		}
	}
	gate := func(r int) {
		t.Helper()
		waitFor(fmt.Sprintf("round %d committed", r), 90*time.Second, committedThrough)
		waitFor(fmt.Sprintf("round %d: stalls due", r), 60*time.Second, alertsPresent(h.stallsDueAfter(r)))
		t.Logf("%s: round %d through (%d alerts on the topic)", elapsed(), r, len(log.recs))
	}

	// Three replicas.
	r1, r2, r3 := reps.start("r1"), reps.start("r2"), reps.start("r3")
	for r := range 3 {
		produceRound(r)
		gate(r)
	}
	// r2 owns tasks, so that killing it moves work.
	waitFor("r2 owns tasks", 60*time.Second, func() (bool, string) {
		fams, err := r2.scrape()
		if err != nil {
			return false, err.Error()
		}
		n := familySum(fams, "wfctl_trace_tasks_owned", nil)
		return n >= 1, fmt.Sprintf("r2 owns %v tasks", n)
	})

	// Mid-load: round 3 is on its way through the replicas when r2 dies,
	// in the middle of a transaction (records forwarded, checkpoints or
	// alerts written, not committed) as far as the test can aim: it
	// kills as soon as the broker says r2's transaction is open.
	killedTxn := "wfctl.trace." + group + ".r2"
	describeKilled := func() (kadm.DescribedTransaction, bool) {
		d, err := adm.DescribeTransactions(ctx, killedTxn)
		if err != nil {
			t.Fatalf("describe %s: %v", killedTxn, err)
		}
		dt, ok := d[killedTxn]
		return dt, ok && dt.Err == nil
	}
	produceRound(3)
	// A transaction is open at the broker from its first write to its
	// end; while none is seen, more ticks of round 3 (at its tick time:
	// they change no decision) keep r2 forwarding and checkpointing.
	lastTicks := time.Now()
	waitFor("r2 in a transaction", 60*time.Second, func() (bool, string) {
		for range 20 {
			if dt, ok := describeKilled(); ok && dt.State == "Ongoing" {
				return true, ""
			}
			time.Sleep(5 * time.Millisecond)
		}
		if time.Since(lastTicks) > 200*time.Millisecond {
			lastTicks = time.Now()
			if err := prod.ProduceSync(ctx, h.ticks(3)...).FirstErr(); err != nil {
				return false, err.Error()
			}
		}
		return false, "no transaction of r2 seen open"
	})
	// members lists the group's members by instance ID (--replica-id).
	members := func() (map[string]kadm.DescribedGroupMember, string, error) {
		gs, err := adm.DescribeGroups(ctx, group)
		if err != nil {
			return nil, "", err
		}
		g := gs[group]
		if g.Err != nil {
			return nil, "", g.Err
		}
		by := map[string]kadm.DescribedGroupMember{}
		for _, m := range g.Members {
			id := "(dynamic) " + m.MemberID
			if m.InstanceID != nil {
				id = *m.InstanceID
			}
			by[id] = m
		}
		return by, g.State, nil
	}
	before, _, err := members()
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 3 || before["r1"].MemberID == "" || before["r2"].MemberID == "" || before["r3"].MemberID == "" {
		t.Fatalf("group members before the kill: %v, want static members r1, r2, r3", slices.Sorted(maps.Keys(before)))
	}
	r2.kill()
	// Every record the killed run wrote has an epoch up to the one it
	// had when it died; its successor's InitProducerID bumps past it.
	dt, ok := describeKilled()
	if !ok {
		t.Fatalf("describe %s after the kill: %v", killedTxn, dt.Err)
	}
	killPID, killEpoch := dt.ProducerID, dt.ProducerEpoch
	t.Logf("%s: r2 killed (SIGKILL); its transactional producer %d at epoch %d, transaction %s on %v", elapsed(), killPID, killEpoch, dt.State, dt.Topics.Sorted())
	// Started again with the same --replica-id, as a StatefulSet would.
	r2b := reps.start("r2")
	// Long before the dead run's session (two minutes) could expire,
	// the new run has replaced it in the group and holds its partitions.
	waitFor("the restarted r2 replaces its dead run in the group", 45*time.Second, func() (bool, string) {
		now, state, err := members()
		if err != nil {
			return false, err.Error()
		}
		m, ok := now["r2"]
		var parts int
		if c, ok := m.Assigned.AsConsumer(); ok {
			for _, tp := range c.Topics {
				parts += len(tp.Partitions)
			}
		}
		return len(now) == 3 && ok && m.MemberID != before["r2"].MemberID && parts > 0 && state == "Stable",
			fmt.Sprintf("group %s with %v; r2 is member %q (dead run's %q) with %d partitions", state, slices.Sorted(maps.Keys(now)), m.MemberID, before["r2"].MemberID, parts)
	})
	t.Logf("%s: r2 started again and back in the group as the same static member", elapsed())
	gate(3)
	produceRound(4)
	gate(4)
	// A fourth replica joins in the middle of round 5.
	produceRound(5)
	r4 := reps.start("r4")
	gate(5)
	for r := 6; r < h.rounds; r++ {
		produceRound(r)
		gate(r)
	}
	// Every timer fires.
	produceRound(h.rounds)
	waitFor("every expected alert", 60*time.Second, alertsPresent(h.expected()))
	t.Logf("%s: every expected alert on the topic", elapsed())

	// The sentinel: once every replica's watermark has passed it, and the
	// metrics agree with the topic, every alert is written.
	produceRound(h.rounds + 1)
	waitFor("sentinel round committed", 60*time.Second, committedThrough)
	live := []*replica{r1, r2b, r3, r4}
	txnIDs := make([]string, len(live))
	for i, rp := range live {
		txnIDs[i] = "wfctl.trace." + group + "." + rp.id
	}
	sentinel := float64(h.base(h.rounds+1).Add(time.Hour).UnixMilli()) / 1000
	var pids map[int64]*replica
	scrapeAll := func() ([]*replicaMetrics, error) {
		var ms []*replicaMetrics
		for _, rp := range live {
			m, err := rp.metrics()
			if err != nil {
				return nil, err
			}
			ms = append(ms, m)
		}
		return ms, nil
	}
	waitFor("replicas settled", 60*time.Second, func() (bool, string) {
		d, err := adm.DescribeTransactions(ctx, txnIDs...)
		if err != nil {
			return false, err.Error()
		}
		pids = map[int64]*replica{}
		for i, rp := range live {
			dt, ok := d[txnIDs[i]]
			if !ok || dt.Err != nil {
				return false, fmt.Sprintf("%s: no transactional producer yet", rp.id)
			}
			pids[dt.ProducerID] = rp
		}
		ms, err := scrapeAll()
		if err != nil {
			return false, err.Error()
		}
		return settled(ms, sentinel)
	})
	t.Logf("%s: replicas settled", elapsed())
	// Not fatal: what the alerts topic holds is checked below either way.
	if waitUntil("metrics agreeing with the alerts topic", 30*time.Second, func() (bool, string) {
		if err := log.sync(ctx); err != nil {
			return false, err.Error()
		}
		ms, err := scrapeAll()
		if err != nil {
			return false, err.Error()
		}
		return metricsAgree(ms, log, pids, killPID, killEpoch, h)
	}) {
		t.Logf("%s: metrics agree with the alerts topic", elapsed())
	}

	// The alerts topic, read_committed: exactly the expected alerts.
	if err := log.sync(ctx); err != nil {
		t.Fatal(err)
	}
	want := h.expected()
	have := log.counts()
	for _, k := range sortedKeys(want) {
		switch n := have[k]; {
		case n == 0:
			t.Errorf("missing: %s", k)
		case n > 1:
			t.Errorf("written %d times: %s", n, k)
		}
	}
	for _, k := range sortedKeys(have) {
		if want[k] == 0 {
			t.Errorf("not expected (%d times): %s", have[k], k)
		}
	}
	ids := map[string]int64{}
	at := map[alertKey]int64{}
	for _, rec := range log.recs {
		a := rec.alert
		if prev, ok := ids[a.ID]; ok {
			t.Errorf("alert id %s at offsets %d and %d", a.ID, prev, rec.offset)
		}
		ids[a.ID] = rec.offset
		at[rec.key()] = rec.offset
		if a.SpecVersion != "1.0" || a.Source != "wfctl/trace/"+group || a.Subject != a.Data.CorrelationKey {
			t.Errorf("alert at offset %d: %+v", rec.offset, a)
		}
		if a.Type != trace.AlertUnfit && a.Data.ProcessID != "order-fulfillment" {
			t.Errorf("alert at offset %d: process %q", rec.offset, a.Data.ProcessID)
		}
	}
	// A recovery comes after its stall, and names the same instance.
	for _, rec := range log.recs {
		if rec.alert.Type != trace.AlertRecovered {
			continue
		}
		k := rec.key()
		k.typ = trace.AlertStalled
		off, ok := at[k]
		if !ok || off > rec.offset {
			t.Errorf("recovered at offset %d, its stall at %d (found %v): %s", rec.offset, off, ok, rec.key())
			continue
		}
		st := log.recs[slices.IndexFunc(log.recs, func(x alertRecord) bool { return x.offset == off })].alert
		if st.Data.InstanceKey != rec.alert.Data.InstanceKey || !st.Data.WaitingSince.Equal(*rec.alert.Data.WaitingSince) {
			t.Errorf("recovered %s names instance %s since %v, its stall %s since %v", k.key,
				rec.alert.Data.InstanceKey, rec.alert.Data.WaitingSince, st.Data.InstanceKey, st.Data.WaitingSince)
		}
	}

	// What each run printed (once committed) is what it wrote: a live
	// run printed exactly its alerts on the topic; the killed run's
	// prints are on the topic as its own (it may have died between a
	// commit and the print).
	byRun := map[*replica]map[string]bool{}
	for _, rec := range log.recs {
		rp := runOf(rec, pids, killPID, killEpoch, r2)
		if rp == nil {
			t.Errorf("alert at offset %d written by producer %d epoch %d: no replica's", rec.offset, rec.pid, rec.epoch)
			continue
		}
		if byRun[rp] == nil {
			byRun[rp] = map[string]bool{}
		}
		byRun[rp][rec.alert.ID] = true
	}
	for _, rp := range append([]*replica{r2}, live...) {
		printed := rp.printed(t)
		for _, a := range printed {
			if !byRun[rp][a.ID] {
				t.Errorf("%s printed %s %s, not on the topic as its own", rp.name(), a.Type, a.Subject)
			}
		}
		if rp != r2 && len(printed) != len(byRun[rp]) {
			t.Errorf("%s printed %d alerts, wrote %d", rp.name(), len(printed), len(byRun[rp]))
		}
		t.Logf("%s: wrote %d alerts, printed %d", rp.name(), len(byRun[rp]), len(printed))
	}
	t.Logf("%s: %d alerts, each once", elapsed(), len(log.recs))
}

// failoverHistory is the generated history: which orders there are and
// what becomes of them, and the records of each round.
type failoverHistory struct {
	start  time.Time // day 0, a year ahead of the wall clock
	orders []failoverOrder
	rounds int // rounds with orders' events; then the timers' round and the sentinel
	ghosts map[int][]string
}

type failoverOrder struct {
	id     string
	cohort int
	fate   string
}

const (
	fateComplete    = "complete"
	fateUnpaid      = "unpaid"
	fatePaidLate    = "paid late"
	fateUnshipped   = "unshipped"
	fateUndelivered = "undelivered"
)

func newFailoverHistory(now time.Time) *failoverHistory {
	h := &failoverHistory{start: now.UTC().Truncate(24*time.Hour).AddDate(1, 0, 0), ghosts: map[int][]string{}}
	const cohorts = 5
	fates := []struct {
		fate string
		n    int
	}{{fateComplete, 12}, {fateUnpaid, 4}, {fatePaidLate, 4}, {fateUnshipped, 4}, {fateUndelivered, 4}}
	for k := range cohorts {
		i := 0
		for _, f := range fates {
			for range f.n {
				h.orders = append(h.orders, failoverOrder{id: fmt.Sprintf("o-%d-%02d", k, i), cohort: k, fate: f.fate})
				i++
			}
		}
		h.ghosts[k] = []string{fmt.Sprintf("ghost-%d-a", k), fmt.Sprintf("ghost-%d-b", k)}
	}
	h.rounds = cohorts + 4 // a late payment's shipment comes on day k+4
	return h
}

// base is when round r starts: day r; the timers' round twenty days after
// the last, the sentinel a day after that.
func (h *failoverHistory) base(r int) time.Time {
	if r < h.rounds {
		return h.start.Add(time.Duration(r) * 24 * time.Hour)
	}
	last := h.start.Add(time.Duration(h.rounds-1) * 24 * time.Hour)
	return last.Add(time.Duration(20+r-h.rounds) * 24 * time.Hour)
}

// round is round r's records, a second apart in event time, then a tick
// on every partition an hour into the day.
func (h *failoverHistory) round(r int) []*kgo.Record {
	at := h.base(r)
	var recs []*kgo.Record
	add := func(topic, typ, id string) {
		at = at.Add(time.Second)
		recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(id), Timestamp: at,
			Value: []byte(`{"type":"` + typ + `","orderId":"` + id + `"}`)})
	}
	for _, o := range h.orders {
		switch d := r - o.cohort; {
		case d == 0:
			add("orders", "OrderPlaced", o.id)
		case d == 1 && (o.fate == fateComplete || o.fate == fateUnshipped || o.fate == fateUndelivered):
			add("payments", "PaymentReceived", o.id)
		case d == 2 && o.fate == fateComplete, d == 4 && o.fate == fatePaidLate:
			add("orders", "GoodsShipped", o.id)
			add("orders", "OrderDelivered", o.id)
		case d == 2 && o.fate == fateUndelivered:
			add("orders", "GoodsShipped", o.id)
		case d == 3 && o.fate == fatePaidLate:
			add("payments", "PaymentReceived", o.id)
		}
	}
	for _, id := range h.ghosts[r] {
		add("payments", "PaymentReceived", id)
	}
	return append(recs, h.ticks(r)...)
}

// ticks are round r's ticks: a record no model waits for on every
// partition, an hour into the day.
func (h *failoverHistory) ticks(r int) []*kgo.Record {
	var recs []*kgo.Record
	for _, topic := range []string{"orders", "payments"} {
		for p := range map[string]int32{"orders": 6, "payments": 4}[topic] {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Timestamp: h.base(r).Add(time.Hour), Value: []byte(`{"type":"Tick"}`)})
		}
	}
	return recs
}

// stallsDueAfter are the stalls alerted once round r is through: the
// unpaid and late-paid orders placed two days before or earlier.
func (h *failoverHistory) stallsDueAfter(r int) map[alertKey]int {
	out := map[alertKey]int{}
	for _, o := range h.orders {
		if (o.fate == fateUnpaid || o.fate == fatePaidLate) && o.cohort+2 <= r {
			out[alertKey{trace.AlertStalled, o.id, "AwaitPayment"}] = 1
		}
	}
	return out
}

// expected is every alert of the history, each once.
func (h *failoverHistory) expected() map[alertKey]int {
	out := map[alertKey]int{}
	for _, o := range h.orders {
		switch o.fate {
		case fateUnpaid:
			out[alertKey{trace.AlertStalled, o.id, "AwaitPayment"}] = 1
		case fatePaidLate:
			out[alertKey{trace.AlertStalled, o.id, "AwaitPayment"}] = 1
			out[alertKey{trace.AlertRecovered, o.id, "AwaitPayment"}] = 1
		case fateUnshipped:
			out[alertKey{trace.AlertTimedOut, o.id, "AwaitShipment"}] = 1
		case fateUndelivered:
			out[alertKey{trace.AlertTimedOut, o.id, "AwaitDelivery"}] = 1
		}
	}
	for _, ids := range h.ghosts {
		for _, id := range ids {
			out[alertKey{trace.AlertUnfit, id, ""}] = 1
		}
	}
	return out
}

// stalledNow are the instances stalled at the end: the unpaid orders.
func (h *failoverHistory) stalledNow() int {
	n := 0
	for _, o := range h.orders {
		if o.fate == fateUnpaid {
			n++
		}
	}
	return n
}

// murmur2Partition is where Kafka's default partitioner (and franz-go's)
// puts a keyed record.
func murmur2Partition(topic string, key []byte, n int) int {
	return kgo.StickyKeyPartitioner(nil).ForTopic(topic).Partition(&kgo.Record{Key: key}, n)
}

// alertKey is what an alert says, for counting: type, correlation key and
// element.
type alertKey struct{ typ, key, element string }

func (k alertKey) String() string { return k.typ + " " + k.key + " " + k.element }

func sortedKeys(m map[alertKey]int) []alertKey {
	keys := make([]alertKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	return keys
}

// alertRecord is an alert as read from the topic, with the producer that
// wrote it.
type alertRecord struct {
	alert  trace.Alert
	offset int64
	pid    int64
	epoch  int16
}

func (r alertRecord) key() alertKey {
	return alertKey{r.alert.Type, r.alert.Data.CorrelationKey, r.alert.Data.ElementID}
}

// alertLog reads the alerts topic as a read_committed consumer does, up to
// its last stable offset.
type alertLog struct {
	t     *testing.T
	addr  string
	adm   *kadm.Client
	topic string
	cl    *kgo.Client
	next  int64
	recs  []alertRecord
}

func (l *alertLog) close() {
	if l.cl != nil {
		l.cl.Close()
	}
}

// sync reads every committed alert up to the topic's last stable offset
// now. Control records are kept so that the position passes transaction
// markers, and so reaches the last stable offset.
func (l *alertLog) sync(ctx context.Context) error {
	ends, err := l.adm.ListCommittedOffsets(ctx, l.topic)
	if err != nil {
		return err
	}
	end, ok := ends.Lookup(l.topic, 0)
	if !ok || end.Err != nil {
		return fmt.Errorf("%s: no end offset yet (%v)", l.topic, end.Err)
	}
	if l.cl == nil {
		l.cl, err = kgo.NewClient(kgo.SeedBrokers(l.addr),
			kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{l.topic: {0: kgo.NewOffset().AtStart()}}),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
		if err != nil {
			return err
		}
	}
	for l.next < end.Offset {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		fs := l.cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				ferr = err
			}
		})
		if ferr != nil {
			return ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			l.next = r.Offset + 1
			if r.Attrs.IsControl() {
				return
			}
			var a trace.Alert
			if err := json.Unmarshal(r.Value, &a); err != nil {
				l.t.Errorf("alert at offset %d: %v: %s", r.Offset, err, r.Value)
				return
			}
			l.recs = append(l.recs, alertRecord{alert: a, offset: r.Offset, pid: r.ProducerID, epoch: r.ProducerEpoch})
		})
	}
	return nil
}

func (l *alertLog) counts() map[alertKey]int {
	out := map[alertKey]int{}
	for _, r := range l.recs {
		out[r.key()]++
	}
	return out
}

// runOf is the replica run that wrote an alert: by its transactional
// producer's ID, and, for the killed replica's ID, by epoch (the killed
// run's up to killEpoch, its successor's after).
func runOf(rec alertRecord, pids map[int64]*replica, killPID int64, killEpoch int16, killed *replica) *replica {
	if rec.pid == killPID && rec.epoch <= killEpoch {
		return killed
	}
	return pids[rec.pid]
}

// replicaMetrics is one scrape of a live replica.
type replicaMetrics struct {
	r     *replica
	fams  map[string]*dto.MetricFamily
	ready bool
}

// settled says whether the live replicas own the 6 tasks between them,
// each is ready (/readyz), and each one's watermark (its tasks' earliest
// event time) has passed the sentinel.
func settled(ms []*replicaMetrics, sentinel float64) (bool, string) {
	var problems []string
	var tasks float64
	for _, m := range ms {
		owned := familySum(m.fams, "wfctl_trace_tasks_owned", nil)
		tasks += owned
		if wm := familySum(m.fams, "wfctl_trace_watermark_seconds", nil); owned > 0 && wm < sentinel {
			problems = append(problems, fmt.Sprintf("%s: watermark %v, before the sentinel %v", m.r.id, wm, sentinel))
		}
		if !m.ready {
			problems = append(problems, m.r.id+": not ready")
		}
	}
	if tasks != 6 {
		problems = append(problems, fmt.Sprintf("tasks_owned sums to %v, want 6", tasks))
	}
	return len(problems) == 0, strings.Join(problems, "; ")
}

// metricsAgree says whether the live replicas' metrics agree with the
// alerts topic and the generator: each replica's alerts_written_total by
// type equals the alerts its run wrote; the stalled gauges add up to the
// stalls not recovered on the topic, which are the unpaid orders; the
// in-flight gauges add up to them too (every other order ended); no
// instance is in flight after a timeout.
func metricsAgree(ms []*replicaMetrics, log *alertLog, pids map[int64]*replica, killPID int64, killEpoch int16,
	h *failoverHistory) (bool, string) {
	var problems []string
	written := map[*replica]map[string]float64{}
	stalledOnTopic := map[string]bool{}
	for _, rec := range log.recs {
		rp := runOf(rec, pids, killPID, killEpoch, nil)
		if rp != nil {
			if written[rp] == nil {
				written[rp] = map[string]float64{}
			}
			written[rp][rec.alert.Type]++
		}
		switch rec.alert.Type {
		case trace.AlertStalled:
			stalledOnTopic[rec.alert.Data.InstanceKey] = true
		case trace.AlertRecovered:
			delete(stalledOnTopic, rec.alert.Data.InstanceKey)
		}
	}
	var stalled, inFlight, timedOut float64
	var timedOutAt []string
	for _, m := range ms {
		for _, typ := range []string{trace.AlertStalled, trace.AlertRecovered, trace.AlertTimedOut, trace.AlertIncident, trace.AlertUnfit} {
			got := familySum(m.fams, "wfctl_trace_alerts_written_total", map[string]string{"type": typ})
			if want := written[m.r][typ]; got != want {
				problems = append(problems, fmt.Sprintf("%s: alerts_written_total{type=%q} %v, its alerts on the topic %v", m.r.id, typ, got, want))
			}
		}
		for _, s := range m.fams["wfctl_trace_instances_stalled"].GetMetric() {
			labels := map[string]string{}
			for _, lp := range s.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			if labels["process"] != "order-fulfillment" || labels["element"] != "AwaitPayment" {
				problems = append(problems, fmt.Sprintf("%s: instances_stalled%v %v", m.r.id, labels, s.GetGauge().GetValue()))
			}
		}
		stalled += familySum(m.fams, "wfctl_trace_instances_stalled", nil)
		inFlight += familySum(m.fams, "wfctl_trace_instances_in_flight", nil)
		if n := familySum(m.fams, "wfctl_trace_instances_timed_out", nil); n != 0 {
			timedOut += n
			timedOutAt = append(timedOutAt, fmt.Sprintf("%s: %v", m.r.name(), n))
		}
	}
	want := float64(h.stalledNow())
	if stalled != float64(len(stalledOnTopic)) || stalled != want {
		problems = append(problems, fmt.Sprintf("instances_stalled sums to %v; stalled and not recovered on the topic %d; unpaid orders %v",
			stalled, len(stalledOnTopic), want))
	}
	if inFlight != want {
		problems = append(problems, fmt.Sprintf("instances_in_flight sums to %v, want the %v unpaid orders", inFlight, want))
	}
	if timedOut != 0 {
		problems = append(problems, fmt.Sprintf("instances_timed_out sums to %v, want 0 (every timed-out order ended): %s",
			timedOut, strings.Join(timedOutAt, ", ")))
	}
	return len(problems) == 0, strings.Join(problems, "; ")
}

// familySum sums a family's samples that carry the given labels.
func familySum(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	var sum float64
	for _, m := range fams[name].GetMetric() {
		match := 0
		for _, lp := range m.GetLabel() {
			if v, ok := labels[lp.GetName()]; ok && v == lp.GetValue() {
				match++
			}
		}
		if match != len(labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum
}

// replicaSet starts and stops replica processes.
type replicaSet struct {
	t    *testing.T
	bin  string
	args []string
	mu   sync.Mutex
	all  []*replica
}

// replica is one run of a replica process.
type replica struct {
	id      string
	run     int
	cmd     *exec.Cmd
	stdout  *lockedBuffer
	stderr  *lockedBuffer
	base    string // http://host:port of --metrics-addr
	exited  chan struct{}
	waitErr error
	killed  bool
}

func (r *replica) name() string { return fmt.Sprintf("%s (run %d)", r.id, r.run) }

var metricsLine = regexp.MustCompile(`metrics on (http://[^\s]+)/metrics`)

// start runs a replica and waits for its metrics endpoint.
func (s *replicaSet) start(id string) *replica {
	s.t.Helper()
	s.mu.Lock()
	run := 1
	for _, r := range s.all {
		if r.id == id {
			run++
		}
	}
	r := &replica{id: id, run: run, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	r.cmd = exec.Command(s.bin, append(slices.Clone(s.args), "--replica-id", id)...)
	r.cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=dumb")
	r.cmd.Stdout, r.cmd.Stderr = r.stdout, r.stderr
	if err := r.cmd.Start(); err != nil {
		s.mu.Unlock()
		s.t.Fatal(err)
	}
	s.all = append(s.all, r)
	s.mu.Unlock()
	go func() {
		r.waitErr = r.cmd.Wait()
		close(r.exited)
	}()
	deadline := time.After(60 * time.Second)
	for {
		if m := metricsLine.FindStringSubmatch(r.stderr.String()); m != nil {
			r.base = m[1]
			return r
		}
		select {
		case <-r.exited:
			s.t.Fatalf("%s exited: %v\n%s", r.name(), r.waitErr, r.stderr.String())
		case <-deadline:
			s.t.Fatalf("%s: no metrics address in 60s:\n%s", r.name(), r.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (r *replica) kill() {
	r.killed = true
	_ = r.cmd.Process.Kill()
	<-r.exited
}

// crashed reports a replica that exited without being asked to.
func (s *replicaSet) crashed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.all {
		select {
		case <-r.exited:
			if !r.killed {
				return fmt.Errorf("%s exited unasked: %v\n%s", r.name(), r.waitErr, tail(r.stderr.String(), 40))
			}
		default:
		}
	}
	return nil
}

// stopAll interrupts the replicas still running, as a user's Ctrl-C or
// Kubernetes' SIGTERM would, and expects each to leave cleanly (exit 0).
func (s *replicaSet) stopAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.all {
		select {
		case <-r.exited:
			continue
		default:
		}
		r.killed = true
		_ = r.cmd.Process.Signal(os.Interrupt)
	}
	for _, r := range s.all {
		select {
		case <-r.exited:
		case <-time.After(30 * time.Second):
			_ = r.cmd.Process.Kill()
			<-r.exited
			s.t.Errorf("%s did not stop in 30s after an interrupt", r.name())
		}
		if r.run > 0 && r.waitErr != nil && !isKilled(r.waitErr) {
			s.t.Errorf("%s: %v\n%s", r.name(), r.waitErr, tail(r.stderr.String(), 20))
		}
	}
}

func isKilled(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && !ee.Exited() // ended by a signal: the SIGKILL the test sent
}

func (s *replicaSet) dumpLogs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.all {
		s.t.Logf("--- %s stderr:\n%s", r.name(), tail(r.stderr.String(), 80))
	}
}

// scrape reads /metrics as Prometheus does, with the Prometheus text
// parser.
func (r *replica) scrape() (map[string]*dto.MetricFamily, error) {
	code, body, err := httpGetBody(r.base + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.name(), err)
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("%s: /metrics: %d %s", r.name(), code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: parse /metrics: %w", r.name(), err)
	}
	return fams, nil
}

func (r *replica) metrics() (*replicaMetrics, error) {
	fams, err := r.scrape()
	if err != nil {
		return nil, err
	}
	code, _, err := httpGetBody(r.base + "/readyz")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.name(), err)
	}
	return &replicaMetrics{r: r, fams: fams, ready: code == http.StatusOK}, nil
}

func httpGetBody(url string) (int, string, error) {
	cl := http.Client{Timeout: 10 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// printed are the alerts the run printed (-o ndjson), once committed.
func (r *replica) printed(t *testing.T) []trace.Alert {
	t.Helper()
	var out []trace.Alert
	lines := strings.Split(r.stdout.String(), "\n")
	if last := lines[len(lines)-1]; last != "" {
		// Only a SIGKILL cuts a line.
		t.Logf("%s: last line cut: %q", r.name(), last)
		lines = lines[:len(lines)-1]
	}
	for _, line := range lines {
		if line == "" {
			continue
		}
		var a trace.Alert
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Errorf("%s printed %q: %v", r.name(), line, err)
			continue
		}
		out = append(out, a)
	}
	return out
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
