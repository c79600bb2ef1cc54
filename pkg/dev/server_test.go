package dev

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// TestServerEndToEnd drives the server as its users do, over TCP: a
// deploy command, a create-instance command, a job completed by a plain
// franz-go worker that reads wfctl.jobs, a domain record on a topic the
// model names, and rejected commands. Every record carries its request
// id (or its source) and every command ends with its Done marker.
func TestServerEndToEnd(t *testing.T) {
	s := startServer(t, Options{})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	jobs := newJobReader(t, s.Addr())

	produce(t, cl, commandRecord(t, "deploy-1", deployCommand("order.bpmn", readModel(t, "order.bpmn"))))
	done, recs := log.request("deploy-1")
	if done.Status != DoneOK || done.Command != "wfctl.commands/0@0" || done.Position == 0 {
		t.Fatalf("deploy: %+v", done)
	}
	if count(recs, engine.ValueProcess, engine.IntentCreated) != 1 || count(recs, engine.ValueDeployment, engine.IntentCreated) != 1 {
		t.Fatalf("deploy records: %v", intents(recs))
	}
	dep := readDeployment(t, s.Addr(), "order")
	if dep.Version != 1 || dep.ResourceName != "order.bpmn" || !strings.Contains(dep.Resource, `id="order"`) {
		t.Fatalf("deployment: %+v", dep)
	}

	produce(t, cl, commandRecord(t, "create-1", createCommand("order", map[string]any{"orderId": "o-1", "amount": 42})))
	done, recs = log.request("create-1")
	if done.Status != DoneOK || count(recs, engine.ValueProcessInstanceCreation, engine.IntentCreated) != 1 ||
		count(recs, engine.ValueJob, engine.IntentCreated) != 1 {
		t.Fatalf("create: %+v %v", done, intents(recs))
	}

	// The worker: a job from wfctl.jobs, completed with a command.
	job := jobs.nth(1)
	if job.Type != "charge" || job.BPMNProcessID != "order" || job.ElementID != "Charge" || job.Retries != 3 ||
		job.CustomHeaders["provider"] != "acme" || job.Variables["orderId"] != "o-1" || job.Deadline == 0 {
		t.Fatalf("job: %+v", job)
	}
	produce(t, cl, commandRecord(t, "complete-1", completeCommand(job.Key, map[string]any{"charged": true})))
	done, recs = log.request("complete-1")
	if done.Status != DoneOK || count(recs, engine.ValueJob, engine.IntentCompleted) != 1 ||
		count(recs, engine.ValueMessageSubscription, engine.IntentCreated) != 1 {
		t.Fatalf("complete: %+v %v", done, intents(recs))
	}

	// The domain record: the payments topic, named by the model, exists
	// and is consumed; the record correlates with the instance.
	payment := &kgo.Record{Topic: "payments", Key: []byte("o-1"), Value: []byte(`{"type":"PaymentReceived","orderId":"o-1","amount":42}`)}
	produce(t, cl, payment)
	source := "payments/" + itoa(payment.Partition) + "@" + itoa64(payment.Offset)
	log.wait("the payment's records", func() bool {
		return count(log.bySource[source], engine.ValueMessageSubscription, engine.IntentCorrelated) == 1
	})
	log.wait("the instance's completion", func() bool {
		for _, r := range log.bySource[source] {
			if processCompleted(r) {
				return true
			}
		}
		return false
	})

	// Rejections: an unknown process, a command that is not JSON, a
	// model the engine cannot run.
	produce(t, cl, commandRecord(t, "create-2", createCommand("nope", nil)))
	done, recs = log.request("create-2")
	if done.Status != DoneRejected || !strings.Contains(done.Reason, "nope") || len(recs) != 2 || recs[1].RecordType != engine.RecordRejection {
		t.Fatalf("create unknown: %+v %v", done, intents(recs))
	}
	produce(t, cl, &kgo.Record{Topic: TopicCommands, Value: []byte("hello"), Headers: []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte("junk-1")}}})
	done, recs = log.request("junk-1")
	if done.Status != DoneRejected || done.Position != 0 || len(recs) != 0 {
		t.Fatalf("junk: %+v %v", done, intents(recs))
	}
	produce(t, cl, commandRecord(t, "deploy-2", deployCommand("invalid.bpmn", readModel(t, "invalid.bpmn"))))
	done, recs = log.request("deploy-2")
	if done.Status != DoneRejected || !strings.Contains(done.Reason, "invalid.bpmn:7:5") || !strings.Contains(done.Reason, "wfctl/task-definition") ||
		len(recs) != 2 || recs[1].RecordType != engine.RecordRejection || recs[1].RejectionReason != done.Reason {
		t.Fatalf("deploy invalid: %+v %v", done, intents(recs))
	}

	// Stats are published after a transaction commits, which may be just
	// after its records become readable.
	if err := s.Await(testContext(t), func(st Stats) bool { return st.Commands == 6 }); err != nil {
		t.Fatalf("stats: %v (%+v)", err, s.Stats())
	}
	st := s.Stats()
	if st.Created != 1 || st.Completed != 1 || st.Commands != 6 || st.Rejected != 3 || st.Messages != 1 || st.JobsPushed != 1 {
		t.Fatalf("stats: %+v", st)
	}
	if got := s.DomainTopics(); len(got) != 1 || got[0] != "payments" {
		t.Fatalf("domain topics: %v", got)
	}
}

func readDeployment(t *testing.T, addr, processID string) Deployment {
	t.Helper()
	cl := newClient(t, addr, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{TopicDeployments: {0: kgo.NewOffset().AtStart()}}))
	ctx := testContext(t)
	for {
		f := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("no deployment of %s", processID)
		}
		var found *Deployment
		f.EachRecord(func(r *kgo.Record) {
			var d Deployment
			if err := json.Unmarshal(r.Value, &d); err != nil {
				t.Fatal(err)
			}
			if string(r.Key) == processID && d.ProcessID == processID {
				found = &d
			}
		})
		if found != nil {
			return *found
		}
	}
}

func intents(recs []engine.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.RecordType.String()+" "+r.ValueType.String()+" "+r.Intent.String())
	}
	return out
}

// TestActivateTakesPushedJobs: jobs are pushed to wfctl.jobs as they are
// created, activated for Kafka workers; a client that activates jobs
// itself (`wfctl job activate`) still gets them: the server yields them
// first, and activates for the client only what it asked for.
func TestActivateTakesPushedJobs(t *testing.T) {
	s := startServer(t, Options{})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	jobs := newJobReader(t, s.Addr())
	produce(t, cl, commandRecord(t, "deploy", deployCommand("order.bpmn", readModel(t, "order.bpmn"))))
	for i := range 3 {
		produce(t, cl, commandRecord(t, reqID("create", i), createCommand("order", map[string]any{"orderId": reqID("o", i)})))
	}
	pushed := []int64{jobs.nth(1).Key, jobs.nth(2).Key, jobs.nth(3).Key}

	activate := func(id string, max int32) []int64 {
		produce(t, cl, commandRecord(t, id, engine.Command{ValueType: engine.ValueJobBatch, Intent: engine.IntentActivate, Key: -1,
			Value: &engine.JobBatchValue{Type: "charge", Worker: "cli", Timeout: 60000, MaxJobsToActivate: max}}))
		done, recs := log.request(id)
		if done.Status != DoneOK {
			t.Fatalf("%s: %+v", id, done)
		}
		for _, r := range recs {
			if v, ok := r.Value.(*engine.JobBatchValue); ok && r.Intent == engine.IntentActivated {
				if count(recs, engine.ValueJob, engine.IntentYielded) != len(v.JobKeys) {
					t.Fatalf("%s: %d yielded, %d activated: %v", id, count(recs, engine.ValueJob, engine.IntentYielded), len(v.JobKeys), intents(recs))
				}
				return v.JobKeys
			}
		}
		t.Fatalf("%s: no activation: %v", id, intents(recs))
		return nil
	}
	if got := activate("activate-1", 2); len(got) != 2 || got[0] != pushed[0] || got[1] != pushed[1] {
		t.Fatalf("first activation: %v, pushed %v", got, pushed)
	}
	if got := activate("activate-2", 5); len(got) != 1 || got[0] != pushed[2] {
		t.Fatalf("second activation: %v, pushed %v", got, pushed)
	}
	if got := activate("activate-3", 5); len(got) != 0 {
		t.Fatalf("third activation: %v", got)
	}
	// Nothing was pushed again: the yielded jobs went to the client.
	produce(t, cl, commandRecord(t, "complete", completeCommand(pushed[0], nil)))
	if done, _ := log.request("complete"); done.Status != DoneOK {
		t.Fatalf("complete: %+v", done)
	}
	if st := s.Stats(); st.JobsPushed != 3 {
		t.Fatalf("jobs pushed: %d, want 3", st.JobsPushed)
	}
}
