package dev

import (
	"strings"
	"sync"
	"testing"

	"github.com/wfctl/wfctl/pkg/engine"
)

// TestQuarantine: when the engine fails on a command (a bug: it panics),
// the server sets the command aside (in the data folder's quarantine
// list, or in memory), rebuilds its state from what was committed and
// goes on: the commands before and after that one run, that one is
// answered with a rejected Done marker, and a restart does not meet it
// again.
func TestQuarantine(t *testing.T) {
	for _, mode := range []string{"data folder", "in memory"} {
		t.Run(mode, func(t *testing.T) {
			dir := ""
			if mode == "data folder" {
				dir = t.TempDir()
			}
			poison := func(cmd engine.Command) bool {
				v, ok := cmd.Value.(*engine.ProcessInstanceCreationValue)
				return ok && v.Variables["poison"] == true
			}
			var mu sync.Mutex
			var notices []Notice
			notify := func(n Notice) {
				mu.Lock()
				notices = append(notices, n)
				mu.Unlock()
			}
			s1 := startServer(t, Options{DataDir: dir, failOn: poison, Notify: notify})
			cl := newClient(t, s1.Addr())
			produce(t, cl,
				commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))),
				commandRecord(t, "before", createCommand("work", map[string]any{"n": 1})),
				commandRecord(t, "poison", createCommand("work", map[string]any{"poison": true})),
				commandRecord(t, "after", createCommand("work", map[string]any{"n": 2})))
			checkAnswers := func(s *Server) {
				t.Helper()
				log := newLogReader(t, s.Addr())
				for _, id := range []string{"deploy", "before", "after"} {
					if done, _ := log.request(id); done.Status != DoneOK {
						t.Errorf("%s: %+v", id, done)
					}
				}
				done, recs := log.request("poison")
				if done.Status != DoneRejected || done.Command != "wfctl.commands/0@2" || len(recs) != 0 ||
					!strings.Contains(done.Reason, "not run: set aside (the engine failed on it: PROCESS_INSTANCE_CREATION CREATE: failOn") {
					t.Fatalf("the quarantined command: %+v, %d records", done, len(recs))
				}
			}
			checkAnswers(s1)
			if err := s1.Await(testContext(t), func(st Stats) bool { return st.Rejected >= 1 && st.Created >= 2 }); err != nil {
				t.Fatal(err)
			}
			if st := s1.Stats(); st.Created != 2 || st.Rejected != 1 {
				t.Fatalf("stats: %+v", st)
			}
			mu.Lock()
			var aside []Notice
			for _, n := range notices {
				if n.Kind == InputSetAside {
					aside = append(aside, n)
				}
			}
			mu.Unlock()
			if len(aside) != 1 || aside[0].Input != "wfctl.commands/0@2" || !strings.Contains(aside[0].Message, "failOn") {
				t.Errorf("set-aside notices: %+v", aside)
			}
			select {
			case <-s1.Done():
				t.Fatalf("the server stopped: %v", s1.Close())
			default:
			}
			if err := s1.Close(); err != nil {
				t.Fatal(err)
			}
			if dir == "" {
				return
			}
			s2 := startServer(t, Options{DataDir: dir})
			checkAnswers(s2)
			if st := s2.Stats(); st.Created != 2 {
				t.Fatalf("after a restart: %+v", st)
			}
		})
	}
}
