package dev

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestDiskFullRealBinary: the real binary on a small tmpfs runs out of
// space. It stops with "no space left on device in DIR" (the broker tells
// its clients only UNKNOWN_SERVER_ERROR), exit 3, and once there is room
// again it starts on the same folder with every command it acknowledged.
func TestDiskFullRealBinary(t *testing.T) {
	mnt, bin, dir, p := startOnTmpfs(t)
	cl := newClient(t, p.addr, kgo.ProducerBatchMaxBytes(4<<20), kgo.RecordRetries(2))
	log := newLogReader(t, p.addr)
	produce(t, cl, commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))))
	if done, _ := log.request("deploy"); done.Status != DoneOK {
		t.Fatalf("deploy: %+v", done)
	}
	// Incompressible variables, until the broker cannot write.
	raw := make([]byte, 110_000)
	_, _ = rand.Read(raw)
	blob := base64.StdEncoding.EncodeToString(raw)
	for i := 0; ; i++ {
		select {
		case <-p.exited:
		default:
			rec := commandRecord(t, reqID("fill", i), createCommand("work", map[string]any{"blob": blob, "i": i}))
			cl.Produce(testContext(t), rec, nil)
			time.Sleep(20 * time.Millisecond)
			if i < 3000 { // a minute (it stops after a few creates)
				continue
			}
			t.Fatal("wfctl dev did not stop on a full disk in a minute")
		}
		break
	}
	stoppedForSpace(t, p, dir)
	// Room again: the same folder starts, with what was acknowledged.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	restartsWithDeploy(t, bin, dir)
}

// TestDiskFullClientWrite: the disk fills while the engine is idle, and
// then a client's record cannot be written. The engine has nothing to
// write, yet the server stops, as a Kafka broker whose only log folder
// fails does. (It used to go on, its broker failing every write; in
// TestDiskFullRealBinary that happened when the engine's last write
// fitted and the next create did not, and the test waited in vain.)
func TestDiskFullClientWrite(t *testing.T) {
	mnt, bin, dir, p := startOnTmpfs(t)
	// Without idempotence, RecordRetries bounds a produce (an idempotent
	// producer retries a write the broker failed until it succeeds).
	cl := newClient(t, p.addr, kgo.RecordRetries(1), kgo.DisableIdempotentWrite())
	log := newLogReader(t, p.addr)
	produce(t, cl, commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))))
	if done, _ := log.request("deploy"); done.Status != DoneOK {
		t.Fatalf("deploy: %+v", done)
	}
	if _, err := kadm.NewClient(cl).CreateTopic(testContext(t), 1, 1, nil, "elsewhere"); err != nil {
		t.Fatal(err)
	}
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := filler.Write(chunk); err != nil {
			break
		}
	}
	for {
		if _, err := filler.Write(chunk[:512]); err != nil {
			break
		}
	}
	filler.Close()
	// A record on a topic the engine does not read.
	errc := make(chan error, 1)
	cl.Produce(testContext(t), &kgo.Record{Topic: "elsewhere", Value: bytes.Repeat([]byte("x"), 4096)},
		func(_ *kgo.Record, err error) { errc <- err })
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("wfctl dev did not stop when its broker could not write a client's record")
	}
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("a record was acknowledged on a full disk")
		}
		t.Logf("the producer's error: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the producer got no answer")
	}
	stoppedForSpace(t, p, dir)
	if err := os.Remove(filepath.Join(mnt, "filler")); err != nil {
		t.Fatal(err)
	}
	restartsWithDeploy(t, bin, dir)
}

// startOnTmpfs starts the real binary with its data folder on a 3 MB
// tmpfs. Mounting needs root (CI runs as root); elsewhere the test is
// skipped.
func startOnTmpfs(t *testing.T) (mnt, bin, dir string, p *devProcess) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	mnt = t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })
	bin = buildWfctl(t)
	dir = filepath.Join(mnt, "dev")
	return mnt, bin, dir, startDev(t, bin, "--port", "0", "--data-dir", dir)
}

// stoppedForSpace checks that the stopped process said why, exit 3.
func stoppedForSpace(t *testing.T, p *devProcess, dir string) {
	t.Helper()
	stderr := string(p.stderrBytes())
	if code := p.cmd.ProcessState.ExitCode(); code != 3 || !strings.Contains(stderr, "no space left on device in "+dir) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "panic") {
		t.Fatalf("stderr:\n%s", stderr)
	}
}

// restartsWithDeploy starts the binary again on dir, and finds the
// deploy it acknowledged before the disk filled.
func restartsWithDeploy(t *testing.T, bin, dir string) {
	t.Helper()
	p := startDev(t, bin, "--port", "0", "--data-dir", dir)
	log := newLogReader(t, p.addr)
	if done, _ := log.request("deploy"); done.Status != DoneOK {
		t.Fatalf("deploy after the restart: %+v", done)
	}
}
