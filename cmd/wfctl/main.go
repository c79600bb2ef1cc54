// Command wfctl validates, deploys and traces BPMN workflows on Kafka.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/wfctl/wfctl/pkg/cli"
)

// Set by the linker (goreleaser.yaml).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], cli.System(cli.BuildInfo{Version: version, Commit: commit, Date: date}))
	stop()
	os.Exit(code)
}
