package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

func fixtureResources(t testing.TB, names ...string) []Resource {
	t.Helper()
	var rs []Resource
	for _, n := range names {
		src, err := os.ReadFile("../../fixtures/engine/" + n)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, Resource{Name: n, Content: src})
	}
	return rs
}

// drive runs orders through fulfillment.bpmn: some complete, some time
// out, one payment fits nothing; it returns every record as JSON.
func drive(t testing.TB, e *Engine, orders int, start time.Time) []byte {
	t.Helper()
	var out []byte
	keep := func(recs []Record, err error) {
		if err != nil {
			if _, ok := err.(*RejectionError); !ok {
				t.Fatal(err)
			}
		}
		b, jerr := json.Marshal(recs)
		if jerr != nil {
			t.Fatal(jerr)
		}
		out = append(out, b...)
	}
	for i := range orders {
		id := fmt.Sprintf("o-%d", i)
		at := start.Add(time.Duration(i) * time.Minute)
		keep(e.Tick(at))
		_, err := e.PublishMessage(Message{Name: "OrderPlaced", CorrelationKey: id, Variables: map[string]any{"orderId": id}})
		keep(e.LastRecords(), err)
		if i%3 != 0 {
			_, err = e.PublishMessage(Message{Name: "PaymentReceived", CorrelationKey: id})
			keep(e.LastRecords(), err)
		}
	}
	keep(e.Tick(start.Add(30 * 24 * time.Hour)))
	return out
}

// TestDeployModels: an engine given precompiled models behaves exactly
// as one that deployed the files, record for record, and so does one
// restored from its snapshot; the element counts are the engine's own.
func TestDeployModels(t *testing.T) {
	rs := fixtureResources(t, "fulfillment.bpmn", "boundary-timers.bpmn")
	m, err := CompileModels(nil, rs...)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a, b := New(), New()
	if _, err := a.Deploy(rs...); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DeployModels(m); err != nil {
		t.Fatal(err)
	}
	ra, rb := drive(t, a, 50, start), drive(t, b, 50, start)
	if string(ra) != string(rb) {
		t.Fatal("an engine with precompiled models writes other records than one that deployed the files")
	}
	snap, err := b.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	later := start.Add(40 * 24 * time.Hour)
	if x, y := drive(t, a, 20, later), drive(t, c, 20, later); string(x) != string(y) {
		t.Fatal("restored from a snapshot, it goes on differently")
	}
	// Counts are per engine: a fresh engine on the same models counts nothing.
	d := New()
	if _, err := d.DeployModels(m); err != nil {
		t.Fatal(err)
	}
	for _, ec := range d.ElementCounts() {
		if ec.Active+ec.Completed+ec.Terminated != 0 {
			t.Fatalf("a new engine counts %+v", ec)
		}
	}
	// An engine of another partition gets private copies, with its keys.
	p := New(WithPartition(3))
	md, err := p.DeployModels(m)
	if err != nil || PartitionOf(md[0].ProcessDefinitionKey) != 3 {
		t.Fatalf("partition 3: %+v %v", md, err)
	}
	if _, err := CompileModels(nil, Resource{Name: "bad.bpmn", Content: []byte("<definitions")}); err == nil {
		t.Fatal("a resource that does not parse compiles")
	}
}

// TestModelsShared runs engines on goroutines over one Models (go test
// -race finds any write to what they share).
func TestModelsShared(t *testing.T) {
	m, err := CompileModels(nil, fixtureResources(t, "fulfillment.bpmn")...)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	results := make([][]byte, 4)
	for i := range results {
		wg.Go(func() {
			e := New()
			if _, err := e.DeployModels(m); err != nil {
				t.Error(err)
				return
			}
			results[i] = drive(t, e, 200, start)
			e.ElementCounts()
		})
	}
	wg.Wait()
	for _, r := range results[1:] {
		if string(r) != string(results[0]) {
			t.Fatal("engines sharing models wrote different records for the same commands")
		}
	}
}
