package broker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrDataDirLocked is wrapped by [Start]'s error when another broker runs on
// the same data folder.
var ErrDataDirLocked = errors.New("data folder in use by another broker")

// LockFileName is the file in a data folder that a running broker locks.
const LockFileName = "wfctl-broker.lock"

// dirLock holds an exclusive lock on a data folder for as long as the file
// stays open. The lock is an advisory lock the operating system drops when
// the process ends, so it never goes stale; the PID written into the file is
// only there to tell the user who holds it.
type dirLock struct{ f *os.File }

func lockDataDir(dir string) (*dirLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("data folder %s: %w%s: stop that broker, or choose another data folder", dir, ErrDataDirLocked, holder(path))
		}
		return nil, fmt.Errorf("data folder %s: locking %s: %w", dir, LockFileName, err)
	}
	if err := writePID(f); err != nil {
		unlockFile(f)
		f.Close()
		return nil, fmt.Errorf("data folder %s: writing %s: %w", dir, LockFileName, err)
	}
	return &dirLock{f: f}, nil
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// holder names the PID recorded in the lock file, if it can be read.
func holder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	pid := strings.TrimSpace(string(b))
	if _, err := strconv.Atoi(pid); err != nil {
		return ""
	}
	return " (pid " + pid + ")"
}

func (l *dirLock) release() error {
	if l == nil {
		return nil
	}
	return errors.Join(unlockFile(l.f), l.f.Close())
}
