package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
)

func newMessageCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "message",
		Short: "Publish messages to a wfctl engine",
	}
	cmd.AddCommand(newMessagePublishCmd(f, g))
	return cmd
}

func newMessagePublishCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var key, vars, id string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:     "publish NAME --correlation-key KEY [--variables JSON] [--ttl 1h] [--message-id ID]",
		Short:   "Publish a message; it correlates to waiting instances, or waits --ttl for one",
		Example: `  wfctl message publish PaymentReceived --correlation-key o-1 --variables '{"amount": 42}'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			if ttl < 0 {
				return usageErrorf("--ttl must not be negative")
			}
			v, err := readVars(f, "--variables", vars)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
				p, err := c.PublishMessage(ctx, engine.Message{Name: args[0], CorrelationKey: key, MessageID: id, TTL: ttl, Variables: v})
				if err != nil {
					return err
				}
				correlated, started, msgKey := p.Correlated, p.Started, p.MessageKey
				if g.Output == "json" {
					return writeJSON(f.IO.Out, map[string]any{"messageKey": msgKey, "correlated": correlated, "started": started})
				}
				fmt.Fprintf(f.IO.Out, "published message %d (%s, key %q): correlated to %d waiting instance(s), started %d\n", msgKey, args[0], key, correlated, started)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&key, "correlation-key", "", "correlation key (required)")
	cmd.Flags().StringVar(&vars, "variables", "", "variables as a JSON object, @FILE or @- (stdin)")
	cmd.Flags().DurationVar(&ttl, "ttl", 0, "how long the message waits for a subscription (0: correlate now or never)")
	cmd.Flags().StringVar(&id, "message-id", "", "message id: a second message with the same id is rejected while the first is buffered")
	_ = cmd.MarkFlagRequired("correlation-key")
	ef.bind(cmd)
	return cmd
}
