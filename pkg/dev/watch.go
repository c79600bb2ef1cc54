package dev

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The models folder is polled, not watched with inotify: polling works
// the same on every system and in containers with bind mounts, and a
// folder of models is small. A file is deployed when it has kept the same
// size and modification time for ModelsDebounce and its content differs
// from what was last deployed from it; the engine then makes a new
// version, or sees a duplicate (same name and checksum as the latest).

// watchEvery is how often the models folder is polled.
const watchEvery = 100 * time.Millisecond

type modelFile struct {
	Name    string // slash-separated, relative to the models folder
	Content []byte
}

type watcher struct {
	dir   string
	now   func() time.Time
	files map[string]*watchedFile
}

type watchedFile struct {
	size     int64
	mod      time.Time
	changed  time.Time // when size or mod last changed
	read     bool      // read since it last changed
	deployed [sha256.Size]byte
}

func newWatcher(dir string, now func() time.Time) (*watcher, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &OptionError{Option: "models", Err: fmt.Errorf("%s: no such folder", dir)}
	case err != nil:
		return nil, fmt.Errorf("models folder: %w", err)
	case !st.IsDir():
		return nil, &OptionError{Option: "models", Err: fmt.Errorf("%s is not a folder", dir)}
	}
	return &watcher{dir: dir, now: now, files: map[string]*watchedFile{}}, nil
}

// run polls the folder until ctx ends, handing changed models to deploy.
func (w *watcher) run(ctx context.Context, deploy chan<- []modelFile, notify func(Notice)) {
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		files, notices := w.scan(ModelsDebounce)
		for _, n := range notices {
			notify(n)
		}
		if len(files) == 0 {
			continue
		}
		select {
		case deploy <- files:
		case <-ctx.Done():
			return
		}
	}
}

// scan lists the model files (*.bpmn and *.dmn, recursively, hidden folders and
// node_modules skipped) that changed and have been still for debounce,
// in name order.
func (w *watcher) scan(debounce time.Duration) ([]modelFile, []Notice) {
	now := w.now()
	var ready []modelFile
	var notices []Notice
	_ = filepath.WalkDir(w.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a folder that vanished while walking
		}
		name := d.Name()
		if d.IsDir() {
			if path != w.dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(name, ".bpmn") || strings.HasSuffix(name, ".dmn")) || strings.HasPrefix(name, ".") {
			return nil
		}
		rel, _ := filepath.Rel(w.dir, path)
		rel = filepath.ToSlash(rel)
		f, n := w.check(rel, path, now, debounce)
		if f != nil {
			ready = append(ready, *f)
		}
		if n != nil {
			notices = append(notices, *n)
		}
		return nil
	})
	slices.SortFunc(ready, func(a, b modelFile) int { return strings.Compare(a.Name, b.Name) })
	return ready, notices
}

// check looks at one file: changed, still, or ready to deploy.
func (w *watcher) check(rel, path string, now time.Time, debounce time.Duration) (*modelFile, *Notice) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil
	}
	wf := w.files[rel]
	if wf == nil {
		wf = &watchedFile{changed: now}
		w.files[rel] = wf
	}
	if wf.size != info.Size() || !wf.mod.Equal(info.ModTime()) {
		wf.size, wf.mod, wf.changed, wf.read = info.Size(), info.ModTime(), now, false
	}
	if wf.read || now.Sub(wf.changed) < debounce {
		return nil, nil
	}
	wf.read = true
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, &Notice{Kind: ModelUnreadable, Model: rel, Message: err.Error()}
	}
	sum := sha256.Sum256(content)
	if sum == wf.deployed {
		return nil, nil
	}
	wf.deployed = sum
	return &modelFile{Name: rel, Content: content}, nil
}
