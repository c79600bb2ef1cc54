package dev

import (
	"context"
	"errors"
	"log/slog"
	"syscall"
	"testing"
)

func errNoSpace() error { return syscall.ENOSPC }

// TestPersistLogWords: the broker's persist warnings (kfake logs the
// system's error) become the error a user reads. A full disk is tested
// with the real binary (TestDiskFullRealBinary); permissions cannot be,
// as root, so the wording is checked here on kfake's own log lines.
func TestPersistLogWords(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"persist batch wfctl.records-0: write /data/wfctl.records-0/00000000000000000000.dat: no space left on device", "no space left on device in /data"},
		{"persist batch open wfctl.records-0: open /data/wfctl.records-0/00000000000000000000.dat: permission denied", "permission denied: /data/wfctl.records-0/00000000000000000000.dat"},
		{"persist batch wfctl.jobs-0: write /data/x: read-only file system", "read-only file system: /data"},
		{"persist batch wfctl.jobs-0: something else", "cannot write /data: persist batch wfctl.jobs-0: something else"},
	} {
		l := newPersistLog()
		logger := slog.New(l)
		logger.Info("persist nothing at info")
		logger.Warn("not about persisting")
		if l.failure("/data") != nil {
			t.Fatalf("a failure from lines that are not persist warnings")
		}
		select {
		case <-l.failed:
			t.Fatalf("the server would stop on lines that are not persist warnings")
		default:
		}
		logger.Warn(c.line)
		logger.Warn(c.line) // a second failure does not close failed again
		select {
		case <-l.failed:
		default:
			t.Fatalf("%q: the server would not stop", c.line)
		}
		if err := l.failure("/data"); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %q", c.line, err, c.want)
		}
	}
	// A writable data folder: the logged failure comes first.
	l := newPersistLog()
	slog.New(l).Warn("persist batch x-0: write /d/x: no space left on device")
	err := withDataDirCause(t.TempDir(), l, errors.New("UNKNOWN_SERVER_ERROR"))
	if err == nil || err.Error() == "UNKNOWN_SERVER_ERROR" || !errors.Is(err, errNoSpace()) {
		t.Errorf("with a logged failure: %v", err)
	}
	if l.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("info lines are kept")
	}
}
