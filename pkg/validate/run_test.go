package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/ui"
)

func TestFEELSyntaxPositions(t *testing.T) {
	res, err := Run(Options{Files: []string{"testdata/feel-syntax.bpmn"}, Config: lint.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Files[0].Problems {
		if p.Rule == lint.RuleFEELSyntax {
			got = append(got, p.Element+"@"+itoa(p.Pos.Line)+":"+itoa(p.Pos.Column))
		}
	}
	// Each points at the error inside the expression: "and" after the
	// entity &gt;, the "(" of the mapping, the "id" of the correlation key.
	want := "F2@8:46 Task@14:54 M@22:103"
	if strings.Join(got, " ") != want {
		t.Errorf("feel-syntax reports %v, want %s", got, want)
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.bpmn", "x/b.BPMN", "x/y/c.bpmn", ".git/d.bpmn", "x/e.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"."}, "a.bpmn x/b.BPMN x/y/c.bpmn"},
		{[]string{"x"}, "x/b.BPMN x/y/c.bpmn"},
		{[]string{"x/**/*.bpmn"}, "x/y/c.bpmn"},
		{[]string{"**/*.bpmn"}, "a.bpmn x/y/c.bpmn"},
		{[]string{"*.bpmn", "a.bpmn"}, "a.bpmn"},
		{[]string{"x/e.txt"}, "x/e.txt"},
		{[]string{"-"}, "-"},
		// The same file by two names is read once, under the first.
		{[]string{"x", "./x/y/c.bpmn", "x/y/../y/c.bpmn"}, "x/b.BPMN x/y/c.bpmn"},
		{[]string{"./a.bpmn", filepath.Join(dir, "a.bpmn"), "a.bpmn"}, "./a.bpmn"},
	} {
		files, err := Expand(dir, tc.args)
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if got := filepath.ToSlash(strings.Join(files, " ")); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.args, got, tc.want)
		}
	}
	for _, args := range [][]string{{"missing"}, {"nothing/*.bpmn"}, {"x/y/*.txt"}} {
		if _, err := Expand(dir, args); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	res := &Result{Files: []*File{{Path: "a,b:c.bpmn", Problems: []lint.Report{
		{Rule: "r", Severity: lint.Warn, Message: "100% wrong\nreally", Element: "E"},
	}}}}
	var b bytes.Buffer
	if err := Write(&b, "github", res, "", ui.NewPainter(false)); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=a%2Cb%3Ac.bpmn,title=r::100%25 wrong%0Areally (E)\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
