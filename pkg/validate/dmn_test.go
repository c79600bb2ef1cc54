package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// TestDMNFiles checks that a DMN file's parse problems are diagnostics at
// their file:line:col, with their rule ids, and that a good file has none.
func TestDMNFiles(t *testing.T) {
	res, err := Run(Options{Files: []string{"testdata/broken.dmn", "testdata/dish.dmn"}, Config: lint.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Files[0].Problems {
		got = append(got, p.Rule+"@"+itoa(p.Pos.Line)+":"+itoa(p.Pos.Column)+"/"+p.Severity.String())
	}
	want := "dmn-hit-policy@5:5/error dmn-hit-policy@5:5/error dmn-feel@6:48/error dmn-feel@9:32/error dmn-feel@10:28/error dmn-drg@14:3/error dmn-drg@16:29/error"
	if strings.Join(got, " ") != want {
		t.Errorf("broken.dmn:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if n := len(res.Files[1].Problems); n != 0 {
		t.Errorf("dish.dmn: %d problems, want none: %v", n, res.Files[1].Problems)
	}
}

// TestDMNFromStdin recognises a DMN document on standard input by its
// namespace.
func TestDMNFromStdin(t *testing.T) {
	src, err := os.ReadFile("testdata/broken.dmn")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Files: []string{Stdin}, Stdin: strings.NewReader(string(src)), Config: lint.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Files[0].Problems; len(p) != 7 || p[0].Rule != "dmn-hit-policy" {
		t.Errorf("stdin: %v", p)
	}
}

func TestExpandFindsDMN(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.bpmn", "x/rules.dmn", "x/y.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Expand(dir, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(files, " "); got != "a.bpmn x/rules.dmn" {
		t.Errorf("Expand(.) = %s", got)
	}
}
