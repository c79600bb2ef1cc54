package bpmn

import (
	"strings"
	"testing"
)

// TestQNameReferences: a reference written as a QName whose prefix is bound
// to the targetNamespace resolves, as in Zeebe's model API; one whose
// prefix names another namespace stays unresolved and says why.
func TestQNameReferences(t *testing.T) {
	src := `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tns="urn:orders" xmlns:other="urn:other" targetNamespace="urn:orders" id="D">
  <bpmn:message id="M1" name="paid"/>
  <bpmn:error id="E1" errorCode="x"/>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:messageEventDefinition messageRef="tns:M1"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="tns:S" targetRef="tns:G"/>
    <bpmn:exclusiveGateway id="G" default="tns:F2"/>
    <bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="T"/>
    <bpmn:receiveTask id="T" messageRef="other:M1"/>
    <bpmn:boundaryEvent id="B" attachedToRef="tns:T"><bpmn:errorEventDefinition errorRef="tns:E1"/></bpmn:boundaryEvent>
  </bpmn:process>
</bpmn:definitions>`
	doc, err := Parse("q.bpmn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range doc.Problems {
		msgs = append(msgs, p.Rule+": "+p.Message)
	}
	want := `wfctl/unresolved-reference: messageRef "other:M1" of receiveTask "T" names no element with that id (prefix other names namespace "urn:other", not this document's targetNamespace)`
	if strings.Join(msgs, "\n") != want {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), want)
	}
	s := doc.ByID("S").(*FlowNode)
	if ed := s.EventDefinitions[0]; ed.Message == nil || ed.Message.ID != "M1" || ed.MessageRef != "M1" {
		t.Errorf("tns:M1 not resolved: %+v", ed)
	}
	f1 := doc.ByID("F1").(*SequenceFlow)
	if f1.Source != s || f1.Target == nil || f1.Target.ID != "G" {
		t.Errorf("F1 not connected: %v -> %v", f1.Source, f1.Target)
	}
	if g := doc.ByID("G").(*FlowNode); g.Default == nil || g.Default.ID != "F2" {
		t.Errorf("default tns:F2 not resolved")
	}
	b := doc.ByID("B").(*FlowNode)
	if b.AttachedTo == nil || b.EventDefinitions[0].Error == nil {
		t.Errorf("boundary B: attachedTo %v, error %v", b.AttachedTo, b.EventDefinitions[0].Error)
	}
}
