package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// One output layer for every command. A command declares the -o formats
// it writes once, with withFormats, where it is built; Main refuses any
// other before the command runs (exit 2, naming those it has). A command
// hands its result to writeResult, which renders it:
//
//	text    the command's own text function, for people
//	json    indented JSON; an object carries "schema_version" first
//	ndjson  one compact JSON value per line: each item of a list, or the
//	        object itself, with its schema_version
//
// The JSON shapes are the stable interface, documented in the README; a
// change that is not additive raises SchemaVersion.

// SchemaVersion is the version of every command's JSON output.
const SchemaVersion = 1

// formatsKey is the cobra annotation that holds a command's formats.
const formatsKey = "wfctl/formats"

// withFormats declares the -o formats cmd writes; the first is its default.
func withFormats(cmd *cobra.Command, formats ...string) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[formatsKey] = strings.Join(formats, ",")
	return cmd
}

// formatsOf is what cmd declared: text alone when it declared nothing.
func formatsOf(cmd *cobra.Command) []string {
	if s, ok := cmd.Annotations[formatsKey]; ok {
		return strings.Split(s, ",")
	}
	return []string{"text"}
}

// checkFormat refuses an -o the command does not write. A command with
// an -o of its own (render's picture file) is left alone.
func checkFormat(cmd *cobra.Command, g *globalOptions) error {
	if cmd.LocalNonPersistentFlags().Lookup("output") != nil {
		return nil
	}
	formats := formatsOf(cmd)
	if slices.Contains(formats, g.Output) {
		return nil
	}
	return usageErrorf("-o %s: %s writes %s", g.Output, cmd.CommandPath(), orList(formats))
}

// checkOutput validates -o against the formats a command supports, for
// a command that checks for itself.
func checkOutput(g *globalOptions, formats ...string) error {
	if slices.Contains(formats, g.Output) {
		return nil
	}
	return usageErrorf("-o %s: this command writes %s", g.Output, orList(formats))
}

// orList is "text", "text or json", "text, json or ndjson".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// writeResult renders a command's result v in the -o format: text with
// the command's text function, json and ndjson from v.
func writeResult(f *Factory, g *globalOptions, v any, text func() error) error {
	switch g.Output {
	case "json":
		return writeJSON(f.IO.Out, v)
	case "ndjson":
		return writeNDJSON(f.IO.Out, v)
	}
	return text()
}

// writeJSON prints v as indented JSON, an object with its schema_version.
func writeJSON(w io.Writer, v any) error {
	raw, err := marshalVersioned(v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// writeNDJSON prints each item of a list (an array or slice) on a line of
// its own, or any other value as one line.
func writeNDJSON(w io.Writer, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return writeLine(w, v)
	}
	for i := range rv.Len() {
		if err := writeLine(w, rv.Index(i).Interface()); err != nil {
			return err
		}
	}
	return nil
}

func writeLine(w io.Writer, v any) error {
	raw, err := marshalVersioned(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", raw)
	return err
}

// marshalVersioned is v as compact JSON, "schema_version" first in an
// object.
func marshalVersioned(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return versioned(bytes.TrimSpace(buf.Bytes())), nil
}

// versioned adds "schema_version" to the front of a JSON object; any
// other JSON value is returned as it is.
func versioned(raw []byte) []byte {
	if len(raw) < 2 || raw[0] != '{' {
		return raw
	}
	head := fmt.Sprintf(`{"schema_version":%d`, SchemaVersion)
	if bytes.Equal(raw, []byte("{}")) {
		return []byte(head + "}")
	}
	return append([]byte(head+","), raw[1:]...)
}
