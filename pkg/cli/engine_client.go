package cli

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// engineFlags are the flags of every command that talks to a wfctl
// engine (wfctl dev) over Kafka.
type engineFlags struct {
	Kafka kafka.Flags
}

func (e *engineFlags) bind(cmd *cobra.Command) {
	kafka.BindFlags(cmd.Flags(), &e.Kafka)
}

// withEngine connects to the broker and runs fn with a client of the
// engine, mapping errors to exit codes.
func withEngine(ctx context.Context, f *Factory, flags engineFlags, fn func(*devclient.Client) error) error {
	// A command may be as large as the engine's --max-command-size (a
	// 4 MB model is 5.3 MB of base64): the client does not refuse what
	// the broker would take, and compresses it as the broker keeps it.
	// A command is sent at once: franz-go's default linger (10 ms, to
	// fill batches) would be added to every command's round trip. No
	// client metrics (KIP-714): the dev broker has no use for them, and
	// compressing the last push on close cost a short command 30 ms of
	// CPU.
	_, cl, err := kafkaClient(ctx, f, flags.Kafka, kgo.ProducerLinger(0), kgo.DisableClientMetrics(),
		kgo.ProducerBatchMaxBytes(maxCommandBytes), kgo.ProducerBatchCompression(kgo.Lz4Compression(), kgo.NoCompression()))
	if err != nil {
		return err
	}
	defer cl.Close()
	cfg, _ := kafka.Load(flags.Kafka, f.Getenv)
	dc := devclient.New(cl, cfg)
	defer dc.Close()
	err = fn(dc)
	var rej *devclient.RejectedError
	if errors.As(err, &rej) {
		if notFound(rej) {
			return &UsageError{Err: err} // exit 2: a key nobody knows, as for a file
		}
		return &FindingError{Err: err} // exit 1, with the engine's reason
	}
	if errors.Is(err, devclient.ErrNoEngine) {
		return &InfraError{Err: err}
	}
	if errors.Is(err, kafka.ErrTopicNotFound) {
		// The engine's own topics missing: no wfctl dev ever ran here.
		err = fmt.Errorf("%w: is this a wfctl engine? start `wfctl dev` first", err)
	}
	return kafkaError(err)
}

// notFound reports whether the engine rejected a command because the
// entity it names does not exist: an unknown key is an input error in
// every command (exit 2), as a path that matches no file is.
func notFound(rej *devclient.RejectedError) bool {
	if rej.Response == nil {
		return false
	}
	for _, r := range rej.Response.Records {
		if r.RejectionType == engine.NotFound {
			return true
		}
	}
	return false
}

// maxCommandBytes is the most a client sends as one command: the highest
// --max-command-size wfctl dev takes.
const maxCommandBytes = 64 << 20

// ack runs an operation about one entity (key) and acknowledges it: the
// text, or with -o json {"key":…,"done":done, details…}.
func ack(ctx context.Context, f *Factory, g *globalOptions, ef engineFlags, key int64, done, text string, details map[string]any,
	op func(context.Context, *devclient.Client) error) error {
	return withEngine(ctx, f, ef, func(c *devclient.Client) error {
		if err := op(ctx, c); err != nil {
			return err
		}
		v := map[string]any{"key": key, "done": done}
		for k, d := range details {
			v[k] = d
		}
		return writeResult(f, g, v, func() error {
			_, err := fmt.Fprintln(f.IO.Out, text)
			return err
		})
	})
}

// parseKey reads the key of a job, instance, ... given as an argument.
func parseKey(what, arg string) (int64, error) {
	key, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return 0, usageErrorf("%s key %q: want a number", what, arg)
	}
	return key, nil
}
