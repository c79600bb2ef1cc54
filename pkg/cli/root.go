// Package cli is wfctl's command tree: each command parses its flags,
// calls into a package that does the work, and renders the result. Errors
// become exit codes in one place, Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// globalOptions are the flags every command has.
type globalOptions struct {
	Output     string
	Color      string
	NoColor    bool
	CPUProfile string
}

// Main runs wfctl with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, f *Factory) int {
	root := newRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var ee *ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintln(f.IO.StyledErr(), ui.BoldRed.Render("error:")+" "+err.Error())
			if strings.HasPrefix(err.Error(), "unknown command") {
				fmt.Fprintln(f.IO.ErrOut, "Run 'wfctl --help' for usage.")
			}
		}
	}
	return exitCode(err)
}

func newRootCmd(f *Factory) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "wfctl",
		Short: "Validate, deploy and trace BPMN workflows on Kafka",
		Long: `wfctl is the toolkit around a Zeebe-style workflow engine for teams whose
services talk over Kafka: lint BPMN models in CI, deploy them, and replay a
topic's history through the engine to see which business processes stalled.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := applyGlobals(f, g); err != nil {
				return err
			}
			if err := checkFormat(cmd, g); err != nil {
				return err
			}
			if err := checkRequiredFlags(cmd); err != nil {
				return err
			}
			return startProfile(g.CPUProfile)
		},
		PersistentPostRun: func(cmd *cobra.Command, args []string) { stopProfile() },
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(flagError)
	pf := root.PersistentFlags()
	pf.StringVarP(&g.Output, "output", "o", "text", "output format: text, json (and per command: sarif, github, ndjson)")
	pf.StringVar(&g.Color, "color", "auto", "colour: auto (on a terminal, unless NO_COLOR is set), always, never")
	pf.BoolVar(&g.NoColor, "no-color", false, "no colour (same as --color never)")
	pf.StringVar(&g.CPUProfile, "cpuprofile", "", "write a Go CPU profile to FILE (for wfctl's developers)")
	_ = pf.MarkHidden("cpuprofile")

	root.AddCommand(
		withFormats(newValidateCmd(f, g, nil), validate.Formats...),
		newFeelCmd(f, g, nil),
		newDecisionCmd(f, g),
		newTraceCmd(f, g, nil),
		newDemoCmd(f, g),
		newDeployCmd(f, g, nil),
		newRenderCmd(f, nil),
		newInstanceCmd(f, g),
		newMessageCmd(f, g),
		newSignalCmd(f, g),
		newJobCmd(f, g),
		newIncidentCmd(f, g),
		newVariablesCmd(f, g),
		newClockCmd(f, g),
		newStatusCmd(f, g, nil),
		newRecordsCmd(f, g, nil),
		newDevCmd(f, g, nil),
		newProfileCmd(f, g),
		newVersionCmd(f, g),
		newCompletionCmd(f),
	)
	root.SetHelpCommand(newHelpCmd(root))
	applyUsagePolicy(root)
	return root
}

func applyGlobals(f *Factory, g *globalOptions) error {
	mode, err := ui.ParseColorMode(g.Color)
	if err != nil {
		return &UsageError{Err: err}
	}
	if g.NoColor {
		mode = ui.ColorNever
	}
	f.IO.Color = mode
	return nil
}

var profileFile *os.File

// startProfile starts a CPU profile when --cpuprofile names a file.
func startProfile(path string) error {
	if path == "" {
		return nil
	}
	fh, err := os.Create(path)
	if err != nil {
		return &InfraError{Err: err}
	}
	profileFile = fh
	return pprof.StartCPUProfile(fh)
}

func stopProfile() {
	if profileFile != nil {
		pprof.StopCPUProfile()
		profileFile.Close()
		profileFile = nil
	}
}
