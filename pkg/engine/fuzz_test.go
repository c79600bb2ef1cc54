package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCommands feeds arbitrary commands, one JSON object per line, to an
// engine that has every fixture model deployed: whatever a client puts
// on wfctl.commands must give records or a rejection, never a panic (a
// panic would stop wfctl dev, and the same command would stop it again
// after a restart). Keys 1–3 name the engine's first jobs, 4–6 its first
// process instances, 7–9 its first incidents, so that the fuzzer reaches
// real entities; scopeKey 4 in a variable document names the first
// instance. After each command the state must still snapshot.
//
//	go test ./pkg/engine -run '^$' -fuzz FuzzCommands -fuzztime 10m -fuzzminimizetime 5s -parallel 1
func FuzzCommands(f *testing.F) {
	// Every run starts from the same engine, restored from a snapshot
	// (deploying 28 resources per run would make the fuzzer crawl).
	e := New(WithStartTime(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
	for _, name := range detModels {
		src, err := os.ReadFile(filepath.Join("../../fixtures/engine", name))
		if err != nil {
			f.Fatal(err)
		}
		if _, err := e.Deploy(Resource{Name: name, Content: src}); err != nil {
			f.Fatal(err)
		}
	}
	base, err := e.Snapshot()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"order","variables":{"amount":50}}}
{"valueType":"JOB_BATCH","intent":"ACTIVATE","value":{"type":"charge","worker":"w","timeout":1000,"maxJobsToActivate":2}}
{"valueType":"JOB","intent":"COMPLETE","key":1,"value":{"variables":{"charged":true}}}
{"valueType":"JOB","intent":"FAIL","key":1,"value":{"retries":0,"errorMessage":"x"}}
{"valueType":"INCIDENT","intent":"RESOLVE","key":7,"value":{}}`,
		`{"valueType":"MESSAGE","intent":"PUBLISH","value":{"name":"OrderPlaced","correlationKey":"","timeToLive":60000,"variables":{"orderId":"o-1"}}}
{"valueType":"MESSAGE","intent":"PUBLISH","value":{"name":"PaymentReceived","correlationKey":"o-1","messageId":"m","variables":{}}}
{"valueType":"CLOCK","intent":"TICK","value":{"time":99999999999999}}
{"valueType":"PROCESS_INSTANCE","intent":"CANCEL","key":4,"value":{}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"tasks","version":-7,"variables":{"x":[1,{"a":null}]}}}
{"valueType":"VARIABLE_DOCUMENT","intent":"UPDATE","value":{"scopeKey":4,"variables":{"x":1e308}}}
{"valueType":"JOB","intent":"THROW_ERROR","key":2,"value":{"errorCode":"CARD_DECLINED"}}
{"valueType":"JOB","intent":"UPDATE_RETRIES","key":3,"value":{"retries":-1}}
{"valueType":"JOB","intent":"YIELD","key":1,"value":{}}`,
		`{"valueType":"DEPLOYMENT","intent":"CREATE","value":{"resources":[{"resourceName":"x.bpmn","resource":"PGRlZmluaXRpb25zLz4="}]}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"courier","variables":{"region":"north"}}}
{"valueType":"SIGNAL","intent":"BROADCAST","value":{"signalName":"remind","variables":{"a":1}}}
{"valueType":"SIGNAL","intent":"BROADCAST","value":{"signalName":"cancel-north"}}
{"valueType":"SIGNAL","intent":"BROADCAST","value":{"signalName":""}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"shipping","variables":{"code":"stop"}}}
{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"lunch","variables":{"pasta":true,"check":true}}}
{"valueType":"JOB_BATCH","intent":"ACTIVATE","value":{"type":"pack","worker":"w","timeout":1000,"maxJobsToActivate":2}}
{"valueType":"JOB","intent":"COMPLETE","key":1,"value":{}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"audited","variables":{"region":"eu"}}}
{"valueType":"JOB","intent":"COMPLETE","key":1,"value":{"variables":{"a":1}}}
{"valueType":"JOB","intent":"THROW_ERROR","key":1,"value":{"errorCode":"x"}}
{"valueType":"JOB","intent":"FAIL","key":1,"value":{"retries":0}}
{"valueType":"INCIDENT","intent":"RESOLVE","key":7,"value":{}}`,
		`{"valueType":"DECISION_EVALUATION","intent":"EVALUATE","value":{"decisionId":"discount","variables":{"amount":5,"customer":{"orders":10}}}}
{"valueType":"DECISION_EVALUATION","intent":"EVALUATE","value":{"decisionId":"tier","decisionKey":3}}
{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"price","variables":{"rule":"tier"}}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"refund"}}
{"valueType":"JOB","intent":"COMPLETE","key":1,"value":{}}
{"valueType":"JOB","intent":"COMPLETE","key":1,"value":{}}
{"valueType":"PROCESS_INSTANCE","intent":"CANCEL","key":4,"value":{}}`,
	} {
		f.Add([]byte(seed))
	}
	// Large and deep inputs, as clients of wfctl dev may send them: a
	// string of 1 MiB, a document of 20,000 variables, values nested
	// 5,000 deep (the JSON decoder's limit is 10,000).
	many := make([]string, 20000)
	for i := range many {
		many[i] = fmt.Sprintf(`"v%d":%d`, i, i)
	}
	for _, seed := range []string{
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"tasks","variables":{"big":"` + strings.Repeat("x", 1<<20) + `"}}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"tasks","variables":{"n":1}}}
{"valueType":"VARIABLE_DOCUMENT","intent":"UPDATE","value":{"scopeKey":4,"variables":{` + strings.Join(many, ",") + `}}}`,
		`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"order","variables":{"deep":` +
			strings.Repeat(`{"a":[`, 2500) + `1` + strings.Repeat(`]}`, 2500) + `}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Any command must be quick, since wfctl dev runs them one after
		// another: a run that does not end is a failure too (a
		// wall-clock bound, only there to catch runaways).
		if f := os.Getenv("WFCTL_FUZZ_LAST"); f != "" {
			_ = os.WriteFile(f, data, 0o644) // what ran last, to find a runaway
		}
		done := make(chan any, 1)
		go func() {
			defer func() { done <- recover() }()
			runFuzzCommands(t, base, data)
		}()
		select {
		case p := <-done:
			if p != nil {
				panic(p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("commands still running after 10s:\n%s", data)
		}
	})
}

func runFuzzCommands(t *testing.T, base []byte, data []byte) {
	e, err := Restore(base)
	if err != nil {
		t.Error(err)
		return
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if i == 64 {
			break
		}
		var cmd Command
		if cmd.UnmarshalJSON(line) != nil {
			continue
		}
		cmd.Key = e.fuzzKey(cmd.Key)
		if v, ok := cmd.Value.(*VariableDocumentValue); ok {
			v.ScopeKey = e.fuzzKey(v.ScopeKey)
		}
		_, _ = e.Process(cmd)
		if _, err := e.Snapshot(); err != nil {
			t.Errorf("after %s %s: %v", cmd.ValueType, cmd.Intent, err)
			return
		}
	}
}

// fuzzKey maps the small keys of FuzzCommands to real entities.
func (e *Engine) fuzzKey(k int64) int64 {
	pick := func(keys []int64, i int64) int64 {
		if int(i) < len(keys) {
			return keys[i]
		}
		return k
	}
	switch {
	case k >= 1 && k <= 3:
		return pick(sortedKeys(e.jobs), k-1)
	case k >= 4 && k <= 6:
		return pick(sortedKeys(e.roots), k-4)
	case k >= 7 && k <= 9:
		return pick(sortedKeys(e.incidents), k-7)
	}
	return k
}
