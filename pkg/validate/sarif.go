package validate

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// SARIF 2.1.0, the format GitHub code scanning and other tools read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// srcRoot is the uriBaseId of relative artifact URIs: the folder wfctl
// ran in, which code-scanning tools map to the repository's root.
const srcRoot = "%SRCROOT%"

// sarifArtifactOf makes a file's artifact location as SARIF wants it: a
// URI reference, percent-encoded; a relative path relative to %SRCROOT%;
// an absolute path as a file:// URI.
func sarifArtifactOf(path string) sarifArtifact {
	slashed := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		if !strings.HasPrefix(slashed, "/") {
			slashed = "/" + slashed // a Windows drive: file:///C:/...
		}
		return sarifArtifact{URI: "file://" + escapePath(slashed)}
	}
	return sarifArtifact{URI: escapePath(slashed), URIBaseID: srcRoot}
}

// escapePath percent-encodes each segment of a slash-separated path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

type sarifLogical struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

func writeSARIF(w io.Writer, res *Result, version string) error {
	ruleIndex := map[string]int{}
	var ids []string
	for _, f := range res.Files {
		for _, p := range f.Problems {
			if _, ok := ruleIndex[p.Rule]; !ok {
				ruleIndex[p.Rule] = 0
				ids = append(ids, p.Rule)
			}
		}
	}
	sort.Strings(ids)
	driver := sarifDriver{Name: "wfctl", Version: version, InformationURI: "https://github.com/wfctl/wfctl", Rules: []sarifRule{}}
	for i, id := range ids {
		ruleIndex[id] = i
		driver.Rules = append(driver.Rules, sarifRule{ID: id, ShortDescription: sarifMessage{Text: lint.Describe(id)}})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, f := range res.Files {
		for _, p := range f.Problems {
			run.Results = append(run.Results, sarifResultOf(f.Path, p, ruleIndex[p.Rule]))
		}
	}
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func sarifResultOf(path string, p lint.Report, index int) sarifResult {
	level := map[lint.Severity]string{lint.Error: "error", lint.Warn: "warning", lint.Info: "note"}[p.Severity]
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifactOf(path)}}
	if p.Pos.IsValid() {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: p.Pos.Line, StartColumn: p.Pos.Column}
	}
	if p.Element != "" {
		loc.LogicalLocations = []sarifLogical{{Name: p.Element, Kind: "element"}}
	}
	return sarifResult{RuleID: p.Rule, RuleIndex: index, Level: level, Message: sarifMessage{Text: p.Message}, Locations: []sarifLocation{loc}}
}
