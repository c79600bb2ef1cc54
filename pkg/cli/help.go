package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newHelpCmd is cobra's help command plus help topics (exit-codes).
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command | exit-codes]",
		Short: "Help about any command, or a topic: exit-codes",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] == "exit-codes" {
				_, err := fmt.Fprint(cmd.OutOrStdout(), exitCodesHelp)
				return err
			}
			target, _, err := root.Find(args)
			if err != nil || target == nil {
				return usageErrorf("unknown help topic %v", args)
			}
			return target.Help()
		},
	}
}
