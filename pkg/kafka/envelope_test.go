package kafka

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// readEnvelopes reads every line, collecting envelopes and line errors.
func readEnvelopes(t testing.TB, input string) ([]*Envelope, []*LineError) {
	t.Helper()
	r := NewEnvelopeReader(strings.NewReader(input), "events.ndjson")
	var envs []*Envelope
	var bad []*LineError
	for {
		env, err := r.Next()
		var le *LineError
		switch {
		case err == io.EOF:
			return envs, bad
		case errors.As(err, &le):
			bad = append(bad, le)
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			envs = append(envs, env)
		}
	}
}

func TestEnvelopeReaderGoodLines(t *testing.T) {
	input := `{"topic":"orders","partition":0,"offset":0,"tstype":"create","ts":1795610405360,"broker":0,"headers":["h1","v1","h2","v2"],"key":"k1","payload":"hello"}
{"topic":"orders","partition":1,"offset":7,"tstype":"create","ts":1795610405391,"broker":0,"key":null,"payload":"plain"}

{"topic":"orders","partition":2,"offset":3,"ts":5,"headers":{"trace":"t-1","span":null,"trace":"t-2"},"key":"","payload":null}
{"topic":"payments","payload":{"orderId": "o-1", "total": 12.5}}` + "\r\n"
	envs, bad := readEnvelopes(t, input)
	if len(bad) != 0 {
		t.Fatalf("line errors: %v", bad)
	}
	want := []*Envelope{
		{Topic: "orders", Partition: 0, Offset: 0, TimestampType: "create", Timestamp: 1795610405360, Broker: 0,
			Key: []byte("k1"), Value: []byte("hello"), Headers: []kgo.RecordHeader{{Key: "h1", Value: []byte("v1")}, {Key: "h2", Value: []byte("v2")}}},
		{Topic: "orders", Partition: 1, Offset: 7, TimestampType: "create", Timestamp: 1795610405391, Broker: 0, Value: []byte("plain")},
		{Topic: "orders", Partition: 2, Offset: 3, Timestamp: 5, Broker: -1, Key: []byte{},
			Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t-1")}, {Key: "span"}, {Key: "trace", Value: []byte("t-2")}}},
		{Topic: "payments", Broker: -1, Value: []byte(`{"orderId":"o-1","total":12.5}`)},
	}
	if !reflect.DeepEqual(envs, want) {
		for i := range max(len(envs), len(want)) {
			if i >= len(envs) || i >= len(want) || !reflect.DeepEqual(envs[i], want[i]) {
				t.Errorf("envelope %d:\n got  %+v\n want %+v", i, at(envs, i), at(want, i))
			}
		}
	}
	// A null key stays nil (no key), an empty key is empty: Kafka tells them apart.
	if envs[1].Key != nil || envs[2].Key == nil || envs[2].Value != nil {
		t.Error("null and empty key or payload were confused")
	}
}

func at(envs []*Envelope, i int) any {
	if i < len(envs) {
		return envs[i]
	}
	return nil
}

func TestEnvelopeReaderMalformedLinesAreNotFatal(t *testing.T) {
	input := strings.Join([]string{
		`{"topic":"orders","offset":1,"payload":"ok"}`,
		`{"topic":"orders","offset":2,"payload":"cut off`,
		`not json at all`,
		`{"offset":4,"payload":"no topic"}`,
		`{"topic":"orders","partition":"zero"}`,
		`{"topic":"orders","headers":["only-a-key"]}`,
		`{"topic":"orders","headers":[1,"v"]}`,
		`{"topic":"orders","headers":"h=v"}`,
		`{"topic":"orders","offset":9,"payload":"ok again"}`,
	}, "\n")
	envs, bad := readEnvelopes(t, input)
	if len(envs) != 2 || envs[0].Offset != 1 || envs[1].Offset != 9 {
		t.Errorf("good envelopes: %+v, want offsets 1 and 9", envs)
	}
	want := []struct {
		line int
		text string
	}{
		{2, "not a kcat JSON envelope"},
		{3, "not a kcat JSON envelope: invalid character 'o' in literal null"},
		{4, `no "topic"`},
		{5, `"partition" is a JSON string, want a number`},
		{6, "headers: 1 items: want key, value pairs"},
		{7, "headers: item 0: a header key must be a string"},
		{8, "headers: want an array"},
	}
	if len(bad) != len(want) {
		t.Fatalf("line errors %v, want %d", bad, len(want))
	}
	for i, w := range want {
		if bad[i].Line != w.line || !strings.Contains(bad[i].Error(), w.text) || !strings.HasPrefix(bad[i].Error(), "events.ndjson:") {
			t.Errorf("error %d = %q (line %d), want line %d with %q", i, bad[i], bad[i].Line, w.line, w.text)
		}
	}
}

func TestEnvelopeReaderLongLines(t *testing.T) {
	big := strings.Repeat("x", 200_000) // several bufio buffers
	input := `{"topic":"t","payload":"` + big + "\"}\n" + `{"topic":"t","payload":"small"}`
	envs, bad := readEnvelopes(t, input)
	if len(bad) != 0 || len(envs) != 2 || len(envs[0].Value) != len(big) || string(envs[1].Value) != "small" {
		t.Errorf("got %d envelopes, %v", len(envs), bad)
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	in := []*Envelope{
		{Topic: "orders", Partition: 3, Offset: 42, TimestampType: "create", Timestamp: 1700000000000, Broker: 1,
			Key: []byte("o-1"), Value: []byte(`{"total":12,"note":"<b>&"}`),
			Headers: []kgo.RecordHeader{{Key: "type", Value: []byte("OrderPlaced")}, {Key: "empty"}}},
		{Topic: "orders", Offset: 43, Timestamp: 1700000000001, Broker: -1, Value: []byte("tombstone next")},
		{Topic: "orders", Offset: 44, Timestamp: 1700000000002, Broker: -1, Key: []byte("o-1")},
	}
	var buf bytes.Buffer
	w := NewEnvelopeWriter(&buf)
	for _, e := range in {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	wantFirst := `{"topic":"orders","partition":3,"offset":42,"tstype":"create","ts":1700000000000,"broker":1,"headers":["type","OrderPlaced","empty",null],"key":"o-1","payload":"{\"total\":12,\"note\":\"<b>&\"}"}`
	if first, _, _ := strings.Cut(buf.String(), "\n"); first != wantFirst {
		t.Errorf("first line\n got  %s\n want %s", first, wantFirst)
	}
	out, bad := readEnvelopes(t, buf.String())
	if len(bad) != 0 || !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n got  %+v\n want %+v (%v)", out, in, bad)
	}
}

func TestEnvelopeRecordConversion(t *testing.T) {
	env := &Envelope{Topic: "orders", Partition: 2, Offset: 9, Timestamp: 1700000000123, Key: []byte("k"), Value: []byte("v"),
		Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("1")}}, TimestampType: "create", Broker: -1}
	r := env.Record()
	if r.Topic != "orders" || r.Partition != 2 || r.Offset != 9 || r.Timestamp.UnixMilli() != 1700000000123 || string(r.Key) != "k" || string(r.Value) != "v" || len(r.Headers) != 1 {
		t.Errorf("Record() = %+v", r)
	}
	if back := EnvelopeOf(r); !reflect.DeepEqual(back, env) {
		t.Errorf("EnvelopeOf(Record()) = %+v, want %+v", back, env)
	}
}

func FuzzEnvelope(f *testing.F) {
	for _, seed := range []string{
		`{"topic":"orders","partition":0,"offset":0,"tstype":"create","ts":1795610405360,"broker":0,"headers":["h1","v1","h2","v2"],"key":"k1","payload":"hello"}`,
		`{"topic":"orders","partition":1,"offset":0,"tstype":"create","ts":1,"broker":0,"key":null,"payload":"plain"}`,
		`{"topic":"t","headers":{"a":"1","a":null},"key":"","payload":{"x":[1,2,{"y":null}]}}`,
		"{\"topic\":\"t\",\"payload\":\"\\u00e9\\ud83d\\ude00\\n\"}\r\n\n{\"topic\":\"u\"}",
		`{"topic":"t","headers":[1,2,3]}`,
		"\xef\xbb\xbf{\"topic\":\"bom\"}",
		`{"topic":"t","partition":2147483648}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewEnvelopeReader(bytes.NewReader(data), "fuzz")
		lastLine := 0
		for {
			env, err := r.Next()
			if err == io.EOF {
				break
			}
			var le *LineError
			if errors.As(err, &le) {
				if le.Line <= lastLine {
					t.Fatalf("line error numbers go backwards: %d after %d", le.Line, lastLine)
				}
				lastLine = le.Line
				continue
			}
			if err != nil {
				t.Fatalf("non-line error from an in-memory reader: %v", err)
			}
			if r.Line() <= lastLine {
				t.Fatalf("line %d after line %d", r.Line(), lastLine)
			}
			lastLine = r.Line()
			if env.Topic == "" {
				t.Fatal("an envelope without a topic was accepted")
			}
			checkRewriteIsStable(t, env)
		}
	})
}

// checkRewriteIsStable: writing an envelope and reading it back gives an
// envelope that writes the same bytes (one pass normalises inline JSON
// payloads and bytes that are not UTF-8).
func checkRewriteIsStable(t *testing.T, env *Envelope) {
	var first, second bytes.Buffer
	if err := NewEnvelopeWriter(&first).Write(env); err != nil {
		t.Fatal(err)
	}
	again, err := ParseEnvelope(bytes.TrimSuffix(first.Bytes(), []byte("\n")))
	if err != nil {
		t.Fatalf("cannot read back what was written: %v\n%s", err, first.Bytes())
	}
	if err := NewEnvelopeWriter(&second).Write(again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("rewriting changed the line:\n%s%s", first.Bytes(), second.Bytes())
	}
	if bytes.Count(first.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("one envelope spans several lines: %q", first.Bytes())
	}
}
