package validate

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
)

// TestSARIFSchema validates -o sarif output against the SARIF 2.1.0 JSON
// schema (fixtures/sarif, OASIS's, vendored): relative paths with spaces
// and non-ASCII names, an absolute path, problems with and without a
// position.
func TestSARIFSchema(t *testing.T) {
	schemaFile, err := filepath.Abs("../../fixtures/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	abs := filepath.Join(t.TempDir(), "my models", "order.bpmn")
	res := &Result{Files: []*File{
		{Path: "models/order fulfilment.bpmn", Problems: []lint.Report{
			{Rule: "label-required", Severity: lint.Error, Message: "Element is missing label/name", Element: "Task_1", Pos: bpmn.Pos{Line: 12, Column: 5}},
			{Rule: "wfctl/execution-platform", Severity: lint.Info, Message: "targets Camunda 7"},
		}},
		{Path: "modèles/bestellung#1.bpmn", Problems: []lint.Report{{Rule: "no-disconnected", Severity: lint.Warn, Message: "not connected", Pos: bpmn.Pos{Line: 3, Column: 1}}}},
		{Path: abs, Problems: []lint.Report{{Rule: "parse-error", Severity: lint.Error, Message: "XML syntax error", Pos: bpmn.Pos{Line: 1, Column: 1}}}},
	}}
	var out bytes.Buffer
	if err := writeSARIF(&out, res, "1.2.3"); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("wfctl's SARIF does not validate:\n%v\n%s", err, out.String())
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		a := r.Locations[0].PhysicalLocation.ArtifactLocation
		got = append(got, a.URIBaseID+" "+a.URI)
	}
	absURI := "file://" + escapePath(filepath.ToSlash(abs))
	want := []string{"%SRCROOT% models/order%20fulfilment.bpmn", "%SRCROOT% models/order%20fulfilment.bpmn",
		"%SRCROOT% mod%C3%A8les/bestellung%231.bpmn", " " + absURI}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("artifact URIs:\n got %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(absURI, "file:///") || strings.Contains(absURI, " ") {
		t.Errorf("absolute path URI %q", absURI)
	}
}
