package cli

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print wfctl's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json"); err != nil {
				return err
			}
			return runVersion(f, g.Output)
		},
	}
}

func runVersion(f *Factory, format string) error {
	b := f.Build
	if format == "json" {
		out := struct {
			BuildInfo
			Go string `json:"go"`
		}{b, runtime.Version()}
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	_, err := fmt.Fprintf(f.IO.Out, "wfctl %s (commit %s, built %s, %s)\n", b.Version, b.Commit, b.Date, runtime.Version())
	return err
}
