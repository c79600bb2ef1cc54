package dev

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/wfctl/wfctl/pkg/engine"
)

// TestEncodersProven: every hand encoder writes what encoding/json
// writes for a value with every field set. When this fails, the engine's
// JSON gained a field: add it to the encoder in encode.go.
func TestEncodersProven(t *testing.T) {
	proven := fastEncoders()
	for typ := range handEncoders {
		if proven[typ] == nil {
			sample := sampleValue(typ)
			got, _ := handEncoders[typ](nil, sample)
			r := sampleRecord(sample)
			want, _ := r.MarshalJSON()
			t.Errorf("%s: the hand encoder differs from encoding/json:\n got %s\nwant %s", typ, got, want)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", sampleText, "\u2028x\u2029", "\xff\xfe", "日本語", "<&>", "\x00\x1f\x7f"} {
		got := appendString(nil, s)
		want, _ := jsonMarshal(s)
		if !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

var _ = reflect.TypeOf
var _ engine.Value

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
