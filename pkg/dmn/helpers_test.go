package dmn

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"strings"
	"testing"
)

// table describes a one-decision file compactly: columns are input
// expressions and output names, rules are cells (inputs then outputs).
type table struct {
	hitPolicy, aggregation string
	inputs                 []string
	outputs                []string
	outputValues           []string // per output, "" for none
	rules                  [][]string
}

// xml writes the table as a DMN 1.3 file with decision id "d".
func (t table) xml() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="Defs" namespace="test">` + "\n")
	b.WriteString(`  <decision id="d" name="D">` + "\n")
	fmt.Fprintf(&b, `    <decisionTable id="dt"`)
	if t.hitPolicy != "" {
		fmt.Fprintf(&b, ` hitPolicy=%q`, t.hitPolicy)
	}
	if t.aggregation != "" {
		fmt.Fprintf(&b, ` aggregation=%q`, t.aggregation)
	}
	b.WriteString(">\n")
	for i, in := range t.inputs {
		fmt.Fprintf(&b, `      <input id="in%d" label="Input %d"><inputExpression id="ie%d"><text>%s</text></inputExpression></input>`+"\n", i+1, i+1, i+1, html.EscapeString(in))
	}
	for i, out := range t.outputs {
		fmt.Fprintf(&b, `      <output id="out%d" name=%q>`, i+1, out)
		if i < len(t.outputValues) && t.outputValues[i] != "" {
			fmt.Fprintf(&b, `<outputValues><text>%s</text></outputValues>`, html.EscapeString(t.outputValues[i]))
		}
		b.WriteString("</output>\n")
	}
	for i, r := range t.rules {
		fmt.Fprintf(&b, `      <rule id="rule%d">`, i+1)
		for j, cell := range r {
			kind := "inputEntry"
			if j >= len(t.inputs) {
				kind = "outputEntry"
			}
			fmt.Fprintf(&b, `<%s><text>%s</text></%s>`, kind, html.EscapeString(cell), kind)
		}
		b.WriteString("</rule>\n")
	}
	b.WriteString("    </decisionTable>\n  </decision>\n</definitions>\n")
	return b.String()
}

func mustParseFile(t testing.TB, name string, src string) *Definitions {
	t.Helper()
	d, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// jsonOf renders a value as compact JSON for comparisons.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
