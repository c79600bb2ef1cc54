//go:build unix

package dev

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDevCommand runs the real `wfctl dev`: with -o json its ready line
// is one JSON object; a second server on the same data folder exits 3;
// an interrupt (Ctrl-C) stops the first cleanly, exit 0.
func TestDevCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	bin := buildWfctl(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "dev", "--port", "0", "--data-dir", dir, "-o", "json", "--topics", "orders")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no ready line: %v (%s)", err, stderr.String())
	}
	var ready struct {
		Ready        string   `json:"ready"`
		DataDir      string   `json:"dataDir"`
		Persistent   bool     `json:"persistent"`
		DomainTopics []string `json:"domainTopics"`
	}
	if err := json.Unmarshal([]byte(line), &ready); err != nil {
		t.Fatalf("ready line %q: %v", line, err)
	}
	if !strings.HasPrefix(ready.Ready, "127.0.0.1:") || ready.DataDir != dir || !ready.Persistent ||
		len(ready.DomainTopics) != 1 || ready.DomainTopics[0] != "orders" {
		t.Errorf("ready: %+v", ready)
	}

	second := exec.Command(bin, "dev", "--port", "0", "--data-dir", dir)
	out, err := second.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(string(out), "data folder in use") {
		t.Errorf("a second server on the data folder: %v\n%s", err, out)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after an interrupt: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "wfctl dev stopped") || !strings.Contains(stderr.String(), "ready in") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
