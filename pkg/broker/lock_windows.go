//go:build windows

package broker

import (
	"os"

	"golang.org/x/sys/windows"
)

var errWouldBlock error = windows.ERROR_LOCK_VIOLATION

// lockRegion is a byte range far past the PID written at the start of the
// file: Windows locks are mandatory, and locking the PID itself would stop
// a refused broker from reading who holds the lock.
const lockRegion = 1 << 30

func lockFile(f *os.File) error {
	ol := &windows.Overlapped{Offset: lockRegion}
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
}

func unlockFile(f *os.File) error {
	ol := &windows.Overlapped{Offset: lockRegion}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}
