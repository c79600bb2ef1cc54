// Command wfctl validates, deploys and traces BPMN workflows on Kafka.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wfctl/wfctl/pkg/cli"
)

// Set by the linker (goreleaser.yaml).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	// SIGTERM too: systemd and Kubernetes stop services with it, and a
	// server (dev, trace --follow --group) must end as on Ctrl-C, aborting
	// its open transaction rather than leaving it to time out.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.System(cli.BuildInfo{Version: version, Commit: commit, Date: date}))
	stop()
	os.Exit(code)
}
