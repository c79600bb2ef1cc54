package kafka

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
	"github.com/twmb/franz-go/pkg/kgo"
)

// parseEnvelopeFast reads the envelope kcat writes — string or null key
// and payload, headers a flat array of strings — in one pass with gjson,
// several times faster than encoding/json. Anything else (an inline JSON
// payload, headers as an object, a number that is not a plain integer, an
// error to explain) it leaves to parseEnvelopeSlow: ok is false.
func parseEnvelopeFast(line []byte) (*Envelope, bool) {
	// encoding/json replaces invalid UTF-8 and lone surrogates with
	// U+FFFD; such lines are the slow path's.
	if len(line) == 0 || !gjson.ValidBytes(line) || !utf8.Valid(line) || hasSurrogate(line) {
		return nil, false
	}
	doc := gjson.Parse(unsafe.String(&line[0], len(line)))
	if !doc.IsObject() {
		return nil, false
	}
	e := &Envelope{Broker: -1}
	ok := true
	var seen uint16
	doc.ForEach(func(k, v gjson.Result) bool {
		if i := fieldIndex(k.Str); i >= 0 {
			if seen&(1<<i) != 0 { // repeated: encoding/json's last-wins is the slow path's to apply
				ok = false
				return false
			}
			seen |= 1 << i
		}
		switch k.Str {
		case "topic":
			ok = v.Type == gjson.String && v.Str != ""
			e.Topic = strings.Clone(v.Str)
		case "partition":
			var n int64
			n, ok = plainInt(v, 32)
			e.Partition = int32(n)
		case "offset":
			e.Offset, ok = plainInt(v, 64)
		case "ts":
			e.Timestamp, ok = plainInt(v, 64)
		case "broker":
			var n int64
			if v.Type != gjson.Null {
				n, ok = plainInt(v, 32)
				e.Broker = int32(n)
			}
		case "tstype":
			ok = v.Type == gjson.String
			e.TimestampType = strings.Clone(v.Str)
		case "key":
			e.Key, ok = stringBytes(v)
		case "payload":
			e.Value, ok = stringBytes(v)
		case "headers":
			e.Headers, ok = flatStringHeaders(v)
		default:
			// encoding/json matches field names without regard to case.
			for _, f := range envelopeFields {
				if strings.EqualFold(k.Str, f) {
					ok = false
				}
			}
		}
		return ok
	})
	if !ok || e.Topic == "" {
		return nil, false
	}
	return e, true
}

var envelopeFields = []string{"topic", "partition", "offset", "ts", "broker", "tstype", "key", "payload", "headers"}

func fieldIndex(name string) int {
	for i, f := range envelopeFields {
		if name == f {
			return i
		}
	}
	return -1
}

// hasSurrogate reports a \uD800-\uDFFF escape, which encoding/json and
// gjson may decode differently when it is unpaired.
func hasSurrogate(line []byte) bool {
	for {
		i := bytes.Index(line, []byte(`\u`))
		if i < 0 || i+2 >= len(line) {
			return false
		}
		if line[i+2] == 'd' || line[i+2] == 'D' {
			return true
		}
		line = line[i+2:]
	}
}

// plainInt is a JSON number written as an integer that fits bits.
func plainInt(v gjson.Result, bits int) (int64, bool) {
	if v.Type != gjson.Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Raw, 10, bits)
	return n, err == nil
}

// stringBytes is a key or payload: a string's bytes, or nil for null.
func stringBytes(v gjson.Result) ([]byte, bool) {
	switch v.Type {
	case gjson.Null:
		return nil, true
	case gjson.String:
		return []byte(v.Str), true
	}
	return nil, false
}

func flatStringHeaders(v gjson.Result) ([]kgo.RecordHeader, bool) {
	if v.Type == gjson.Null {
		return nil, true
	}
	if !v.IsArray() {
		return nil, false
	}
	items := v.Array()
	if len(items)%2 != 0 {
		return nil, false
	}
	headers := make([]kgo.RecordHeader, 0, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		if items[i].Type != gjson.String {
			return nil, false
		}
		value, ok := stringBytes(items[i+1])
		if !ok {
			return nil, false
		}
		headers = append(headers, kgo.RecordHeader{Key: strings.Clone(items[i].Str), Value: value})
	}
	return headers, true
}
