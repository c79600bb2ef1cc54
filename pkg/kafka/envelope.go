package kafka

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Envelope is one record as kcat's JSON envelope writes it (kcat -C -J), one
// per line:
//
//	{"topic":"orders","partition":0,"offset":42,"tstype":"create","ts":1700000000000,
//	 "broker":1,"headers":["k1","v1"],"key":"o-1","payload":"{\"total\":12}"}
//
// This is the format of --file for offline traces and of the demo generator.
type Envelope struct {
	Topic     string
	Partition int32
	Offset    int64
	// TimestampType is kcat's tstype: "create", "logappend", or "" when
	// the line has none.
	TimestampType string
	Timestamp     int64 // unix milliseconds (ts)
	Broker        int32 // the broker it was read from, -1 when unknown
	Key           []byte
	Value         []byte // payload
	Headers       []kgo.RecordHeader
}

// Record converts the envelope to a kgo record, so that offline files and
// live topics feed the same code.
func (e *Envelope) Record() *kgo.Record {
	return &kgo.Record{
		Topic:     e.Topic,
		Partition: e.Partition,
		Offset:    e.Offset,
		Timestamp: time.UnixMilli(e.Timestamp),
		Key:       e.Key,
		Value:     e.Value,
		Headers:   e.Headers,
	}
}

// EnvelopeOf is the envelope of a record read from Kafka (broker unknown).
func EnvelopeOf(r *kgo.Record) *Envelope {
	tstype := "create"
	if r.Attrs.TimestampType() == 1 {
		tstype = "logappend"
	}
	return &Envelope{
		Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		TimestampType: tstype, Timestamp: r.Timestamp.UnixMilli(), Broker: -1,
		Key: r.Key, Value: r.Value, Headers: r.Headers,
	}
}

// jsonEnvelope is the line's shape. Key, payload and headers stay raw: null
// differs from "", and a payload may be inline JSON rather than a string.
type jsonEnvelope struct {
	Topic     *string         `json:"topic"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	TsType    string          `json:"tstype"`
	Ts        int64           `json:"ts"`
	Broker    *int32          `json:"broker"`
	Headers   json.RawMessage `json:"headers"`
	Key       json.RawMessage `json:"key"`
	Payload   json.RawMessage `json:"payload"`
}

// ParseEnvelope parses one line of kcat -J output. topic is required;
// partition, offset, ts default to 0 and broker to -1. key and payload may
// be null (a missing key; a tombstone), a string (its UTF-8 bytes), or any
// other JSON value, taken as its JSON text. headers may be kcat's flat
// array [k1, v1, k2, v2] or an object {"k1": "v1"} (kept in order); a
// header value may be null.
func ParseEnvelope(line []byte) (*Envelope, error) {
	if e, ok := parseEnvelopeFast(line); ok {
		return e, nil
	}
	return parseEnvelopeSlow(line)
}

// parseEnvelopeSlow is ParseEnvelope with encoding/json: every shape the
// format allows, and the precise error for what it does not.
func parseEnvelopeSlow(line []byte) (*Envelope, error) {
	var j jsonEnvelope
	if err := json.Unmarshal(line, &j); err != nil {
		return nil, fmt.Errorf("not a kcat JSON envelope: %v", jsonProblem(err))
	}
	if j.Topic == nil || *j.Topic == "" {
		return nil, errors.New(`no "topic"`)
	}
	e := &Envelope{Topic: *j.Topic, Partition: j.Partition, Offset: j.Offset, TimestampType: j.TsType, Timestamp: j.Ts, Broker: -1}
	if j.Broker != nil {
		e.Broker = *j.Broker
	}
	var err error
	if e.Key, err = rawBytes(j.Key); err != nil {
		return nil, fmt.Errorf("key: %v", err)
	}
	if e.Value, err = rawBytes(j.Payload); err != nil {
		return nil, fmt.Errorf("payload: %v", err)
	}
	if e.Headers, err = parseHeaders(j.Headers); err != nil {
		return nil, fmt.Errorf("headers: %v", err)
	}
	return e, nil
}

// jsonProblem shortens encoding/json's messages to what a user can act on.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("%v (at byte %d)", syntax, syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		want := "a number"
		if typ.Type.Kind() == reflect.String {
			want = "a string"
		}
		return fmt.Sprintf("%q is a JSON %s, want %s", typ.Field, typ.Value, want)
	}
	return err.Error()
}

// rawBytes is a key's or payload's bytes: nil for absent or null.
func rawBytes(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, err
	}
	return compact.Bytes(), nil
}

func parseHeaders(raw json.RawMessage) ([]kgo.RecordHeader, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch raw[0] {
	case '[':
		return flatHeaders(raw)
	case '{':
		return objectHeaders(raw)
	}
	return nil, errors.New("want an array [k1, v1, k2, v2] or an object {\"k1\": \"v1\"}")
}

func flatHeaders(raw json.RawMessage) ([]kgo.RecordHeader, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	if len(items)%2 != 0 {
		return nil, fmt.Errorf("%d items: want key, value pairs [k1, v1, k2, v2]", len(items))
	}
	headers := make([]kgo.RecordHeader, 0, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		var key string
		if err := json.Unmarshal(items[i], &key); err != nil || items[i][0] != '"' {
			return nil, fmt.Errorf("item %d: a header key must be a string, not %s", i, items[i])
		}
		value, err := rawBytes(items[i+1])
		if err != nil {
			return nil, fmt.Errorf("header %q: %v", key, err)
		}
		headers = append(headers, kgo.RecordHeader{Key: key, Value: value})
	}
	return headers, nil
}

// objectHeaders reads {"k": "v", ...} token by token: a Go map would lose
// the order, and Kafka headers may repeat a key.
func objectHeaders(raw json.RawMessage) ([]kgo.RecordHeader, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var headers []kgo.RecordHeader
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // object keys are always strings
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("header %q: %v", key, err)
		}
		v, err := rawBytes(value)
		if err != nil {
			return nil, fmt.Errorf("header %q: %v", key, err)
		}
		headers = append(headers, kgo.RecordHeader{Key: key, Value: v})
	}
	return headers, nil
}
