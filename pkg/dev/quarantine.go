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
// inputs set aside, one JSON object per line:
// {"input":"wfctl.commands/0@17","reason":"…"}: inputs the engine failed
// on (it panicked: a bug) or whose records were over the limit of what
// one input may make the engine write. The engine's state in memory is
// then past what was committed, so the server rebuilds it from
// wfctl.records, as a restart does, and goes on; the transaction in
// progress is not committed. The list makes the rebuilt server (and any
// later restart) skip the input, which would otherwise stop it again, for
// ever: a command gets a rejected Done marker with the reason, and
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

// poisonError is an input set aside: the runner stops, and the server
// starts another on what was committed (see [Server.serve]).
type poisonError struct{ input, reason string }

func (e *poisonError) Error() string {
	return fmt.Sprintf("the input at %s was set aside: %s", e.input, e.reason)
}

// setAside quarantines an input and returns the error that hands over to
// a new runner; an error writing the quarantine list stops the server
// (a restart would meet the input again).
func (r *runner) setAside(input, reason string) error {
	r.skip[input] = reason
	if err := r.quarantine(input, reason); err != nil {
		return fmt.Errorf("the input at %s must be set aside (%s), but it could not be quarantined: %w", input, reason, err)
	}
	return &poisonError{input: input, reason: reason}
}

// quarantine adds an input to the data folder's quarantine list, synced
// to disk. In memory, the runner's list is all there is.
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
		reason = fmt.Sprintf("not run: set aside (%s)", reason)
		if r.opts.DataDir != "" {
			reason += "; see " + QuarantineFileName + " in the data folder"
		}
	}
	return reason, ok
}
