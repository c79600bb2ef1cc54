package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(f *Factory, g *globalOptions) *cobra.Command {
	return withFormats(&cobra.Command{
		Use:   "version",
		Short: "Print wfctl's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(f, g)
		},
	}, "text", "json", "ndjson")
}

func runVersion(f *Factory, g *globalOptions) error {
	b := f.Build
	out := struct {
		BuildInfo
		Go string `json:"go"`
	}{b, runtime.Version()}
	return writeResult(f, g, out, func() error {
		_, err := fmt.Fprintf(f.IO.Out, "wfctl %s (commit %s, built %s, %s)\n", b.Version, b.Commit, b.Date, runtime.Version())
		return err
	})
}
