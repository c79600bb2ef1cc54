package bpmn

func (p *parser) parseFlowNode(x *xnode, k Kind, pr *Process, parent *FlowNode) *FlowNode {
	n := &FlowNode{Base: p.base(x), Kind: k, Process: pr, Parent: parent,
		AttachedToRef:  p.ref(x, "attachedToRef"),
		CancelActivity: attr(x, "cancelActivity") != "false",
		IsInterrupting: attr(x, "isInterrupting") != "false",
		DefaultRef:     p.ref(x, "default"),
		MessageRef:     p.ref(x, "messageRef"),
		Instantiate:    attr(x, "instantiate") == "true",
		CalledElement:  attr(x, "calledElement"),
	}
	n.ParallelMultiple = attr(x, "parallelMultiple") == "true"
	n.IsForCompensation = attr(x, "isForCompensation") == "true"
	if k == KindEventBasedGateway {
		n.EventGatewayType = attr(x, "eventGatewayType")
		n.Instantiating = n.Instantiate
		n.Instantiate = false
	}
	p.register(&n.Base, n)
	p.nodes = append(p.nodes, n)
	if k.IsSubProcess() {
		n.Sub = &Container{}
		n.TriggeredByEvent = attr(x, "triggeredByEvent") == "true"
	}
	for _, c := range x.children {
		if c.ns != nsBPMN {
			continue
		}
		p.parseFlowNodeChild(n, c)
	}
	if n.Sub != nil {
		p.parseContainer(x, n.Sub, pr, n)
	}
	return n
}

func (p *parser) parseFlowNodeChild(n *FlowNode, c *xnode) {
	switch c.local {
	case "incoming":
		n.DeclaredIncoming = append(n.DeclaredIncoming, p.localRef(c, text(c)))
	case "outgoing":
		n.DeclaredOutgoing = append(n.DeclaredOutgoing, p.localRef(c, text(c)))
	case "extensionElements":
		p.parseZeebe(c, &n.Zeebe)
	case "eventDefinitionRef":
		n.EventDefinitionRefs = append(n.EventDefinitionRefs, p.localRef(c, text(c)))
	case "standardLoopCharacteristics", "multiInstanceLoopCharacteristics":
		n.Loop = p.parseLoop(c)
	case "completionCondition":
		if n.Kind == KindAdHocSubProcess {
			n.CompletionCondition = p.expression(c)
		}
	default:
		if k := KindOf(c.local); k.IsEventDefinition() {
			n.EventDefinitions = append(n.EventDefinitions, p.parseEventDefinition(c, k))
		}
	}
}

func (p *parser) parseLoop(x *xnode) *LoopCharacteristics {
	l := &LoopCharacteristics{Base: p.base(x), MultiInstance: x.local == "multiInstanceLoopCharacteristics",
		IsSequential: attr(x, "isSequential") == "true"}
	p.register(&l.Base, l)
	if ext := x.child(nsBPMN, "extensionElements"); ext != nil {
		if z := ext.child(nsZeebe, "loopCharacteristics"); z != nil {
			l.Zeebe = &ZeebeLoop{ZeebeElement: ZeebeElement{Pos: p.pos(z), XML: z.el},
				InputCollection: attr(z, "inputCollection"), InputElement: attr(z, "inputElement"),
				OutputCollection: attr(z, "outputCollection"), OutputElement: attr(z, "outputElement")}
		}
	}
	return l
}

func (p *parser) parseEventDefinition(x *xnode, k Kind) *EventDefinition {
	ed := &EventDefinition{Base: p.base(x), Kind: k,
		MessageRef: p.ref(x, "messageRef"), ErrorRef: p.ref(x, "errorRef"),
		SignalRef: p.ref(x, "signalRef"), EscalationRef: p.ref(x, "escalationRef"),
		ActivityRef: p.ref(x, "activityRef")}
	p.register(&ed.Base, ed)
	switch k {
	case KindTimerEventDefinition:
		ed.Timer = &Timer{}
		for _, c := range x.children {
			if c.ns != nsBPMN {
				continue
			}
			switch t := TimerType(c.local); t {
			case TimerDate, TimerDuration, TimerCycle:
				ed.Timer.Count++
				if ed.Timer.Type == TimerNone {
					ed.Timer.Type, ed.Timer.Value = t, p.expression(c)
				}
			}
		}
	case KindConditionalEventDefinition:
		if c := x.child(nsBPMN, "condition"); c != nil {
			ed.Condition = p.expression(c)
		}
	}
	return ed
}
