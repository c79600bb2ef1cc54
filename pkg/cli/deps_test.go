package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the pipeline's layers apart (STYLE.md):
// bpmn knows only etree and the standard library, FEEL, DMN (beside FEEL:
// XML and FEEL only) and the engine know nothing of Kafka or terminals, the record mapping (pkg/correlate) only
// the model and FEEL, trace and dev share it rather than import each
// other, the dev server and its client get the deploy gate from the CLI
// rather than import the validator or the CLI, the client knows the
// protocol (pkg/devproto), not the server, only Kafka-facing packages
// import franz-go (the product's, and the measuring tools under scripts/,
// which produce and read as a Kafka client would), only pkg/ui imports lipgloss, and the renderer knows
// only the model (and its rasterizer).
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "github.com/wfctl/wfctl/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	const mod = "github.com/wfctl/wfctl/"
	kafkaFacing := map[string]bool{"pkg/kafka": true, "pkg/broker": true, "pkg/correlate": true, "pkg/trace": true, "pkg/dev": true, "pkg/devclient": true, "pkg/cli": true}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		pkg = strings.TrimPrefix(pkg, mod)
		for _, imp := range strings.Fields(imports) {
			local := strings.TrimPrefix(imp, mod)
			isLocal := local != imp
			switch {
			case pkg == "internal/xmlsrc" && !isStd(imp):
				t.Errorf("%s imports %s: XML source positions need only the standard library", pkg, imp)
			case strings.HasPrefix(pkg, "bpmn") && !isStd(imp) && imp != "github.com/beevik/etree" && local != "internal/xmlsrc" && !(isLocal && strings.HasPrefix(local, "bpmn")):
				t.Errorf("%s imports %s: bpmn packages import only etree, internal/xmlsrc and the standard library", pkg, imp)
			case pkg == "pkg/feel" && !isStd(imp) && imp != "github.com/cockroachdb/apd/v3":
				t.Errorf("%s imports %s: FEEL is pure", pkg, imp)
			case pkg == "pkg/dmn" && !isStd(imp) && imp != "github.com/beevik/etree" && local != "pkg/feel" && local != "internal/xmlsrc":
				t.Errorf("%s imports %s: DMN is pure: XML (etree and internal/xmlsrc), FEEL and the standard library", pkg, imp)
			case local == "pkg/dmn" && pkg != "pkg/engine" && pkg != "pkg/validate" && pkg != "pkg/cli" && !strings.HasPrefix(pkg, "pkg/dmn"):
				t.Errorf("%s imports %s: decisions are evaluated by the engine, validated by validate and run by the CLI", pkg, imp)
			case pkg == "pkg/engine" && !isStd(imp) && !(isLocal && (strings.HasPrefix(local, "bpmn") || local == "pkg/feel" || local == "pkg/dmn")):
				t.Errorf("%s imports %s: the engine knows only the model, FEEL and DMN", pkg, imp)
			case pkg == "pkg/correlate" && isLocal && !strings.HasPrefix(local, "bpmn") && local != "pkg/feel":
				t.Errorf("%s imports %s: the record mapping knows only the model and FEEL (trace and dev use it, not the other way)", pkg, imp)
			case (pkg == "pkg/dev" && local == "pkg/trace") || (pkg == "pkg/trace" && local == "pkg/dev"):
				t.Errorf("%s imports %s: the dev server and trace share the mapping through pkg/correlate, not each other", pkg, imp)
			case (pkg == "pkg/dev" || pkg == "pkg/devclient") && (local == "pkg/cli" || local == "pkg/validate"):
				t.Errorf("%s imports %s: the dev server takes the deploy gate as a function (dev.Options.Gate) from the CLI, it does not reach up for it", pkg, imp)
			case pkg == "pkg/devclient" && (local == "pkg/dev" || local == "pkg/broker"):
				t.Errorf("%s imports %s: the client speaks the protocol (pkg/devproto); it does not import the server, nor kfake with it", pkg, imp)
			case pkg == "pkg/render" && !isStd(imp) && imp != "github.com/beevik/etree" && local != "bpmn" &&
				!strings.HasPrefix(imp, "github.com/tdewolff/canvas") && !strings.HasPrefix(imp, "golang.org/x/image/font/gofont/"):
				t.Errorf("%s imports %s: the renderer draws the model (bpmn), its PNGs with tdewolff/canvas and the Go fonts", pkg, imp)
			case local == "pkg/render" && pkg != "pkg/cli" && pkg != "pkg/trace":
				t.Errorf("%s imports %s: pictures are drawn for the CLI and trace's report", pkg, imp)
			case pkg == "pkg/devproto" && !isStd(imp) && local != "pkg/engine":
				t.Errorf("%s imports %s: the protocol is topics, headers and values: the standard library and the engine's records", pkg, imp)
			case strings.HasPrefix(imp, "github.com/twmb/franz-go") && !kafkaFacing[pkg] && !strings.HasPrefix(pkg, "scripts/"):
				t.Errorf("%s imports %s: only Kafka-facing packages import franz-go", pkg, imp)
			case strings.Contains(imp, "lipgloss") && pkg != "pkg/ui":
				t.Errorf("%s imports %s: only pkg/ui decides about styles", pkg, imp)
			case pkg != "pkg/cli" && pkg != "cmd/wfctl" && imp == "github.com/spf13/cobra":
				t.Errorf("%s imports cobra: commands live in pkg/cli", pkg)
			}
		}
	}
}

func isStd(imp string) bool { return !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") }
