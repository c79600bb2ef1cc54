package correlate

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wfctl/wfctl/bpmn"
)

const keyedModel = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:messageEventDefinition messageRef="Start" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="W" />
    <bpmn:receiveTask id="W" messageRef="Paid" />
    <bpmn:sequenceFlow id="F2" sourceRef="W" targetRef="X" />
    <bpmn:receiveTask id="X" messageRef="Shipped" />
    <bpmn:sequenceFlow id="F3" sourceRef="X" targetRef="E" />
    <bpmn:endEvent id="E" />
  </bpmn:process>
  <bpmn:message id="Start" name="Placed" />
  <bpmn:message id="Paid" name="Paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=order.id" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="Shipped" name="Shipped"><bpmn:extensionElements><zeebe:subscription correlationKey="=&quot;o-&quot; + string(order.n)" /></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`

const orderModel = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:messageEventDefinition messageRef="Start" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="W" />
    <bpmn:receiveTask id="W" messageRef="Paid" />
    <bpmn:sequenceFlow id="F2" sourceRef="W" targetRef="E" />
    <bpmn:endEvent id="E" />
  </bpmn:process>
  <bpmn:message id="Start" name="Placed" />
  <bpmn:message id="Paid" name="Paid"><bpmn:extensionElements><zeebe:subscription correlationKey="= orderId" /></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`

func parse(t *testing.T, src string) []*bpmn.Document {
	t.Helper()
	doc, err := bpmn.Parse("m.bpmn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return []*bpmn.Document{doc}
}

func rec(value string, headers ...string) *Record {
	r := &Record{Key: []byte("rk"), Value: []byte(value), Time: time.UnixMilli(1000)}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Headers = append(r.Headers, Header{Key: headers[i], Value: []byte(headers[i+1])})
	}
	return r
}

func TestMapper(t *testing.T) {
	docs := parse(t, keyedModel)
	for _, tc := range []struct {
		name, key *Source
		rec       *Record
		wantName  string
		wantKey   string
		wantErr   string
		wantVars  string
	}{
		{rec: rec(`{"type":"Paid","order":{"id":"o-1"}}`), wantName: "Paid", wantKey: "o-1", wantVars: `{"order":{"id":"o-1"}}`},
		{rec: rec(`{"order":{"id":17}}`, "ce_type", "Paid"), wantName: "Paid", wantKey: "17"},
		{rec: rec(`{"type":"Shipped","order":{"n":5}}`), wantName: "Shipped", wantKey: "o-5"},
		{rec: rec(`{"type":"Placed","order":{"id":"o-2"}}`), wantName: "Placed", wantKey: "o-2", wantVars: `{"order":{"id":"o-2"}}`},
		{rec: rec(`{"type":"Paid","order":{}}`), wantName: "Paid", wantErr: "null or missing"},
		{rec: rec(`{"type":"Paid","order":{"id":true}}`), wantName: "Paid", wantErr: "not a string or number"},
		{rec: rec(`not json`), wantErr: "not a JSON object"},
		{rec: rec(`{"type":"Paid","order":{"id":"o-1"}`), wantName: "Paid", wantErr: "not a JSON object"},
		{rec: rec(`{"order":{"id":"o-1"}}`), wantErr: "no message name"},
		{rec: rec(`{"type":"Refunded"}`), wantName: "Refunded", wantErr: ErrNotModelled.Error()},
		{name: &Source{Kind: "json", Arg: "event.kind"}, rec: rec(`{"event":{"kind":"Paid"},"order":{"id":"a"}}`), wantName: "Paid", wantKey: "a"},
		{name: &Source{Kind: "header", Arg: "x-type"}, rec: rec(`{"order":{"id":"a"}}`, "x-type", "Paid"), wantName: "Paid", wantKey: "a"},
	} {
		m, err := NewMapper(docs, Options{Name: tc.name, CorrelationKey: tc.key})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := m.Map(tc.rec)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || msg.Name != tc.wantName {
				t.Errorf("%s: %q, error %v, want %q and %q", tc.rec.Value, msg.Name, err, tc.wantName, tc.wantErr)
			}
			continue
		}
		if err != nil || msg.Name != tc.wantName || msg.CorrelationKey != tc.wantKey || !msg.Time.Equal(time.UnixMilli(1000)) {
			t.Errorf("%s: got %q %q %v, want %q %q", tc.rec.Value, msg.Name, msg.CorrelationKey, err, tc.wantName, tc.wantKey)
		}
		if tc.wantVars != "" {
			if b, _ := json.Marshal(msg.Variables); string(b) != tc.wantVars {
				t.Errorf("%s: variables %s, want %s", tc.rec.Value, b, tc.wantVars)
			}
		}
	}
}

// TestKeyOverride: a topic whose fields do not match the model's names
// still correlates: the start message carries the key where the model's
// key expression reads it.
func TestKeyOverride(t *testing.T) {
	key := &Source{Kind: "json", Arg: "order.id"}
	m, err := NewMapper(parse(t, orderModel), Options{CorrelationKey: key})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := m.Map(rec(`{"type":"Placed","order":{"id":"o-9"}}`))
	if b, _ := json.Marshal(msg.Variables); err != nil || msg.CorrelationKey != "o-9" || string(b) != `{"orderId":"o-9"}` {
		t.Errorf("start: %q %s %v", msg.CorrelationKey, b, err)
	}
	msg, err = m.Map(rec(`{"type":"Paid","order":{"id":"o-9"}}`))
	if err != nil || msg.CorrelationKey != "o-9" || msg.Variables != nil {
		t.Errorf("paid: %q %v %v", msg.CorrelationKey, msg.Variables, err)
	}
	if _, err := m.Map(rec(`{"type":"Paid"}`)); err == nil || !strings.Contains(err.Error(), "no correlation key at json:order.id") {
		t.Errorf("missing key: %v", err)
	}
	// A key expression that is not a path cannot receive the key.
	if _, err := NewMapper(parse(t, keyedModel), Options{CorrelationKey: key}); err == nil || !strings.Contains(err.Error(), "not a variable path") {
		t.Errorf("override with a computed key: %v", err)
	}
}

func TestEventTime(t *testing.T) {
	for _, tc := range []struct {
		src, value string
		want       time.Time
		wantErr    string
	}{
		{"json:at", `{"type":"Paid","orderId":"a","at":"2026-11-01T10:00:00.5Z"}`, time.Date(2026, 11, 1, 10, 0, 0, 5e8, time.UTC), ""},
		{"json:at", `{"type":"Paid","orderId":"a","at":1700000000123}`, time.UnixMilli(1700000000123), ""},
		{"json:meta.at", `{"type":"Paid","orderId":"a","meta":{"at":"1700000000123"}}`, time.UnixMilli(1700000000123), ""},
		{"json:at", `{"type":"Paid","orderId":"a"}`, time.Time{}, "no event time at json:at"},
		{"json:at", `{"type":"Paid","orderId":"a","at":"yesterday"}`, time.Time{}, "want RFC 3339"},
		{"header:ts", `{"type":"Paid","orderId":"a"}`, time.UnixMilli(42), ""},
	} {
		src, _ := ParseSource(tc.src)
		m, err := NewMapper(parse(t, orderModel), Options{EventTime: &src})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := m.Map(rec(tc.value, "ts", "42"))
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s %s: error %v, want %q", tc.src, tc.value, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || !msg.Time.Equal(tc.want)):
			t.Errorf("%s %s: %v %v, want %v", tc.src, tc.value, msg.Time, err, tc.want)
		}
	}
	// A record no model waits for is not modelled, whatever its time.
	src := Source{Kind: "json", Arg: "at"}
	m, _ := NewMapper(parse(t, orderModel), Options{EventTime: &src})
	if _, err := m.Map(rec(`{"type":"Other"}`)); !errors.Is(err, ErrNotModelled) {
		t.Errorf("unknown name without a time: %v", err)
	}
}

func TestRouting(t *testing.T) {
	if r := mustMapper(t, orderModel).Routing(); !r.Sharded {
		t.Errorf("one key: %+v", r)
	}
	r := mustMapper(t, keyedModel).Routing()
	if r.Sharded || !strings.Contains(r.Why, `Paid by =order.id`) || !strings.Contains(r.Why, `Shipped by ="o-" + string(order.n)`) {
		t.Errorf("two keys: %+v", r)
	}
}

func mustMapper(t *testing.T, src string) *Mapper {
	m, err := NewMapper(parse(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBrokenKeyNamesItsPlace(t *testing.T) {
	broken := strings.Replace(orderModel, `correlationKey="= orderId"`, `correlationKey="=orderId +"`, 1)
	_, err := NewMapper(parse(t, broken), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "m.bpmn:10:") {
		t.Errorf("error %v, want it to start with m.bpmn:10:", err)
	}
}
