package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newSignalCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "signal",
		Short: "Broadcast signals to a wfctl engine",
	}
	cmd.AddCommand(newSignalBroadcastCmd(f, g, nil))
	return cmd
}

// signalBroadcastOptions are signal broadcast's flags and argument.
type signalBroadcastOptions struct {
	f         *Factory
	g         *globalOptions
	ef        engineFlags
	Name      string
	Variables map[string]any
}

func newSignalBroadcastCmd(f *Factory, g *globalOptions, runF func(context.Context, *signalBroadcastOptions) error) *cobra.Command {
	o := &signalBroadcastOptions{f: f, g: g}
	var vars string
	cmd := &cobra.Command{
		Use:   "broadcast NAME [--variables JSON]",
		Short: "Broadcast a signal to every instance and start event waiting for it",
		Long: `Broadcast a signal, as zbctl's broadcast signal does: every open signal
subscription of the name is triggered at once (signal start events start
instances; waiting catch events, boundary events and event sub-process
starts go on) with the variables. A signal is never buffered: one nobody
waits for reaches nothing.`,
		Example: `  wfctl signal broadcast StockReplenished --variables '{"sku": "A-1"}'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "" {
				return usageErrorf("signal name: want a non-empty name")
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			o.Name, o.Variables = args[0], v
			return orRun(runF, runSignalBroadcast)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runSignalBroadcast(ctx context.Context, o *signalBroadcastOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		b, err := c.BroadcastSignal(ctx, o.Name, o.Variables)
		if err != nil {
			return err
		}
		return writeResult(f, o.g, b, func() error {
			_, err := fmt.Fprintf(f.IO.Out, "broadcast signal %d (%s): started %s\n", b.SignalKey, o.Name, ui.Plural(b.Started, "instance"))
			return err
		})
	})
}
