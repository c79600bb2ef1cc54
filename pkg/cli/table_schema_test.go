package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The JSON a command prints is versioned: every object it prints at the
// top level, an -o json result or a line of a stream (-o ndjson, records,
// trace --follow's events, feel --batch), starts with "schema_version".
// TestCommandTableAgainstEngine checks every output of its cases with
// checkVersioned, and that each command printed something in each JSON
// format it declares.

// checkVersioned checks what a command printed in format (json or
// ndjson), and returns how many values it printed, wrong ones too.
//
//	ndjson  every line is an object whose first key is schema_version
//	json    every value is such an object, or a list (a JSON array: its
//	        items have no version of their own, as the README says); feel
//	        alone prints other values, the FEEL value it computed
func checkVersioned(command, format, out string) (int, error) {
	if format == "ndjson" {
		n := 0
		for line := range strings.Lines(out) {
			if err := versionedObject(json.RawMessage(strings.TrimSuffix(line, "\n"))); err != nil {
				return n + 1, fmt.Errorf("line %d: %w", n+1, err)
			}
			n++
		}
		return n, nil
	}
	dec := json.NewDecoder(strings.NewReader(out))
	for n := 0; ; n++ {
		var v json.RawMessage
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, fmt.Errorf("value %d is not JSON: %w", n+1, err)
		}
		switch {
		case v[0] == '[':
		case v[0] == '{':
			if err := versionedObject(v); err != nil {
				return n + 1, fmt.Errorf("value %d: %w", n+1, err)
			}
		case command != "feel":
			return n + 1, fmt.Errorf("value %d is %s, not an object or a list", n+1, v)
		}
	}
}

// versionedObject checks that raw is one JSON object whose first key is
// schema_version, at SchemaVersion.
func versionedObject(raw json.RawMessage) error {
	if !json.Valid(raw) {
		return fmt.Errorf("%s: not one JSON value", clip(string(raw)))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var first [3]json.Token
	for i := range first {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: not a JSON object: %w", clip(string(raw)), err)
		}
		first[i] = tok
	}
	if first[0] != json.Delim('{') || first[1] != "schema_version" || first[2] != json.Number(fmt.Sprint(SchemaVersion)) {
		return fmt.Errorf(`%s: want an object that starts with "schema_version": %d`, clip(string(raw)), SchemaVersion)
	}
	return nil
}
