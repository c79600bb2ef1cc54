package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/bpmn"
)

// Fixtures carry their expectations in XML comments, one per expected
// report:
//
//	<!-- want: wfctl/timer Timer_1 -->
//	<!-- want: wfctl/executable-process -->   (a report on no element)
//
// A comment may hold several "want:" lines. A fixture without any is
// expected to produce no report of the rule under test.

// Want is one expected report: the rule and the id of the element it is
// on ("" for the document as a whole).
type Want struct {
	Rule, Element string
}

func (w Want) String() string { return strings.TrimSpace(w.Rule + " " + w.Element) }

// ReadWants returns the expectations written in src's comments.
func ReadWants(src []byte) ([]Want, error) {
	var wants []Want
	for rest := src; ; {
		start := bytes.Index(rest, []byte("<!--"))
		if start < 0 {
			return wants, nil
		}
		end := bytes.Index(rest[start:], []byte("-->"))
		if end < 0 {
			return nil, fmt.Errorf("unterminated comment at byte %d", len(src)-len(rest)+start)
		}
		for _, line := range strings.Split(string(rest[start+4:start+end]), "\n") {
			line = strings.TrimSpace(line)
			spec, ok := strings.CutPrefix(line, "want:")
			if !ok {
				continue
			}
			f := strings.Fields(spec)
			switch len(f) {
			case 1:
				wants = append(wants, Want{Rule: f[0]})
			case 2:
				wants = append(wants, Want{Rule: f[0], Element: f[1]})
			default:
				return nil, fmt.Errorf("want comment %q: expected \"want: <rule> [<element id>]\"", line)
			}
		}
		rest = rest[start+end+3:]
	}
}

// DiffWants compares reports with expectations as multisets of (rule,
// element) and describes each difference, sorted; nil means they agree.
func DiffWants(wants []Want, reports []Report) []string {
	count := map[Want]int{}
	for _, w := range wants {
		count[w]++
	}
	for _, r := range reports {
		count[Want{r.Rule, r.Element}]--
	}
	var diffs []string
	for w, n := range count {
		for ; n > 0; n-- {
			diffs = append(diffs, "missing report: "+w.String())
		}
		for ; n < 0; n++ {
			diffs = append(diffs, "unexpected report: "+w.String()+messageOf(w, reports))
		}
	}
	sort.Strings(diffs)
	return diffs
}

func messageOf(w Want, reports []Report) string {
	for _, r := range reports {
		if r.Rule == w.Rule && r.Element == w.Element && r.Message != "" {
			return " (" + r.Message + ")"
		}
	}
	return ""
}

// runFixtureDir runs rule on every .bpmn file under dir and compares its
// reports with the file's want comments. File names start with valid- or
// invalid-: a valid fixture may not expect reports, an invalid one must.
func runFixtureDir(t *testing.T, dir string, rule *Rule) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.bpmn"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s (%v)", dir, err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wants, err := ReadWants(src)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			switch {
			case strings.HasPrefix(name, "valid-") && len(wants) > 0:
				t.Fatalf("a valid- fixture expects %d report(s)", len(wants))
			case strings.HasPrefix(name, "invalid-") && len(wants) == 0:
				t.Fatal("an invalid- fixture expects no report")
			}
			doc, err := bpmn.Parse(path, src)
			if err != nil {
				t.Fatal(err)
			}
			c := &Check{Doc: doc, rule: rule, ParseExpr: stubFEEL}
			rule.Check(c)
			for _, d := range DiffWants(wants, c.reports) {
				t.Error(d)
			}
			for _, r := range c.reports {
				t.Logf("%d:%d %s %s: %s", r.Pos.Line, r.Pos.Column, r.Rule, r.Element, r.Message)
			}
		})
	}
}

func TestReadWants(t *testing.T) {
	src := []byte(`<?xml version="1.0"?>
<!-- a plain comment -->
<!-- want: wfctl/timer Timer_1 -->
<!--
  want: wfctl/timer Timer_1
  want: wfctl/executable-process
-->
<definitions/>`)
	got, err := ReadWants(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []Want{{"wfctl/timer", "Timer_1"}, {"wfctl/timer", "Timer_1"}, {"wfctl/executable-process", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ReadWants = %v, want %v", got, want)
	}
	if _, err := ReadWants([]byte("<!-- want: a b c -->")); err == nil {
		t.Error("ReadWants accepted a want with three fields")
	}
	if _, err := ReadWants([]byte("<!-- want: a")); err == nil {
		t.Error("ReadWants accepted an unterminated comment")
	}
}

func TestDiffWants(t *testing.T) {
	reports := []Report{{Rule: "r", Element: "A"}, {Rule: "r", Element: "A"}, {Rule: "r", Element: "B", Message: "why"}}
	got := DiffWants([]Want{{"r", "A"}, {"r", "C"}}, reports)
	want := []string{"missing report: r C", "unexpected report: r A", "unexpected report: r B (why)"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DiffWants = %q, want %q", got, want)
	}
}

// TestEngineRuleFixtures runs each engine rule on its fixtures in
// testdata/engine/<rule name>/.
func TestEngineRuleFixtures(t *testing.T) {
	for _, r := range engineRuleSet() {
		name := strings.TrimPrefix(r.ID, "wfctl/")
		t.Run(name, func(t *testing.T) { runFixtureDir(t, filepath.Join("testdata", "engine", name), r) })
	}
}

// stubFEEL stands in for the FEEL parser, which bpmn/lint cannot import:
// it rejects any expression containing "!!", at that offset. The real
// parser's positions are tested in pkg/validate.
func stubFEEL(src string) *ExpressionError {
	if i := strings.Index(src, "!!"); i >= 0 {
		return &ExpressionError{Offset: i, Line: 1, Column: i + 1, Msg: "stub: '!!' is not FEEL"}
	}
	return nil
}
