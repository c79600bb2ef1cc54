package trace

import (
	"encoding/json"
	"strings"
	"testing"

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

func TestMapper(t *testing.T) {
	doc, err := bpmn.Parse("m.bpmn", []byte(keyedModel))
	if err != nil {
		t.Fatal(err)
	}
	defs := []*bpmn.Definitions{doc.Definitions}
	rec := func(value string, headers ...string) *Record {
		r := &Record{Key: []byte("rk"), Value: []byte(value)}
		for i := 0; i+1 < len(headers); i += 2 {
			r.Headers = append(r.Headers, Header{Key: headers[i], Value: []byte(headers[i+1])})
		}
		return r
	}
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
		{rec: rec(`{"order":{"id":"o-1"}}`), wantErr: "no message name"},
		{name: &Source{Kind: "json", Arg: "event.kind"}, rec: rec(`{"event":{"kind":"Paid"},"order":{"id":"a"}}`), wantName: "Paid", wantKey: "a"},
		{name: &Source{Kind: "header", Arg: "x-type"}, rec: rec(`{"order":{"id":"a"}}`, "x-type", "Paid"), wantName: "Paid", wantKey: "a"},
		{name: &Source{Kind: "key"}, key: &Source{Kind: "json", Arg: "ref"}, rec: &Record{Key: []byte("Paid"), Value: []byte(`{"ref":"r-9"}`)}, wantName: "Paid", wantKey: "r-9"},
		{key: &Source{Kind: "key"}, rec: rec(`{"type":"Paid"}`), wantName: "Paid", wantKey: "rk"},
	} {
		m, err := NewMapper(defs, tc.name, tc.key)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := m.Map(tc.rec)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.rec.Value, err, tc.wantErr)
			}
			continue
		}
		if err != nil || msg.Name != tc.wantName || msg.CorrelationKey != tc.wantKey {
			t.Errorf("%s: got %q %q %v, want %q %q", tc.rec.Value, msg.Name, msg.CorrelationKey, err, tc.wantName, tc.wantKey)
		}
		if tc.wantVars != "" {
			if b, _ := json.Marshal(msg.Variables); string(b) != tc.wantVars {
				t.Errorf("%s: variables %s, want %s", tc.rec.Value, b, tc.wantVars)
			}
		}
	}
}
