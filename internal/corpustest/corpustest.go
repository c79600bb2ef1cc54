// Package corpustest finds the shared corpus of real BPMN files that the
// parity and robustness tests read (see its README). The corpus is not
// part of the repository: it is taken from $WFCTL_CORPUS, or from
// ../shared/corpus beside the repository, and a test without it is
// skipped, saying so, rather than passing in silence.
package corpustest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// EnvVar names the environment variable that locates the corpus.
const EnvVar = "WFCTL_CORPUS"

// Path returns the corpus folder and whether it exists: $WFCTL_CORPUS, or
// ../shared/corpus relative to the repository (the folder holding go.mod).
func Path() (string, bool) {
	dir := os.Getenv(EnvVar)
	if dir == "" {
		dir = filepath.Join(repoRoot(), "..", "shared", "corpus")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	info, err := os.Stat(dir)
	return dir, err == nil && info.IsDir()
}

// Dir returns the corpus folder, or skips tb with the reason. The first
// skip in a test binary also prints one line to stderr, so that a run
// without the corpus says what it left out.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, ok := Path()
	if !ok {
		announce.Do(func() {
			fmt.Fprintf(os.Stderr, "corpus tests skipped: no corpus at %s (set %s to its folder)\n", dir, EnvVar)
		})
		tb.Skipf("corpus not available at %s (set %s)", dir, EnvVar)
	}
	return dir
}

var announce sync.Once

// repoRoot is the nearest folder above the working directory (a test's
// package folder) that holds go.mod, or "." when there is none.
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}
