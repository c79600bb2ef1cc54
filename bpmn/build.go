package bpmn

// parser builds the typed model from the xnode tree.
type parser struct {
	doc   *Document
	defs  *Definitions
	flows []*SequenceFlow // every sequence flow, to resolve after the walk
	nodes []*FlowNode     // every flow node and data element
	parts []*Participant
}

func (p *parser) pos(x *xnode) Pos {
	if x.offset < 0 {
		return Pos{}
	}
	return p.doc.lines.pos(x.offset)
}

// base reads id and name and registers the id.
func (p *parser) base(x *xnode) Base {
	return Base{ID: attr(x, "id"), Name: attr(x, "name"), Type: x.local, Pos: p.pos(x), XML: x.el}
}

// register records an element under its id, reporting duplicates.
func (p *parser) register(b *Base, v any) {
	if b.ID == "" {
		return
	}
	if prev, dup := p.doc.byID[b.ID]; dup {
		_ = prev
		p.problem(RuleDuplicateID, b, "duplicate id "+quote(b.ID)+": ids must be unique in a document")
		return
	}
	p.doc.byID[b.ID] = v
}

func (p *parser) problem(rule string, b *Base, msg string) {
	p.doc.Problems = append(p.doc.Problems, Problem{Rule: rule, Message: msg, Element: b.ID, Pos: b.Pos})
}

func (p *parser) unknown(x *xnode) {
	b := &Base{ID: attr(x, "id"), Name: attr(x, "name"), Type: qname(x.el), Pos: p.pos(x), XML: x.el}
	p.defs.Unknown = append(p.defs.Unknown, b)
	p.register(b, b)
}

func (p *parser) parseDefinitions(x *xnode) *Definitions {
	d := &Definitions{Base: p.base(x), TargetNamespace: attr(x, "targetNamespace"),
		Exporter: attr(x, "exporter"), ExporterVersion: attr(x, "exporterVersion"),
		ExecutionPlatform:        modelerAttr(x, "executionPlatform"),
		ExecutionPlatformVersion: modelerAttr(x, "executionPlatformVersion")}
	p.defs = d
	p.register(&d.Base, d)
	for _, c := range x.children {
		switch c.ns {
		case nsBPMN:
			p.parseRootElement(c)
		case nsBPMNDI:
			if c.local == "BPMNDiagram" {
				dg := p.parseDiagram(c)
				d.Diagrams = append(d.Diagrams, dg)
				p.registerDiagram(dg)
			}
		}
	}
	return d
}

func (p *parser) parseRootElement(c *xnode) {
	d := p.defs
	switch c.local {
	case "process":
		d.Processes = append(d.Processes, p.parseProcess(c))
	case "collaboration":
		d.Collaborations = append(d.Collaborations, p.parseCollaboration(c))
	case "message":
		m := &Message{Base: p.base(c)}
		if ext := c.child(nsBPMN, "extensionElements"); ext != nil {
			p.parseZeebe(ext, &m.Zeebe)
		}
		p.register(&m.Base, m)
		d.Messages = append(d.Messages, m)
	case "error":
		e := &Error{Base: p.base(c), ErrorCode: attr(c, "errorCode")}
		p.register(&e.Base, e)
		d.Errors = append(d.Errors, e)
	case "signal":
		s := &Signal{Base: p.base(c)}
		p.register(&s.Base, s)
		d.Signals = append(d.Signals, s)
	case "escalation":
		e := &Escalation{Base: p.base(c), EscalationCode: attr(c, "escalationCode")}
		p.register(&e.Base, e)
		d.Escalations = append(d.Escalations, e)
	case "documentation", "extensionElements", "import", "extension", "relationship":
	default:
		if rootElementNames[c.local] {
			b := p.base(c)
			d.Other = append(d.Other, &b)
			p.register(&b, &b)
			return
		}
		p.unknown(c)
	}
}

// rootElementNames are BPMN root elements without a typed model.
var rootElementNames = map[string]bool{
	"dataStore": true, "itemDefinition": true, "interface": true, "category": true,
	"eventDefinition": true, "endPoint": true, "partnerEntity": true, "partnerRole": true,
	"resource": true, "correlationProperty": true, "globalTask": true, "globalUserTask": true,
	"globalScriptTask": true, "globalManualTask": true, "globalBusinessRuleTask": true,
	"choreography": true, "globalConversation": true, "conversation": true,
	// Event definitions may be declared at the root and referenced.
	"messageEventDefinition": true, "timerEventDefinition": true, "errorEventDefinition": true,
	"signalEventDefinition": true, "escalationEventDefinition": true, "compensateEventDefinition": true,
	"conditionalEventDefinition": true, "linkEventDefinition": true, "terminateEventDefinition": true,
	"cancelEventDefinition": true,
}

func (p *parser) parseProcess(x *xnode) *Process {
	pr := &Process{Base: p.base(x), IsExecutable: attr(x, "isExecutable") == "true"}
	p.register(&pr.Base, pr)
	if ext := x.child(nsBPMN, "extensionElements"); ext != nil {
		p.parseZeebe(ext, &pr.Zeebe)
	}
	p.parseContainer(x, &pr.Container, pr, nil)
	return pr
}

// containerChildNames are BPMN children of a process or sub-process that
// are neither flow elements nor unknown.
var containerChildNames = map[string]bool{
	"documentation": true, "extensionElements": true, "auditing": true, "monitoring": true,
	"categoryValueRef": true, "property": true, "ioSpecification": true, "ioBinding": true,
	"laneSet": true, "incoming": true, "outgoing": true, "dataInputAssociation": true,
	"dataOutputAssociation": true, "resourceRole": true, "performer": true, "humanPerformer": true,
	"potentialOwner": true, "standardLoopCharacteristics": true, "multiInstanceLoopCharacteristics": true,
	"supports": true, "correlationSubscription": true, "completionCondition": true,
	"lane": true, "startQuantity": true,
}

func (p *parser) parseContainer(x *xnode, c *Container, pr *Process, parent *FlowNode) {
	for _, ch := range x.children {
		if ch.ns != nsBPMN {
			if ch.ns != nsBPMNDI && ch.ns != nsDC && ch.ns != nsDI {
				p.unknown(ch)
			}
			continue
		}
		k := KindOf(ch.local)
		switch {
		case k == KindSequenceFlow:
			f := p.parseSequenceFlow(ch, pr, parent)
			c.SequenceFlows = append(c.SequenceFlows, f)
		case k.IsFlowNode():
			c.FlowNodes = append(c.FlowNodes, p.parseFlowNode(ch, k, pr, parent))
		case k == KindDataObject || k == KindDataObjectReference || k == KindDataStoreReference:
			n := &FlowNode{Base: p.base(ch), Kind: k, Process: pr, Parent: parent}
			p.register(&n.Base, n)
			c.Data = append(c.Data, n)
		case k.IsArtifact():
			c.Artifacts = append(c.Artifacts, p.parseArtifact(ch, k))
		case ch.local == "laneSet":
			c.LaneSets = append(c.LaneSets, p.parseLaneSet(ch))
		case containerChildNames[ch.local]:
		default:
			p.unknown(ch)
		}
	}
}

func (p *parser) parseArtifact(x *xnode, k Kind) *Artifact {
	a := &Artifact{Base: p.base(x), Kind: k, SourceRef: p.ref(x, "sourceRef"), TargetRef: p.ref(x, "targetRef")}
	if t := x.child(nsBPMN, "text"); t != nil {
		a.Text = text(t)
	}
	p.register(&a.Base, a)
	return a
}

func (p *parser) parseLaneSet(x *xnode) *LaneSet {
	ls := &LaneSet{Base: p.base(x)}
	p.register(&ls.Base, ls)
	for _, c := range x.childrenNamed(nsBPMN, "lane") {
		l := &Lane{Base: p.base(c)}
		p.register(&l.Base, l)
		for _, r := range c.childrenNamed(nsBPMN, "flowNodeRef") {
			l.FlowNodeRefs = append(l.FlowNodeRefs, p.localRef(r, text(r)))
		}
		if cls := c.child(nsBPMN, "childLaneSet"); cls != nil {
			l.ChildLaneSet = p.parseLaneSet(cls)
		}
		ls.Lanes = append(ls.Lanes, l)
	}
	return ls
}

func (p *parser) parseSequenceFlow(x *xnode, pr *Process, parent *FlowNode) *SequenceFlow {
	f := &SequenceFlow{Base: p.base(x), SourceRef: p.ref(x, "sourceRef"), TargetRef: p.ref(x, "targetRef"), Process: pr, Parent: parent}
	if ce := x.child(nsBPMN, "conditionExpression"); ce != nil {
		f.Condition = p.expression(ce)
	}
	p.register(&f.Base, f)
	p.flows = append(p.flows, f)
	return f
}

func (p *parser) expression(x *xnode) *Expression {
	return &Expression{Text: text(x), Language: attr(x, "language"), Pos: p.pos(x)}
}

func (p *parser) parseCollaboration(x *xnode) *Collaboration {
	co := &Collaboration{Base: p.base(x)}
	p.register(&co.Base, co)
	for _, c := range x.children {
		if c.ns != nsBPMN {
			continue
		}
		switch c.local {
		case "participant":
			pt := &Participant{Base: p.base(c), ProcessRef: p.ref(c, "processRef")}
			p.register(&pt.Base, pt)
			p.parts = append(p.parts, pt)
			co.Participants = append(co.Participants, pt)
		case "messageFlow":
			mf := &MessageFlow{Base: p.base(c), SourceRef: p.ref(c, "sourceRef"), TargetRef: p.ref(c, "targetRef"), MessageRef: p.ref(c, "messageRef")}
			p.register(&mf.Base, mf)
			co.MessageFlows = append(co.MessageFlows, mf)
		case "textAnnotation", "association", "group":
			co.Artifacts = append(co.Artifacts, p.parseArtifact(c, KindOf(c.local)))
		}
	}
	return co
}

func (p *parser) registerDiagram(d *Diagram) {
	p.register(&d.Base, d)
	if d.Plane == nil {
		return
	}
	p.register(&d.Plane.Base, d.Plane)
	for _, s := range d.Plane.Shapes {
		p.register(&s.Base, s)
	}
	for _, e := range d.Plane.Edges {
		p.register(&e.Base, e)
	}
}

func quote(s string) string { return "\"" + s + "\"" }
