package dev

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestLimitsRealBinary: commands over the limits are rejected with a Done
// marker naming the limit, before anything is written, and the server
// restarts on its data folder (issue: a 4.2 MB variable once stopped the
// server on every restart with MESSAGE_TOO_LARGE). A command whose
// records turn out over the limit of what one input may make the engine
// write is set aside, and the server goes on.
func TestLimitsRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	bin := buildWfctl(t)
	dir := t.TempDir()
	p := startDev(t, bin, "--port", "0", "--data-dir", dir)
	_, port, _ := net.SplitHostPort(p.addr)
	// Compressible values: the broker takes the batches compressed.
	cl := newClient(t, p.addr, kgo.ProducerBatchMaxBytes(32<<20), kgo.ProducerBatchCompression(kgo.Lz4Compression()))
	big := func(n int) map[string]any { return map[string]any{"blob": strings.Repeat("x", n)} }
	produce(t, cl,
		commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))),
		commandRecord(t, "4.2MB", createCommand("work", big(4_200_000))),
		commandRecord(t, "10MB", createCommand("work", big(10_000_000))),
		commandRecord(t, "3MB", createCommand("work", big(3_000_000))),
		commandRecord(t, "after", createCommand("work", map[string]any{"n": 1})))
	log := newLogReader(t, p.addr)
	want := map[string]string{
		"deploy": "",
		"4.2MB":  "its variables are 4.01 MiB, over the limit of 4.00 MiB for a variable document (--max-document-size)",
		"10MB":   "the command is 9.54 MiB, over the limit of 8.00 MiB for a command (--max-command-size)",
		"3MB":    "",
		"after":  "",
	}
	check := func(log *logReader) {
		t.Helper()
		for id, reason := range want {
			done, recs := log.request(id)
			switch {
			case reason == "" && done.Status != DoneOK:
				t.Errorf("%s: %+v", id, done)
			case reason != "" && (done.Status != DoneRejected || done.Reason != reason || len(recs) != 0):
				t.Errorf("%s: %+v, %d records; want rejected: %s", id, done, len(recs), reason)
			}
		}
	}
	check(log)
	p.kill(t)
	p = startDev(t, bin, "--port", port, "--data-dir", dir)
	check(newLogReader(t, p.addr))
	p.kill(t)

	// Small limits: 40 variables of 1 KiB make the engine write about
	// 120 KiB (the command, the creation, each variable), over 100 KiB.
	p = startDev(t, bin, "--port", port, "--data-dir", dir,
		"--max-command-size", "50KiB", "--max-document-size", "50KiB", "--max-records-size", "100KiB")
	many := map[string]any{}
	for i := range 40 {
		many["v"+itoa(int32(i))] = strings.Repeat("y", 1024)
	}
	cl2 := newClient(t, p.addr)
	produce(t, cl2,
		commandRecord(t, "many", createCommand("work", many)),
		commandRecord(t, "small", createCommand("work", map[string]any{"n": 2})))
	log = newLogReader(t, p.addr)
	done, recs := log.request("many")
	if done.Status != DoneRejected || len(recs) != 0 ||
		!strings.Contains(done.Reason, "not run: set aside (it made the engine write") || !strings.Contains(done.Reason, "over the limit of 100.00 KiB for one input (--max-records-size)") {
		t.Errorf("many: %+v, %d records", done, len(recs))
	}
	if done, _ := log.request("small"); done.Status != DoneOK {
		t.Errorf("small: %+v", done)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !bytes.Contains(p.stderrBytes(), []byte("set aside")) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !bytes.Contains(p.stderrBytes(), []byte("wfctl.commands/0@")) {
		t.Errorf("stderr does not tell the input set aside:\n%s", p.stderrBytes())
	}
	select {
	case <-p.exited:
		t.Fatalf("wfctl dev stopped: %s", p.stderrBytes())
	default:
	}
}

// TestDeployLargeModelRealBinary: `wfctl deploy` takes a 4 MB model to
// wfctl dev (it used to fail from about 0.75 MB with MESSAGE_TOO_LARGE,
// exit 3), and one over --max-document-size is refused by the engine with
// the limit in words, exit 1.
func TestDeployLargeModelRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	bin := buildWfctl(t)
	p := startDev(t, bin, "--port", "0", "--in-memory")
	dir := t.TempDir()
	model := func(id string, size int) string {
		src := strings.Replace(string(readModel(t, "work.bpmn")), `<bpmn:process id="work" name="Work" isExecutable="true">`,
			`<bpmn:process id="`+id+`" isExecutable="true"><bpmn:documentation>`+strings.Repeat("lorem ipsum ", size/12)+`</bpmn:documentation>`, 1)
		path := filepath.Join(dir, id+".bpmn")
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	deploy := func(path string) (string, int) {
		cmd := exec.Command(bin, "deploy", path, "--no-lint", "-b", p.addr)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := deploy(model("four", 4_000_000)); code != 0 || !strings.Contains(out, "four ") {
		t.Errorf("a 4 MB model: exit %d\n%s", code, out)
	}
	if out, code := deploy(model("five", 5_000_000)); code != 1 ||
		!strings.Contains(out, `the resource "five.bpmn" is 4.77 MiB, over the limit of 4.00 MiB for a deployment resource (--max-document-size)`) {
		t.Errorf("a 5 MB model: exit %d\n%s", code, out)
	}
}
