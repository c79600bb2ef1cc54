package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/kafka"
)

var update = flag.Bool("update", false, "rewrite the golden output in testdata/script with what wfctl prints now")

// TestMain lets the test binary act as the wfctl binary: testscript runs
// "wfctl" in scripts by re-executing it, so the scripts exercise main()
// and cli.Main exactly as a user's shell would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"wfctl": main})
}

// TestScripts runs the end-to-end scenarios in testdata/script: each
// .txtar holds the commands a user types and what they should see.
// Run with -update to refresh golden output after an intended change.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	corpus, _ := filepath.Abs("../../../shared/corpus")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			env.Setenv("CORPUS", corpus)
			env.Setenv("ROOT", root)
			env.Values[docsUsed{}] = map[string]bool{}
			// Tests see wfctl as on a terminal-less CI machine.
			env.Setenv("NO_COLOR", "")
			env.Setenv("TERM", "dumb")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "corpus" {
				_, err := os.Stat(corpus)
				return err == nil, nil
			}
			if tool, ok := strings.CutPrefix(cond, "have:"); ok {
				_, err := exec.LookPath(tool)
				return err == nil, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":   cmdExitCode,
			"broker":     cmdBroker,
			"produce":    cmdProduce,
			"freeport":   cmdFreePort,
			"eventually": cmdEventually,
			// docs_test.go
			"documented":     cmdDocumented,
			"all-documented": cmdAllDocumented,
		},
	})
}

// cmdExitCode runs a command and checks its exit code:
//
//	exitcode 2 wfctl validate missing.bpmn
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdBroker starts a Kafka broker (kfake) inside the test process, on a
// free loopback port, sets $BROKER to its address and stops it when the
// script ends:
//
//	broker
func cmdBroker(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: broker")
	}
	b, err := broker.Start(context.Background(), broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		ts.Fatalf("broker: %v", err)
	}
	ts.Defer(func() { b.Close() })
	ts.Setenv("BROKER", b.Addr())
}

// cmdProduce creates a topic with PARTITIONS partitions on $BROKER and
// produces the records of a kcat -J file to it, each to the partition
// its envelope names:
//
//	produce TOPIC PARTITIONS FILE
func cmdProduce(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: produce TOPIC PARTITIONS FILE")
	}
	parts, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("produce: %v", err)
	}
	ctx := context.Background()
	cfg := &kafka.Config{Brokers: []string{ts.Getenv("BROKER")}, DialTimeout: 3 * time.Second}
	cl, err := kafka.NewClient(ctx, cfg, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		ts.Fatalf("produce: %v", err)
	}
	defer cl.Close()
	if _, err := kafka.EnsureTopic(ctx, cl, cfg, args[0], int32(parts)); err != nil {
		ts.Fatalf("produce: %v", err)
	}
	er := kafka.NewEnvelopeReader(strings.NewReader(ts.ReadFile(args[2])), args[2])
	var recs []*kgo.Record
	for {
		env, err := er.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ts.Fatalf("produce: %v", err)
		}
		r := env.Record()
		r.Topic = args[0]
		recs = append(recs, r)
	}
	if err := kafka.ProduceAll(ctx, cl, cfg, recs); err != nil {
		ts.Fatalf("produce: %v", err)
	}
}

// cmdFreePort sets VAR to a free loopback TCP port:
//
//	freeport VAR
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("freeport: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ts.Setenv(args[0], strconv.Itoa(port))
}

// cmdEventually runs a command until it succeeds, for at most 30 seconds
// (the condition a script waits for, never a fixed sleep):
//
//	eventually wfctl instance list -b $B --state completed
func cmdEventually(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: eventually COMMAND [ARGS...]")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := ts.Exec(args[0], args[1:]...)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not succeed within 30s: %v", args[0], err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
