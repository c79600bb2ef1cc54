package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/wfctl/wfctl/pkg/trace"
	"github.com/wfctl/wfctl/pkg/ui"
)

// chromiumPath finds Debian's chromium; without it the browser tests are
// skipped, unless WFCTL_REQUIRE_CHROMIUM is set (CI sets it: there a
// missing browser is a failure, not a skip).
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("WFCTL_REQUIRE_CHROMIUM") != "" {
		t.Fatal("no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH (apt-get install chromium); set WFCTL_REQUIRE_CHROMIUM to fail instead")
	return ""
}

// buildWfctl builds the real binary.
func buildWfctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wfctl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(t *testing.T, dir, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("wfctl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// TestReportInBrowser opens the report the real binary writes for a
// generated history in headless Chromium: no console error, one SVG group
// per BPMN shape, the badges carry the counts of the JSON report, and a
// click on a stalled element lists exactly that element's stalled (and
// timed-out) instances; the filter box narrows the list.
func TestReportInBrowser(t *testing.T) {
	chromium := chromiumPath(t)
	bin := buildWfctl(t)
	dir := t.TempDir()
	model, err := filepath.Abs("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	run(t, dir, bin, "demo", "generate", "--orders", "3000", "--file", "history.ndjson")
	out := run(t, dir, bin, "trace", "--file", "history.ndjson", "--model", model, "--as-of", "last", "-o", "json", "--report", "report.html")
	var rep trace.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Stalled == 0 {
		t.Fatalf("the history has no stalled instance to click: %+v", rep.Summary)
	}

	var mu sync.Mutex
	var problems []string
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, fmt.Sprintf("console.%s: %v", e.Type, argsText(e.Args)))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, fmt.Sprintf("exception: %s at %d:%d", exceptionText(e.ExceptionDetails), e.ExceptionDetails.LineNumber, e.ExceptionDetails.ColumnNumber))
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		}
	}
	ctx, cancel := browser(t, chromium, listen)
	defer cancel()
	// The first run starts the browser, and lives as long as it.
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(dir, "report.html"))); err != nil {
		t.Fatal(err)
	}
	ctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("#wfctl-data"))); err != nil {
		t.Fatal(err)
	}
	shapes := eval[int](t, ctx, `document.querySelectorAll("svg g.shape").length`)
	if shapes != 9 { // the order model's DI shapes
		t.Errorf("%d shape groups, want the model's 9", shapes)
	}

	// The badges say what the JSON report says.
	for _, st := range rep.StuckAt {
		waiting := eval[string](t, ctx, badgeJS(st.ElementID, "waiting"))
		stalled := eval[string](t, ctx, badgeJS(st.ElementID, "stalled"))
		wantStalled := ""
		if st.Stalled > 0 {
			wantStalled = ui.Thousands(int64(st.Stalled))
		}
		if waiting != ui.Thousands(int64(st.Count)) || stalled != wantStalled {
			t.Errorf("%s: badges waiting %q stalled %q, JSON says %d and %d", st.ElementID, waiting, stalled, st.Count, st.Stalled)
		}
	}

	// A click on the element with stalled instances lists them, exactly.
	element := rep.Stalled[0].ElementID
	var want []string
	for _, in := range rep.Stalled {
		if in.ElementID == element {
			want = append(want, "stalled "+in.CorrelationKey)
		}
	}
	for _, in := range rep.TimedOut {
		if in.ElementID == element {
			want = append(want, "timed out "+in.CorrelationKey)
		}
	}
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(fmt.Sprintf(`g.shape[data-element-id=%q]`, element))))
	if err != nil || len(nodes) != 1 {
		t.Fatalf("the shape of %s: %v (%d nodes)", element, err, len(nodes))
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickNode(nodes[0]), chromedp.WaitVisible(chromedp.CSS("#detail-body"))); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#detail-title")))
	if err != nil {
		t.Fatal(err)
	}
	got := eval[[]string](t, ctx, `[...document.querySelectorAll("#instances tr.instance")].map(tr => tr.dataset.kind + " " + tr.children[1].textContent)`)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("clicked %s: listed %d instances %v\nwant %d %v", element, len(got), got, len(want), want)
	}
	if !strings.Contains(title, element) {
		t.Errorf("detail title %q does not name %s", title, element)
	}

	// The filter box keeps the rows that match.
	key := rep.Stalled[0].CorrelationKey
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#filter"), key)); err != nil {
		t.Fatal(err)
	}
	visible := eval[[]string](t, ctx, `[...document.querySelectorAll("#instances tr.instance")].filter(tr => !tr.hidden).map(tr => tr.children[1].textContent)`)
	if len(visible) != 1 || visible[0] != key {
		t.Errorf("filtered by %s: %v", key, visible)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the page reported problems:\n%s", strings.Join(problems, "\n"))
	}
	if fi, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
		t.Logf("report of %d records: %d bytes", rep.Summary.Records, fi.Size())
	}
}

// browser starts headless Chromium with the flags this machine needs (no
// network beyond loopback: no background connections), listen told of
// every event of the page.
func browser(t *testing.T, path string, listen func(ev any)) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	return ctx, func() { cancel(); acancel() }
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func badgeJS(id, class string) string {
	return fmt.Sprintf(`(document.querySelector('g.shape[data-element-id=%q] g.badge.%s text') || {textContent: ""}).textContent`, id, class)
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if len(a.Value) > 0 {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}
