package dev

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// TestDocumentedCommands sends the commands of the README's examples,
// written by hand as a kcat user would, and checks each is done "ok":
// the documentation's JSON is what the server takes, with the model the
// README's examples use (fixtures/orders/payment.bpmn: a none start
// event, a job of type charge-card).
func TestDocumentedCommands(t *testing.T) {
	s := startServer(t, Options{})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	jobs := newJobReader(t, s.Addr())
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The README shows these where the test fills in what it got.
	shown := strings.NewReplacer("MODEL", "<the file, base64>", "JOBKEY", "2251799813685256", "PIKEY", "2251799813685251")
	send := func(id, value string, vars ...string) Done {
		t.Helper()
		if !strings.Contains(string(readme), shown.Replace(value)) {
			t.Errorf("%s: the README does not show %s", id, shown.Replace(value))
		}
		for i := 0; i+1 < len(vars); i += 2 {
			value = strings.ReplaceAll(value, vars[i], vars[i+1])
		}
		produce(t, cl, &kgo.Record{Topic: TopicCommands, Value: []byte(value),
			Headers: []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte(id)}}})
		done, _ := log.request(id)
		if done.Status != DoneOK {
			t.Errorf("%s: %+v\n%s", id, done, value)
		}
		return done
	}
	src, err := os.ReadFile("../../fixtures/orders/payment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	model := base64.StdEncoding.EncodeToString(src)
	send("deploy", `{"valueType":"DEPLOYMENT","intent":"CREATE","value":{"resources":[{"resourceName":"payment.bpmn","resource":"MODEL"}]}}`, "MODEL", model)
	send("create", `{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"payment","variables":{"orderId":"o-1","amount":42}}}`)
	job := jobs.nth(1)
	if job.Type != "charge-card" || job.BPMNProcessID != "payment" {
		t.Fatalf("the README's job: %+v", job)
	}
	key := strconv.FormatInt(job.Key, 10)
	send("fail", `{"valueType":"JOB","intent":"FAIL","key":JOBKEY,"value":{"retries":2,"retryBackoff":0,"errorMessage":"card declined"}}`, "JOBKEY", key)
	jobs.nth(2)
	send("complete", `{"valueType":"JOB","intent":"COMPLETE","key":JOBKEY,"value":{"variables":{"charged":true}}}`, "JOBKEY", key)
	log.wait("the instance's end", func() bool {
		for _, r := range log.byRequest["complete"] {
			if processCompleted(r) {
				return true
			}
		}
		return false
	})
	send("publish", `{"valueType":"MESSAGE","intent":"PUBLISH","value":{"name":"PaymentReceived","correlationKey":"o-1","timeToLive":60000,"variables":{"paid":true}}}`)

	send("create-2", `{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"payment","variables":{"orderId":"o-1","amount":42}}}`)
	pi := strconv.FormatInt(instanceOf(t, log, "create-2"), 10)
	send("variables", `{"valueType":"VARIABLE_DOCUMENT","intent":"UPDATE","value":{"scopeKey":PIKEY,"variables":{"note":"rush"}}}`, "PIKEY", pi)
	send("cancel", `{"valueType":"PROCESS_INSTANCE","intent":"CANCEL","key":PIKEY,"value":{}}`, "PIKEY", pi)
	_, recs := log.request("cancel")
	if count(recs, engine.ValueProcessInstance, engine.IntentElementTerminated) == 0 {
		t.Errorf("cancel: %v", intents(recs))
	}

	// The documented Done marker of a rejection.
	produce(t, cl, &kgo.Record{Topic: TopicCommands, Headers: []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte("r-1")}},
		Value: []byte(`{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"nope"}}`)})
	done, _ := log.request("r-1")
	b, _ := json.Marshal(done)
	if done.Status != DoneRejected || !strings.Contains(string(b), `"reason":"Expected to find process definition with process ID 'nope'`) {
		t.Errorf("rejection: %s", b)
	}

	// Clock control, the pin a time to come rather than the README's.
	send("clock-add", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":3600000}}`)
	pin := strconv.FormatInt(time.Now().Add(2*time.Hour).UnixMilli(), 10)
	send("clock-pin", `{"valueType":"CLOCK","intent":"PIN","value":{"time":1798761600000}}`, "1798761600000", pin)
	send("clock-reset", `{"valueType":"CLOCK","intent":"RESET"}`)
	done = send("clock-show", `{"valueType":"CLOCK","intent":"SHOW"}`)
	b, _ = json.Marshal(done)
	if !strings.Contains(string(b), `"clock":{"time":`+pin+`,"wall":`) || !strings.Contains(string(b), `,"offset":0,"pinned":false}`) {
		t.Errorf("clock show: %s", b)
	}
}
