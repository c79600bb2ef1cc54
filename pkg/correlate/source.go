package correlate

import (
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// Source says where a record's message name, correlation key or event
// time comes from: a header, a JSON path in the value, or the record key.
type Source struct {
	Kind string // "header", "json" or "key"
	Arg  string // header name or JSON path
}

func (s Source) String() string {
	if s.Kind == "key" {
		return "key"
	}
	return s.Kind + ":" + s.Arg
}

// ParseSource reads "header:NAME", "json:PATH" or "key".
func ParseSource(s string) (Source, error) {
	if s == "key" {
		return Source{Kind: "key"}, nil
	}
	kind, arg, ok := strings.Cut(s, ":")
	if !ok || arg == "" || (kind != "header" && kind != "json") {
		return Source{}, fmt.Errorf("%q: want header:NAME, json:PATH or key", s)
	}
	return Source{Kind: kind, Arg: arg}, nil
}

// text reads a source from a record: strings as they are, numbers as
// their JSON text; "" when absent. The text may point into the record.
func (s *Source) text(r *Record) string {
	switch s.Kind {
	case "key":
		return bytesString(r.Key)
	case "header":
		for _, h := range r.Headers {
			if h.Key == s.Arg {
				return bytesString(h.Value)
			}
		}
		return ""
	}
	res := gjson.Get(bytesString(r.Value), s.Arg)
	if res.Type == gjson.Number {
		return res.Raw
	}
	return res.Str
}
