package dev

import (
	"strings"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/engine"
)

// TestQuarantine: when the engine fails on a command (a bug: it panics),
// the server stops without committing the transaction in progress, and
// notes the command in the data folder; started again, it rebuilds its
// state, runs the commands before and after that one, and answers that
// one with a rejected Done marker instead of failing on it for ever.
func TestQuarantine(t *testing.T) {
	dir := t.TempDir()
	poison := func(cmd engine.Command) bool {
		v, ok := cmd.Value.(*engine.ProcessInstanceCreationValue)
		return ok && v.Variables["poison"] == true
	}
	s1 := startServer(t, Options{DataDir: dir, failOn: poison})
	cl := newClient(t, s1.Addr())
	produce(t, cl,
		commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))),
		commandRecord(t, "before", createCommand("work", map[string]any{"n": 1})),
		commandRecord(t, "poison", createCommand("work", map[string]any{"poison": true})),
		commandRecord(t, "after", createCommand("work", map[string]any{"n": 2})))
	select {
	case <-s1.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop on the engine's failure")
	}
	err := s1.Close()
	if err == nil || !strings.Contains(err.Error(), "the engine failed on the input at wfctl.commands/0@2") ||
		!strings.Contains(err.Error(), "a restart skips that input") {
		t.Fatalf("stopped with: %v", err)
	}

	s2 := startServer(t, Options{DataDir: dir})
	log := newLogReader(t, s2.Addr())
	for _, id := range []string{"deploy", "before", "after"} {
		if done, _ := log.request(id); done.Status != DoneOK {
			t.Errorf("%s: %+v", id, done)
		}
	}
	done, recs := log.request("poison")
	if done.Status != DoneRejected || done.Command != "wfctl.commands/0@2" || len(recs) != 0 ||
		!strings.Contains(done.Reason, "the engine failed on this input before (PROCESS_INSTANCE_CREATION CREATE: failOn") {
		t.Fatalf("the quarantined command: %+v, %d records", done, len(recs))
	}
	if err := s2.Await(testContext(t), func(st Stats) bool { return st.Rejected >= 1 && st.Created >= 2 }); err != nil {
		t.Fatal(err)
	}
	if st := s2.Stats(); st.Created != 2 || st.Rejected != 1 {
		t.Fatalf("stats: %+v", st)
	}
}
