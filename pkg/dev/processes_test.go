package dev

import (
	"reflect"
	"strings"
	"testing"
)

// twoProcesses declares two processes in one resource: one started by a
// message, with a job type given by an expression and a sub-process with
// its own start event; one with a none start event and two tasks of one
// type.
const twoProcesses = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://wfctl.dev/t">
  <bpmn:message id="M" name="OrderPlaced" />
  <bpmn:process id="by-message" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
    <bpmn:serviceTask id="T"><bpmn:extensionElements><zeebe:taskDefinition type="=kind" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="Sub" />
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="SubStart" />
      <bpmn:sequenceFlow id="F3" sourceRef="SubStart" targetRef="Pack" />
      <bpmn:serviceTask id="Pack"><bpmn:extensionElements><zeebe:taskDefinition type="pack" /></bpmn:extensionElements></bpmn:serviceTask>
    </bpmn:subProcess>
  </bpmn:process>
  <bpmn:process id="plain" isExecutable="true">
    <bpmn:startEvent id="S2" />
    <bpmn:sequenceFlow id="F4" sourceRef="S2" targetRef="A" />
    <bpmn:serviceTask id="A"><bpmn:extensionElements><zeebe:taskDefinition type="work" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F5" sourceRef="A" targetRef="B" />
    <bpmn:serviceTask id="B"><bpmn:extensionElements><zeebe:taskDefinition type="work" /></bpmn:extensionElements></bpmn:serviceTask>
  </bpmn:process>
</bpmn:definitions>
`

// TestProcesses: the server describes the latest version of each
// deployed process (how it starts, which job types it has), every
// process of a resource, and again after a restart.
func TestProcesses(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, Options{DataDir: data})
	if got := s.Processes(); len(got) != 0 {
		t.Fatalf("before any deployment: %+v", got)
	}
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	v2 := strings.Replace(string(readModel(t, "order.bpmn")), `type="charge"`, `type="charge-card"`, 1)
	produce(t, cl,
		commandRecord(t, "d1", deployCommand("order.bpmn", readModel(t, "order.bpmn"))),
		commandRecord(t, "d2", deployCommand("two.bpmn", []byte(twoProcesses))),
		commandRecord(t, "d3", deployCommand("order.bpmn", []byte(v2))))
	log.request("d3")
	want := []DeployedProcess{
		{ID: "by-message", Version: 1, ResourceName: "two.bpmn", StartMessages: []string{"OrderPlaced"}, JobTypes: []string{"pack"}},
		{ID: "order", Version: 2, ResourceName: "order.bpmn", NoneStart: true, JobTypes: []string{"charge-card"}},
		{ID: "plain", Version: 1, ResourceName: "two.bpmn", NoneStart: true, JobTypes: []string{"work"}},
	}
	if got := s.Processes(); !reflect.DeepEqual(got, want) {
		t.Errorf("processes:\n got %+v\nwant %+v", got, want)
	}
	s.Close()
	s = startServer(t, Options{DataDir: data})
	if got := s.Processes(); !reflect.DeepEqual(got, want) {
		t.Errorf("after a restart:\n got %+v\nwant %+v", got, want)
	}
}
