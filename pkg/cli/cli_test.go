package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/ui"
)

// testFactory returns a factory with in-memory streams rooted at dir.
func testFactory(dir string, stdin string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{
		IO:      &ui.IOStreams{In: strings.NewReader(stdin), Out: out, ErrOut: errOut, Color: ui.ColorAuto},
		Getenv:  func(string) string { return "" },
		Now:     func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		WorkDir: dir,
		Build:   BuildInfo{Version: "1.2.3", Commit: "abc", Date: "2026-01-01"},
	}, out, errOut
}

func TestValidateFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    validateOptions
		output  string
		wantErr string
	}{
		{args: nil, want: validateOptions{Args: []string{"."}, MaxWarnings: -1}, output: "text"},
		{args: []string{"a.bpmn", "dir", "--max-warnings", "3", "-c", "rc.json", "-o", "sarif"},
			want: validateOptions{Args: []string{"a.bpmn", "dir"}, MaxWarnings: 3, ConfigPath: "rc.json"}, output: "sarif"},
		{args: []string{"-o", "yaml"}, wantErr: `-o yaml: this command writes text, json, sarif or github`},
		{args: []string{"--max-warnings", "many"}, wantErr: "invalid argument"},
	} {
		f, _, _ := testFactory(t.TempDir(), "")
		g := &globalOptions{Output: "text"}
		var got *validateOptions
		cmd := newValidateCmd(f, g, func(_ context.Context, o *validateOptions) error { got = o; return nil })
		cmd.Flags().StringVarP(&g.Output, "output", "o", "text", "")
		cmd.SetArgs(tc.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: error %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if strings.Join(got.Args, ",") != strings.Join(tc.want.Args, ",") || got.MaxWarnings != tc.want.MaxWarnings ||
			got.ConfigPath != tc.want.ConfigPath || g.Output != tc.output {
			t.Errorf("%v: got %+v output %s, want %+v output %s", tc.args, got, g.Output, tc.want, tc.output)
		}
	}
}

func TestMainExitCodes(t *testing.T) {
	dir := t.TempDir()
	clean := `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><bpmn:process id="p" isExecutable="true"/></bpmn:definitions>`
	if err := os.WriteFile(filepath.Join(dir, "m.bpmn"), []byte(clean), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "locked.bpmn")
	if err := os.WriteFile(unreadable, []byte(clean), 0o000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"version"}, ExitOK, ""},
		{[]string{"validate", "m.bpmn"}, ExitFindings, ""},
		{[]string{"validate", "missing.bpmn"}, ExitUsage, "no such file or folder"},
		{[]string{"nope"}, ExitUsage, "unknown command"},
		{[]string{"validate", "--nope"}, ExitUsage, "unknown flag"},
		{[]string{"version", "extra"}, ExitUsage, "takes no arguments"},
	} {
		f, _, errOut := testFactory(dir, "")
		if code := Main(context.Background(), tc.args, f); code != tc.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, errOut)
		}
		if !strings.Contains(errOut.String(), tc.stderr) {
			t.Errorf("%v: stderr %q does not contain %q", tc.args, errOut, tc.stderr)
		}
	}
	if os.Geteuid() != 0 { // root reads anything
		f, _, errOut := testFactory(dir, "")
		if code := Main(context.Background(), []string{"validate", "locked.bpmn"}, f); code != ExitInfra {
			t.Errorf("unreadable file: exit %d, want %d (%s)", code, ExitInfra, errOut)
		}
	}
}

func TestValidateStdin(t *testing.T) {
	f, out, _ := testFactory(t.TempDir(), "<not-bpmn/>")
	if code := Main(context.Background(), []string{"validate", "-", "-o", "json"}, f); code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), `"path": "<stdin>"`) || !strings.Contains(out.String(), `"rule": "parse-error"`) {
		t.Errorf("output %s", out)
	}
}
