package bpmn

import "github.com/beevik/etree"

// Zeebe holds the Camunda 8 (zeebe:) extension elements of an element.
// Each field is nil or empty when the element does not have it.
type Zeebe struct {
	TaskDefinition       *TaskDefinition
	Subscription         *Subscription
	IOMapping            *IOMapping
	TaskHeaders          []Header
	CalledElement        *CalledElement
	Properties           []Property
	FormDefinition       *FormDefinition
	UserTask             *ZeebeElement
	Script               *Script
	CalledDecision       *CalledDecision
	AssignmentDefinition *AssignmentDefinition
	// Other lists zeebe: elements the model does not type, such as
	// zeebe:executionListeners or zeebe:versionTag.
	Other []*Base
}

// ZeebeElement is an extension element's position and XML.
type ZeebeElement struct {
	Pos Pos
	XML *etree.Element
}

// TaskDefinition is zeebe:taskDefinition: the job type workers subscribe to.
type TaskDefinition struct {
	ZeebeElement
	Type    string
	Retries string
}

// Subscription is zeebe:subscription: how a message correlates.
type Subscription struct {
	ZeebeElement
	CorrelationKey string
}

// IOMapping is zeebe:ioMapping.
type IOMapping struct {
	ZeebeElement
	Inputs  []Mapping
	Outputs []Mapping
}

// Mapping is one zeebe:input or zeebe:output.
type Mapping struct {
	ZeebeElement
	Source string
	Target string
}

// Header is one zeebe:header of zeebe:taskHeaders.
type Header struct {
	ZeebeElement
	Key   string
	Value string
}

// CalledElement is zeebe:calledElement of a call activity.
type CalledElement struct {
	ZeebeElement
	ProcessID                   string
	PropagateAllChildVariables  string
	PropagateAllParentVariables string
}

// Property is one zeebe:property of zeebe:properties.
type Property struct {
	ZeebeElement
	Name  string
	Value string
}

// FormDefinition is zeebe:formDefinition.
type FormDefinition struct {
	ZeebeElement
	FormKey           string
	FormID            string
	ExternalReference string
}

// Script is zeebe:script of a script task.
type Script struct {
	ZeebeElement
	Expression     string
	ResultVariable string
}

// CalledDecision is zeebe:calledDecision of a business rule task.
type CalledDecision struct {
	ZeebeElement
	DecisionID     string
	ResultVariable string
}

// AssignmentDefinition is zeebe:assignmentDefinition of a user task.
type AssignmentDefinition struct {
	ZeebeElement
	Assignee        string
	CandidateGroups string
	CandidateUsers  string
}

// ZeebeLoop is zeebe:loopCharacteristics of a multi-instance activity.
type ZeebeLoop struct {
	ZeebeElement
	InputCollection  string
	InputElement     string
	OutputCollection string
	OutputElement    string
}

// parseZeebe reads the zeebe: children of an element's extensionElements.
func (p *parser) parseZeebe(ext *xnode, z *Zeebe) {
	for _, c := range ext.children {
		if c.ns != nsZeebe {
			continue
		}
		ze := ZeebeElement{Pos: p.pos(c), XML: c.el}
		switch c.local {
		case "taskDefinition":
			z.TaskDefinition = &TaskDefinition{ZeebeElement: ze, Type: attr(c, "type"), Retries: attr(c, "retries")}
		case "subscription":
			z.Subscription = &Subscription{ZeebeElement: ze, CorrelationKey: attr(c, "correlationKey")}
		case "ioMapping":
			z.IOMapping = p.parseIOMapping(c, ze)
		case "taskHeaders":
			for _, h := range c.childrenNamed(nsZeebe, "header") {
				z.TaskHeaders = append(z.TaskHeaders, Header{ZeebeElement: ZeebeElement{Pos: p.pos(h), XML: h.el}, Key: attr(h, "key"), Value: attr(h, "value")})
			}
		case "calledElement":
			z.CalledElement = &CalledElement{ZeebeElement: ze, ProcessID: attr(c, "processId"),
				PropagateAllChildVariables:  attr(c, "propagateAllChildVariables"),
				PropagateAllParentVariables: attr(c, "propagateAllParentVariables")}
		case "properties":
			for _, h := range c.childrenNamed(nsZeebe, "property") {
				z.Properties = append(z.Properties, Property{ZeebeElement: ZeebeElement{Pos: p.pos(h), XML: h.el}, Name: attr(h, "name"), Value: attr(h, "value")})
			}
		case "formDefinition":
			z.FormDefinition = &FormDefinition{ZeebeElement: ze, FormKey: attr(c, "formKey"), FormID: attr(c, "formId"), ExternalReference: attr(c, "externalReference")}
		case "userTask":
			z.UserTask = &ze
		case "script":
			z.Script = &Script{ZeebeElement: ze, Expression: attr(c, "expression"), ResultVariable: attr(c, "resultVariable")}
		case "calledDecision":
			z.CalledDecision = &CalledDecision{ZeebeElement: ze, DecisionID: attr(c, "decisionId"), ResultVariable: attr(c, "resultVariable")}
		case "assignmentDefinition":
			z.AssignmentDefinition = &AssignmentDefinition{ZeebeElement: ze, Assignee: attr(c, "assignee"),
				CandidateGroups: attr(c, "candidateGroups"), CandidateUsers: attr(c, "candidateUsers")}
		default:
			z.Other = append(z.Other, &Base{Type: "zeebe:" + c.local, Pos: ze.Pos, XML: c.el})
		}
	}
}

func (p *parser) parseIOMapping(el *xnode, ze ZeebeElement) *IOMapping {
	m := &IOMapping{ZeebeElement: ze}
	for _, c := range el.children {
		if c.ns != nsZeebe || (c.local != "input" && c.local != "output") {
			continue
		}
		mp := Mapping{ZeebeElement: ZeebeElement{Pos: p.pos(c), XML: c.el}, Source: attr(c, "source"), Target: attr(c, "target")}
		if c.local == "input" {
			m.Inputs = append(m.Inputs, mp)
		} else {
			m.Outputs = append(m.Outputs, mp)
		}
	}
	return m
}

// OtherElement returns the first zeebe: extension element of that local
// name the model keeps untyped (zeebe:adHoc, zeebe:executionListeners,
// ...), or nil.
func (z *Zeebe) OtherElement(local string) *Base {
	for _, b := range z.Other {
		if b.XML != nil && b.XML.Tag == local {
			return b
		}
	}
	return nil
}

// Property returns the value of the zeebe:property with the given name.
func (z *Zeebe) Property(name string) (string, bool) {
	for _, p := range z.Properties {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}
