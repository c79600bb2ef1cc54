package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newMessageCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "message",
		Short: "Publish messages to a wfctl engine",
	}
	cmd.AddCommand(newMessagePublishCmd(f, g, nil))
	return cmd
}

// messagePublishOptions are message publish's flags and argument.
type messagePublishOptions struct {
	f       *Factory
	g       *globalOptions
	ef      engineFlags
	Message engine.Message
}

func newMessagePublishCmd(f *Factory, g *globalOptions, runF func(context.Context, *messagePublishOptions) error) *cobra.Command {
	o := &messagePublishOptions{f: f, g: g}
	var vars string
	m := &o.Message
	cmd := &cobra.Command{
		Use:     "publish NAME --correlation-key KEY [--variables JSON] [--ttl 1h] [--message-id ID]",
		Short:   "Publish a message; it correlates to waiting instances, or waits --ttl for one",
		Example: `  wfctl message publish PaymentReceived --correlation-key o-1 --variables '{"amount": 42}'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if m.TTL < 0 || m.TTL.Milliseconds() > engine.MaxDuration {
				return usageErrorf("--ttl %s: want 0 to 10 years", m.TTL)
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			m.Name, m.Variables = args[0], v
			return orRun(runF, runMessagePublish)(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&m.CorrelationKey, "correlation-key", "", "correlation key (required)")
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	durationFlag(cmd.Flags(), &m.TTL, "ttl", 0, "how long the message waits for a subscription (0: correlate now or never)")
	cmd.Flags().StringVar(&m.MessageID, "message-id", "", "message id: a second message with the same id is rejected while the first is buffered")
	_ = cmd.MarkFlagRequired("correlation-key")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runMessagePublish(ctx context.Context, o *messagePublishOptions) error {
	f := o.f
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		p, err := c.PublishMessage(ctx, o.Message)
		if err != nil {
			return err
		}
		return writeResult(f, o.g, p, func() error {
			_, err := fmt.Fprintf(f.IO.Out, "published message %d (%s, key %q): correlated to %s, started %s\n",
				p.MessageKey, o.Message.Name, o.Message.CorrelationKey, ui.Plural(p.Correlated, "waiting instance"), ui.Plural(p.Started, "instance"))
			return err
		})
	})
}
