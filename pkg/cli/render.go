package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/render"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// renderOptions are render's dependencies and flag values.
type renderOptions struct {
	f       *Factory
	Model   string
	Out     string
	Format  string
	Diagram string
	Scale   float64
}

func newRenderCmd(f *Factory, runF func(context.Context, *renderOptions) error) *cobra.Command {
	opts := &renderOptions{f: f}
	cmd := &cobra.Command{
		Use:   "render MODEL.bpmn [-o FILE] [--diagram ID]",
		Short: "Draw a BPMN model as SVG, from its diagram interchange",
		Long: `Draw a BPMN model as an SVG picture from the diagram its modeler saved (BPMN DI),
in the notation of bpmn-js and Camunda Modeler: events with their icons,
tasks with their type, markers, gateways, data, annotations, groups, pools and
lanes, sequence and message flows and their labels.

Every diagram plane of the file is drawn, one under the other (a collapsed
sub-process's drill-down plane too); --diagram picks one by the id of the
diagram, its plane, or the process, collaboration or sub-process it shows.

The picture goes to -o FILE (- for standard output), by default MODEL's name
with .svg in the current folder. --format png (or -o FILE.png) draws a PNG
instead, --scale pixels per diagram unit, with the Go fonts (nothing to
install). What the diagram does not draw (a flow node
with no shape) and what cannot be drawn (bounds that are not numbers) are
listed on stderr; a file without a diagram exits 1.

Each shape is an SVG group <g class="shape" data-element-id="ID"> and each
edge a group with one path, so pages and scripts can find elements by id.`,
		Example: `  wfctl render fixtures/orders/order-fulfillment.bpmn
  wfctl render model.bpmn -o - > model.svg
  wfctl render model.bpmn --diagram Activity_1x2y3z_plane -o sub.svg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Model = args[0]
			if !cmd.Flags().Changed("format") && strings.EqualFold(filepath.Ext(opts.Out), ".png") {
				opts.Format = "png" // -o picture.png
			}
			if opts.Format != "svg" && opts.Format != "png" {
				return usageErrorf("--format %q: use svg or png", opts.Format)
			}
			if opts.Scale <= 0 || opts.Scale > 8 {
				return usageErrorf("--scale %g: give a factor above 0, up to 8", opts.Scale)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRender(opts)
		},
	}
	// -o names the picture's file here, as for dot and rsvg-convert: the
	// picture is render's output.
	cmd.Flags().StringVarP(&opts.Out, "output", "o", "", "write the picture to FILE (- for standard output; default: MODEL's name with .svg)")
	cmd.Flags().StringVar(&opts.Format, "format", "svg", "picture format: svg or png (default from -o's extension, else svg)")
	cmd.Flags().Float64Var(&opts.Scale, "scale", 2, "png: pixels per diagram unit (2 is sharp on high-density screens)")
	cmd.Flags().StringVar(&opts.Diagram, "diagram", "", "draw only this diagram (id of a BPMNDiagram, its plane, or the element it shows)")
	return cmd
}

func runRender(opts *renderOptions) error {
	f := opts.f
	src, err := os.ReadFile(validate.Resolve(f.WorkDir, opts.Model))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return usageErrorf("%s: no such file", opts.Model)
	case err != nil:
		return &InfraError{Err: err}
	}
	doc, err := bpmn.Parse(opts.Model, src)
	if err != nil {
		return &FindingError{Err: err}
	}
	pic, err := render.Render(doc, render.Options{Diagram: opts.Diagram})
	switch {
	case errors.Is(err, render.ErrNoDI):
		return &FindingError{Err: fmt.Errorf("%s: %w", opts.Model, err)}
	case err != nil:
		return usageErrorf("--diagram: %v", err)
	}
	errw := f.IO.StyledErr()
	for _, m := range pic.Missing {
		fmt.Fprintf(errw, "%s %s: %s\n", ui.Yellow.Render("not drawn:"), opts.Model, m)
	}
	for _, s := range pic.Skipped {
		fmt.Fprintf(errw, "%s %s: %s\n", ui.Yellow.Render("skipped:"), opts.Model, s)
	}
	data := pic.SVG
	if opts.Format == "png" {
		if data, err = pic.PNG(opts.Scale); err != nil {
			return &InfraError{Err: fmt.Errorf("drawing the PNG: %w", err)}
		}
	}
	out := opts.Out
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(opts.Model), filepath.Ext(opts.Model)) + "." + opts.Format
	}
	if out == "-" {
		_, err := f.IO.Out.Write(data)
		return err
	}
	if err := os.WriteFile(validate.Resolve(f.WorkDir, out), data, 0o644); err != nil {
		return &InfraError{Err: err}
	}
	fmt.Fprintf(errw, "wrote %s: %s, %d shapes, %d edges\n", out, ui.Plural(len(pic.Planes), "diagram"), pic.Shapes, pic.Edges)
	return nil
}
