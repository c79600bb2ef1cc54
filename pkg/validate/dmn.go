package validate

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/dmn"
)

// isDMN tells a DMN file from a BPMN model: by its .dmn extension, or, for
// standard input, by a DMN namespace in its first kilobytes.
func isDMN(path string, src []byte) bool {
	if strings.EqualFold(filepath.Ext(path), ".dmn") {
		return true
	}
	if path != Stdin {
		return false
	}
	head := src[:min(len(src), 4096)]
	return bytes.Contains(head, []byte("omg.org/spec/DMN/")) || bytes.Contains(head, []byte("omg.org/DMN/"))
}

// checkDMN parses a DMN file as the engine would deploy it: every problem
// dmn.Parse finds is an error at its file:line:col, with the problem's
// rule id (dmn-parse, dmn-hit-policy, dmn-feel, dmn-drg, ...); what Camunda
// reads past is a warning.
func checkDMN(name string, src []byte) (*File, error) {
	f := &File{Path: name}
	defs, err := dmn.Parse(name, src)
	var pe *dmn.ParseError
	switch {
	case errors.As(err, &pe):
		f.Problems = dmnReports(pe.Problems, lint.Error)
	case err != nil:
		return nil, err
	default:
		f.Problems = dmnReports(defs.Warnings, lint.Warn)
	}
	lint.SortReports(f.Problems)
	return f, nil
}

func dmnReports(problems []dmn.Problem, sev lint.Severity) []lint.Report {
	out := make([]lint.Report, len(problems))
	for i, p := range problems {
		out[i] = lint.Report{Rule: p.Rule, Severity: sev, Message: p.Msg, Element: p.Element,
			Pos: bpmn.Pos{Line: p.Pos.Line, Column: p.Pos.Column, Offset: p.Pos.Offset}}
	}
	return out
}
