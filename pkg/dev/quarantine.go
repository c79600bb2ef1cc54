package dev

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// QuarantineFileName is the file in the data folder that lists the
// inputs the engine failed on (it panicked: a bug), one JSON object per
// line: {"input":"wfctl.commands/0@17","reason":"…"}. The server stops
// when that happens, since the engine's state is then unknown; the
// transaction in progress is not committed, so a restart rebuilds the
// state from what was. Without the list, the restarted server would read
// the same input again and stop again, for ever: with it, the input is
// skipped (a command gets a rejected Done marker with the reason) and
// everything after it runs.
const QuarantineFileName = "wfctl-quarantine.ndjson"

type quarantined struct {
	Input  string `json:"input"`
	Reason string `json:"reason"`
}

// readQuarantine loads the quarantine list of a data folder.
func readQuarantine(dataDir string) (map[string]string, error) {
	skip := map[string]string{}
	if dataDir == "" {
		return skip, nil
	}
	f, err := os.Open(filepath.Join(dataDir, QuarantineFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return skip, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var q quarantined
		if json.Unmarshal(sc.Bytes(), &q) == nil && q.Input != "" {
			skip[q.Input] = q.Reason
		}
	}
	return skip, sc.Err()
}

// quarantine adds an input to the data folder's quarantine list, synced
// to disk before the server stops. In memory, nothing survives a restart
// anyway.
func (r *runner) quarantine(input, reason string) error {
	if r.opts.DataDir == "" {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(r.opts.DataDir, QuarantineFileName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(quarantined{Input: input, Reason: reason})
	_, err = f.Write(append(line, '\n'))
	return errors.Join(err, f.Sync(), f.Close())
}

// skipped reports whether an input is quarantined, and why.
func (r *runner) skipped(input string) (string, bool) {
	reason, ok := r.skip[input]
	if ok {
		reason = fmt.Sprintf("not run: the engine failed on this input before (%s); see %s in the data folder", reason, QuarantineFileName)
	}
	return reason, ok
}
