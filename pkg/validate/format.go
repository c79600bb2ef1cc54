package validate

import (
	"fmt"
	"io"
	"strings"

	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/ui"
)

// Formats lists the output formats of validate.
var Formats = []string{"text", "json", "sarif", "github"}

// Write renders res in format to w: text, styled with p (w should then be
// a styled writer, ui.IOStreams.StyledOut), sarif or github. json is not
// Write's: it is the value NewJSONReport returns, which wfctl's one output
// layer renders like every command's JSON, its schema_version first.
func Write(w io.Writer, format string, res *Result, version string, p ui.Painter) error {
	switch format {
	case "text", "":
		return writeText(w, res, p)
	case "sarif":
		return writeSARIF(w, res, version)
	case "github":
		return writeGitHub(w, res)
	}
	return fmt.Errorf("unknown output format %q for Write: use text, sarif or github (json: NewJSONReport)", format)
}

// writeText prints compiler-style lines, grouped by file:
//
//	order.bpmn:12:5: error: Element is missing label/name [label-required] (Task_1)
func writeText(w io.Writer, res *Result, paint ui.Painter) error {
	var b strings.Builder
	for _, f := range res.Files {
		for _, p := range f.Problems {
			sev := p.Severity.String()
			b.WriteString(paint.Paint(ui.Bold, location(f.Path, p)))
			b.WriteString(": ")
			b.WriteString(paint.Paint(ui.Severity(sev), sev))
			b.WriteString(": ")
			b.WriteString(p.Message)
			b.WriteString(" ")
			b.WriteString(paint.Paint(ui.Faint, "["+p.Rule+"]"))
			if p.Element != "" {
				b.WriteString(" " + paint.Paint(ui.Faint, "("+p.Element+")"))
			}
			b.WriteByte('\n')
		}
	}
	s := res.Summary()
	b.WriteString(summaryLine(s, filesWithProblems(res), paint))
	_, err := io.WriteString(w, b.String())
	return err
}

func location(path string, p lint.Report) string {
	if !p.Pos.IsValid() {
		return path
	}
	return fmt.Sprintf("%s:%d:%d", path, p.Pos.Line, p.Pos.Column)
}

func filesWithProblems(res *Result) int {
	n := 0
	for _, f := range res.Files {
		if len(f.Problems) > 0 {
			n++
		}
	}
	return n
}

func summaryLine(s Summary, withProblems int, paint ui.Painter) string {
	files := plural(s.Files, "file")
	total := s.Errors + s.Warnings + s.Infos
	if total == 0 {
		return paint.Paint(ui.Green, "✓ "+files+" checked, no problems") + "\n"
	}
	parts := []string{plural(s.Errors, "error"), plural(s.Warnings, "warning")}
	if s.Infos > 0 {
		parts = append(parts, plural(s.Infos, "info"))
	}
	line := fmt.Sprintf("%s (%s) in %d of %s", plural(total, "problem"), strings.Join(parts, ", "), withProblems, files)
	if s.Errors > 0 {
		return paint.Paint(ui.BoldRed, "✖ "+line) + "\n"
	}
	return paint.Paint(ui.Yellow, "⚠ "+line) + "\n"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// JSONReport is validate's JSON output, the stable schema documented in
// the README.
type JSONReport struct {
	Files   []JSONFile `json:"files"`
	Summary Summary    `json:"summary"`
}

// JSONFile is a file checked, with its problems ([] when clean).
type JSONFile struct {
	Path     string        `json:"path"`
	Problems []JSONProblem `json:"problems"`
}

// JSONProblem is a problem at a line and column (1-based, the column in
// bytes); Element is omitted for a problem of the whole document.
type JSONProblem struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Element  string `json:"element,omitempty"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// NewJSONReport is res in the shape of the JSON output.
func NewJSONReport(res *Result) JSONReport {
	out := JSONReport{Files: make([]JSONFile, 0, len(res.Files)), Summary: res.Summary()}
	for _, f := range res.Files {
		jf := JSONFile{Path: f.Path, Problems: make([]JSONProblem, 0, len(f.Problems))}
		for _, p := range f.Problems {
			jf.Problems = append(jf.Problems, JSONProblem{Rule: p.Rule, Severity: p.Severity.String(),
				Message: p.Message, Element: p.Element, Line: p.Pos.Line, Column: p.Pos.Column})
		}
		out.Files = append(out.Files, jf)
	}
	return out
}

// writeGitHub prints workflow commands that GitHub Actions shows as
// annotations on the pull request's files.
func writeGitHub(w io.Writer, res *Result) error {
	var b strings.Builder
	for _, f := range res.Files {
		for _, p := range f.Problems {
			cmd := map[lint.Severity]string{lint.Error: "error", lint.Warn: "warning", lint.Info: "notice"}[p.Severity]
			fmt.Fprintf(&b, "::%s file=%s", cmd, ghProperty(f.Path))
			if p.Pos.IsValid() {
				fmt.Fprintf(&b, ",line=%d,col=%d", p.Pos.Line, p.Pos.Column)
			}
			msg := p.Message
			if p.Element != "" {
				msg += " (" + p.Element + ")"
			}
			fmt.Fprintf(&b, ",title=%s::%s\n", ghProperty(p.Rule), ghData(msg))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var ghDataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
var ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func ghData(s string) string     { return ghDataEscaper.Replace(s) }
func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
