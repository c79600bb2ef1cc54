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

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestDiskFullRealBinary: the real binary on a small tmpfs runs out of
// space. It stops with "no space left on device in DIR" (the broker tells
// its clients only UNKNOWN_SERVER_ERROR), exit 3, and once there is room
// again it starts on the same folder with every command it acknowledged.
// Mounting needs root (CI runs as root); elsewhere the test is skipped.
func TestDiskFullRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })
	bin := buildWfctl(t)
	dir := filepath.Join(mnt, "dev")
	p := startDev(t, bin, "--port", "0", "--data-dir", dir)
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
			if i < 3000 { // a minute: under load (CI runs packages side by side) 20 s was once not enough
				continue
			}
			t.Fatal("wfctl dev did not stop on a full disk in a minute")
		}
		break
	}
	stderr := string(p.stderrBytes())
	if code := p.cmd.ProcessState.ExitCode(); code != 3 || !strings.Contains(stderr, "no space left on device in "+dir) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "panic") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	// Room again: the same folder starts, with what was acknowledged.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	p = startDev(t, bin, "--port", "0", "--data-dir", dir)
	log = newLogReader(t, p.addr)
	if done, _ := log.request("deploy"); done.Status != DoneOK {
		t.Fatalf("deploy after the restart: %+v", done)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}
