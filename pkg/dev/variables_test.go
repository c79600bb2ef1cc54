package dev

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// TestVariableUpdatesRealBinary: VARIABLE_DOCUMENT UPDATE commands of
// 60,000 new variables each on one instance, one after the other, against
// the real binary. Setting a variable used to scan the scope's variables,
// so that each update took longer than the last (10.6 s, 31 s, 55 s, ...)
// with the engine blocked for every client. The test checks that every
// update is done and logs how long each took; scripts/bench-dev-variables.sh
// runs it with 20 updates (WFCTL_VARIABLE_UPDATES=20) and compares the
// last ones with the first, since a timed assertion in a test would only
// measure the machine.
func TestVariableUpdatesRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	updates, perUpdate := 3, 60000
	if n, err := strconv.Atoi(os.Getenv("WFCTL_VARIABLE_UPDATES")); err == nil && n > 0 {
		updates = n
	}
	bin := buildWfctl(t)
	p := startDev(t, bin, "--port", "0", "--data-dir", t.TempDir())
	cl := newClient(t, p.addr, kgo.ProducerBatchMaxBytes(8<<20))
	log := newLogReader(t, p.addr)
	produce(t, cl,
		commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))),
		commandRecord(t, "create", createCommand("work", map[string]any{"n": 0})))
	_, recs := log.request("create")
	var pi int64
	for _, r := range recs {
		if v, ok := r.Value.(*engine.ProcessInstanceCreationValue); ok && r.RecordType == engine.RecordEvent {
			pi = v.ProcessInstanceKey
		}
	}
	if pi == 0 {
		t.Fatalf("no instance created: %+v", recs)
	}
	var took []time.Duration
	for u := range updates {
		vars := make(map[string]any, perUpdate)
		for i := range perUpdate {
			vars["u"+strconv.Itoa(u)+"_"+strconv.Itoa(i)] = i
		}
		id := "update-" + strconv.Itoa(u)
		start := time.Now()
		produce(t, cl, commandRecord(t, id, engine.Command{ValueType: engine.ValueVariableDocument, Intent: engine.IntentUpdate,
			Key: -1, Value: &engine.VariableDocumentValue{ScopeKey: pi, Variables: vars}}))
		done, recs := log.request(id)
		took = append(took, time.Since(start))
		if done.Status != DoneOK || count(recs, engine.ValueVariable, engine.IntentCreated) != perUpdate {
			t.Fatalf("%s: %+v, %d variables created", id, done, count(recs, engine.ValueVariable, engine.IntentCreated))
		}
		log.mu.Lock()
		log.byRequest[id], log.all = nil, nil // keep the reader's memory flat
		log.mu.Unlock()
	}
	for u, d := range took {
		t.Logf("update %2d (%7d variables in the scope before): %v", u+1, u*perUpdate, d.Round(time.Millisecond))
	}
}
