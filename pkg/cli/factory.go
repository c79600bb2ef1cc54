package cli

import (
	"os"
	"time"

	"github.com/wfctl/wfctl/pkg/ui"
)

// BuildInfo is set at link time by goreleaser (see goreleaser.yaml).
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Factory carries what commands depend on, so that every command runs in
// tests without touching process globals.
type Factory struct {
	IO      *ui.IOStreams
	Getenv  func(string) string
	Now     func() time.Time
	WorkDir string
	Build   BuildInfo
}

// System returns a factory for the real process.
func System(build BuildInfo) *Factory {
	wd, _ := os.Getwd()
	return &Factory{IO: ui.System(), Getenv: os.Getenv, Now: time.Now, WorkDir: wd, Build: build}
}
