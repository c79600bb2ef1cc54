package dev

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
)

// The broker reports a failed write of its data folder to clients as
// UNKNOWN_SERVER_ERROR, and the server's own transaction then fails with
// that. When the server stops on an error, the data folder is probed so
// that the error says the real cause, in the words of the system.

// DataDirError is a data folder the broker cannot write.
type DataDirError struct {
	// Path is the data folder or the file that cannot be written.
	Path string
	Err  error
}

func (e *DataDirError) Error() string {
	switch {
	case errors.Is(e.Err, syscall.ENOSPC):
		return "no space left on device in " + e.Path
	case errors.Is(e.Err, syscall.EDQUOT):
		return "disk quota exceeded in " + e.Path
	case errors.Is(e.Err, fs.ErrPermission):
		return "permission denied: " + e.Path
	case errors.Is(e.Err, syscall.EROFS):
		return "read-only file system: " + e.Path
	}
	return fmt.Sprintf("cannot write %s: %v", e.Path, e.Err)
}

func (e *DataDirError) Unwrap() error { return e.Err }

// probeDataDir checks that the data folder takes a write (64 KiB, synced)
// and that every file in it can be opened for writing (without changing
// it), and returns the first failure.
func probeDataDir(dir string) error {
	f, err := os.CreateTemp(dir, ".wfctl-probe-*")
	if err != nil {
		return &DataDirError{Path: dir, Err: err}
	}
	_, werr := f.Write(make([]byte, 64<<10))
	if werr == nil {
		werr = f.Sync()
	}
	f.Close()
	os.Remove(f.Name())
	if werr != nil {
		return &DataDirError{Path: dir, Err: werr}
	}
	var bad error
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			bad = &DataDirError{Path: path, Err: err}
			return filepath.SkipAll
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			bad = &DataDirError{Path: path, Err: err}
			return filepath.SkipAll
		}
		f.Close()
		return nil
	})
	return bad
}

// withDataDirCause puts the data folder's failure, if any, before err:
// what the probe finds now, else what the broker last failed to write.
func withDataDirCause(dir string, log *persistLog, err error) error {
	if err == nil || dir == "" {
		return err
	}
	var dd *DataDirError
	if errors.As(err, &dd) {
		return err
	}
	if perr := probeDataDir(dir); perr != nil {
		return fmt.Errorf("%w (%v)", perr, err)
	}
	if perr := log.failure(dir); perr != nil {
		return fmt.Errorf("%w (%v)", perr, err)
	}
	return err
}

// persistLog keeps the broker's last warning about writing its data
// folder (kfake logs the system's error, and tells clients only
// UNKNOWN_SERVER_ERROR), and closes failed at the first one.
type persistLog struct {
	mu     sync.Mutex
	last   string
	once   sync.Once
	failed chan struct{}
}

func newPersistLog() *persistLog { return &persistLog{failed: make(chan struct{})} }

func (l *persistLog) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn
}
func (l *persistLog) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "persist") {
		l.mu.Lock()
		l.last = r.Message
		l.mu.Unlock()
		l.once.Do(func() { close(l.failed) })
	}
	return nil
}
func (l *persistLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *persistLog) WithGroup(string) slog.Handler      { return l }

var deniedPath = regexp.MustCompile(`(/[^:]*): permission denied`)

// failure is the data folder's failure the broker logged last, if any.
func (l *persistLog) failure(dir string) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	last := l.last
	l.mu.Unlock()
	switch {
	case last == "":
		return nil
	case strings.Contains(last, "no space left on device"):
		return &DataDirError{Path: dir, Err: syscall.ENOSPC}
	case strings.Contains(last, "disk quota exceeded"):
		return &DataDirError{Path: dir, Err: syscall.EDQUOT}
	case strings.Contains(last, "permission denied"):
		path := dir
		if m := deniedPath.FindStringSubmatch(last); m != nil {
			path = m[1]
		}
		return &DataDirError{Path: path, Err: fs.ErrPermission}
	case strings.Contains(last, "read-only file system"):
		return &DataDirError{Path: dir, Err: syscall.EROFS}
	}
	return &DataDirError{Path: dir, Err: errors.New(last)}
}

// privateDir creates the data folder readable by its owner alone (0700),
// or narrows an existing one to that: it holds every variable of every
// instance. The files the broker writes in it are made 0600 by the
// process's umask (see wfctl dev).
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &DataDirError{Path: dir, Err: err}
	}
	st, err := os.Stat(dir)
	if err != nil {
		return &DataDirError{Path: dir, Err: err}
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, st.Mode().Perm()&0o700); err != nil {
			return &DataDirError{Path: dir, Err: err}
		}
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			return os.Chmod(path, info.Mode().Perm()&0o700)
		}
		return nil
	})
}
