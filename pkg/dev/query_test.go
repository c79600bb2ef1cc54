package dev

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// query sends a query as a kcat user writes it and decodes its answer.
func query(t testing.TB, cl *kgo.Client, log *logReader, id, value string, into any) {
	t.Helper()
	d, recs := rawCommand(t, cl, log, id, value)
	if d.Status != DoneOK || len(d.Result) == 0 || len(recs) != 0 {
		t.Fatalf("%s: %+v, %d records", value, d, len(recs))
	}
	if err := json.Unmarshal(d.Result, into); err != nil {
		t.Fatalf("%s: %v in %s", value, err, d.Result)
	}
}

func listKeys(l InstanceList) []int64 {
	var out []int64
	for _, in := range l.Instances {
		out = append(out, in.Key)
	}
	return out
}

// TestQueries: INSTANCES and INSTANCE are answered from the engine's
// state and the server's index, in command order, with the filters,
// the limit and the details show needs; after an instance ends its
// summary stays; the answers are the same after a restart, from a
// snapshot or from the whole log; bad queries are rejected saying why.
func TestQueries(t *testing.T) {
	for _, every := range []int{1, -1} {
		t.Run(fmt.Sprintf("snapshot-every=%d", every), func(t *testing.T) { testQueries(t, every) })
	}
}

func testQueries(t *testing.T, every int) {
	dir := t.TempDir()
	s1 := startServer(t, Options{DataDir: dir, SnapshotEvery: every})
	cl := newClient(t, s1.Addr())
	log := newLogReader(t, s1.Addr())
	produce(t, cl,
		commandRecord(t, "deploy-order", deployCommand("order.bpmn", readModel(t, "order.bpmn"))),
		commandRecord(t, "deploy-wait", deployCommand("timers.bpmn", readModel(t, "timers.bpmn"))),
		commandRecord(t, "create-a", createCommand("order", map[string]any{"orderId": "o-1", "amount": 12.5})),
		commandRecord(t, "create-b", createCommand("wait", map[string]any{"pause": "PT1H"})),
		commandRecord(t, "create-c", createCommand("order", map[string]any{"orderId": "o-2"})))
	a, b, c := instanceOf(t, log, "create-a"), instanceOf(t, log, "create-b"), instanceOf(t, log, "create-c")

	var all InstanceList
	query(t, cl, log, "q-all", `{"valueType":"QUERY","intent":"INSTANCES"}`, &all)
	if got := listKeys(all); all.Total != 3 || fmt.Sprint(got) != fmt.Sprint([]int64{c, b, a}) {
		t.Fatalf("all instances, newest first: %+v", all)
	}
	var orders InstanceList
	query(t, cl, log, "q-orders", `{"valueType":"QUERY","intent":"INSTANCES","value":{"processId":"order","limit":1}}`, &orders)
	if orders.Total != 2 || len(orders.Instances) != 1 || orders.Instances[0].Key != c || orders.Instances[0].State != "active" {
		t.Fatalf("order instances, limit 1: %+v", orders)
	}
	var charging InstanceList
	query(t, cl, log, "q-el", `{"valueType":"QUERY","intent":"INSTANCES","value":{"element":"Charge"}}`, &charging)
	if fmt.Sprint(listKeys(charging)) != fmt.Sprint([]int64{c, a}) {
		t.Fatalf("waiting at Charge: %+v", charging)
	}

	var da InstanceDetail
	query(t, cl, log, "q-a", fmt.Sprintf(`{"valueType":"QUERY","intent":"INSTANCE","value":{"key":%d}}`, a), &da)
	if !da.Known || da.State != "active" || da.ProcessID != "order" || len(da.Waiting) != 1 || da.Waiting[0].ElementID != "Charge" ||
		len(da.Jobs) != 1 || da.Jobs[0].Key != da.Waiting[0].JobKey || da.Jobs[0].Type != "charge" ||
		da.Variables["orderId"] != "o-1" || da.Variables["amount"] != 12.5 || da.HistoryFrom == 0 {
		t.Fatalf("instance A: %+v", da)
	}
	// A's job done: it waits for PaymentReceived with its order id.
	produce(t, cl, commandRecord(t, "complete-a", completeCommand(da.Jobs[0].Key, nil)))
	if d, _ := log.request("complete-a"); d.Status != DoneOK {
		t.Fatalf("complete: %+v", d)
	}
	query(t, cl, log, "q-a2", fmt.Sprintf(`{"valueType":"QUERY","intent":"INSTANCE","value":{"key":%d}}`, a), &da)
	if len(da.Messages) != 1 || da.Messages[0].Name != "PaymentReceived" || da.Messages[0].CorrelationKey != "o-1" || len(da.Jobs) != 0 {
		t.Fatalf("instance A after its job: %+v", da)
	}
	// B cancelled: it ended, and is still known.
	produce(t, cl, commandRecord(t, "cancel-b", cancelCommand(b)))
	if d, _ := log.request("cancel-b"); d.Status != DoneOK {
		t.Fatalf("cancel: %+v", d)
	}
	var db InstanceDetail
	query(t, cl, log, "q-b", fmt.Sprintf(`{"valueType":"QUERY","intent":"INSTANCE","value":{"key":%d}}`, b), &db)
	if !db.Known || db.State != "terminated" || db.Ended == nil || len(db.Waiting) != 0 {
		t.Fatalf("instance B after cancel: %+v", db)
	}
	var ended InstanceList
	query(t, cl, log, "q-term", `{"valueType":"QUERY","intent":"INSTANCES","value":{"state":"terminated"}}`, &ended)
	if fmt.Sprint(listKeys(ended)) != fmt.Sprint([]int64{b}) {
		t.Fatalf("terminated: %+v", ended)
	}
	var st Status
	query(t, cl, log, "q-status", `{"valueType":"QUERY","intent":"STATUS"}`, &st)
	if st.Active != 2 || st.Terminated != 1 || len(st.Processes) != 2 || st.Consumed["wfctl.commands/0"] < 7 {
		t.Fatalf("status: %+v", st)
	}
	var none InstanceDetail
	query(t, cl, log, "q-none", `{"valueType":"QUERY","intent":"INSTANCE","value":{"key":42}}`, &none)
	if none.Known {
		t.Fatalf("instance 42: %+v", none)
	}
	for value, want := range map[string]string{
		`{"valueType":"QUERY","intent":"INSTANCES","value":{"state":"sleeping"}}`: `state "sleeping"`,
		`{"valueType":"QUERY","intent":"INSTANCES","value":{"limit":100000}}`:     "limit 100000: want 1 to 10000",
		`{"valueType":"QUERY","intent":"EVERYTHING"}`:                             "the intents are INSTANCES, INSTANCE and STATUS",
	} {
		d, _ := rawCommand(t, cl, log, "bad-"+value, value)
		if d.Status != DoneRejected || !strings.Contains(d.Reason, want) {
			t.Errorf("%s: %+v, want a rejection with %q", value, d, want)
		}
	}

	cl.Close()
	log.stop()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, Options{DataDir: dir, SnapshotEvery: every})
	cl = newClient(t, s2.Addr())
	log = newLogReader(t, s2.Addr())
	var again InstanceList
	query(t, cl, log, "q-all-2", `{"valueType":"QUERY","intent":"INSTANCES"}`, &again)
	if len(again.Instances) != 3 {
		t.Fatalf("after a restart: %+v", again)
	}
	if fmt.Sprint(again) != fmt.Sprint(InstanceList{Total: 3, Instances: []InstanceSummary{again.Instances[0], again.Instances[1], again.Instances[2]}, EndedKept: EndedKept}) ||
		fmt.Sprint(listKeys(again)) != fmt.Sprint([]int64{c, b, a}) || again.Instances[1].State != "terminated" {
		t.Fatalf("after a restart: %+v", again)
	}
	if again.Instances[1].HistoryFrom != db.HistoryFrom || !again.Instances[1].Started.Equal(db.Started) {
		t.Errorf("B after a restart: %+v, before %+v", again.Instances[1], db.InstanceSummary)
	}
	// Each instance's history read span by span is exactly what a scan of
	// the whole of wfctl.records finds for it (the index rebuilt by the
	// fold or restored from the snapshot).
	cfg := &kafka.Config{Brokers: []string{s2.Addr()}, DialTimeout: kafka.DefaultDialTimeout}
	kc, err := kafka.NewClient(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	dc := devclient.New(kc, cfg)
	scan := map[int64][]int64{}
	if err := dc.Records(testContext(t), false, func(rec engine.Record, _ *kgo.Record) (bool, error) {
		if k := devproto.InstanceKeyOf(rec); k > 0 {
			scan[k] = append(scan[k], rec.Position)
		}
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []int64{a, b, c} {
		d, err := dc.Instance(testContext(t), k)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := dc.History(testContext(t), d)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range hist {
			got = append(got, r.Position)
		}
		if fmt.Sprint(got) != fmt.Sprint(scan[k]) || len(got) < 3 {
			t.Errorf("history of %d from %d spans: %v, the whole log has %v", k, len(d.Spans), got, scan[k])
		}
	}
}

func cancelCommand(instance int64) engine.Command {
	return engine.Command{ValueType: engine.ValueProcessInstance, Intent: engine.IntentCancel, Key: instance,
		Value: &engine.ProcessInstanceValue{}}
}
