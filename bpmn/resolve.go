package bpmn

// resolve links references by id after the whole document is read, and
// builds the flow graph from sequenceFlow@sourceRef/targetRef.
func (p *parser) resolve() {
	for _, f := range p.flows {
		f.Source = p.flowNodeRef(&f.Base, "sourceRef", f.SourceRef)
		f.Target = p.flowNodeRef(&f.Base, "targetRef", f.TargetRef)
		if f.Source != nil {
			f.Source.Outgoing = append(f.Source.Outgoing, f)
		}
		if f.Target != nil {
			f.Target.Incoming = append(f.Target.Incoming, f)
		}
	}
	for _, n := range p.nodes {
		p.resolveNode(n)
	}
	for _, pt := range p.parts {
		if pt.ProcessRef == "" {
			continue
		}
		if pr, ok := p.doc.byID[pt.ProcessRef].(*Process); ok {
			pt.Process = pr
		} else {
			p.unresolved(&pt.Base, "processRef", pt.ProcessRef, "process")
		}
	}
}

func (p *parser) resolveNode(n *FlowNode) {
	if n.AttachedToRef != "" {
		if a, ok := p.doc.byID[n.AttachedToRef].(*FlowNode); ok && a.Kind.IsActivity() {
			n.AttachedTo = a
			a.Boundaries = append(a.Boundaries, n)
		} else {
			p.unresolved(&n.Base, "attachedToRef", n.AttachedToRef, "activity")
		}
	}
	if n.DefaultRef != "" {
		if f, ok := p.doc.byID[n.DefaultRef].(*SequenceFlow); ok {
			n.Default = f
		} else {
			p.unresolved(&n.Base, "default", n.DefaultRef, "sequence flow")
		}
	}
	if n.MessageRef != "" && (n.Kind == KindReceiveTask || n.Kind == KindSendTask) {
		n.Message = p.messageRef(&n.Base, n.MessageRef)
	}
	for _, ed := range n.EventDefinitions {
		p.resolveEventDefinition(ed)
	}
}

func (p *parser) resolveEventDefinition(ed *EventDefinition) {
	if ed.MessageRef != "" {
		ed.Message = p.messageRef(&ed.Base, ed.MessageRef)
	}
	if ed.ErrorRef != "" {
		if e, ok := p.doc.byID[ed.ErrorRef].(*Error); ok {
			ed.Error = e
		} else {
			p.unresolved(&ed.Base, "errorRef", ed.ErrorRef, "error")
		}
	}
	if ed.SignalRef != "" {
		if s, ok := p.doc.byID[ed.SignalRef].(*Signal); ok {
			ed.Signal = s
		} else {
			p.unresolved(&ed.Base, "signalRef", ed.SignalRef, "signal")
		}
	}
	if ed.EscalationRef != "" {
		if e, ok := p.doc.byID[ed.EscalationRef].(*Escalation); ok {
			ed.Escalation = e
		} else {
			p.unresolved(&ed.Base, "escalationRef", ed.EscalationRef, "escalation")
		}
	}
}

func (p *parser) messageRef(b *Base, id string) *Message {
	if m, ok := p.doc.byID[id].(*Message); ok {
		return m
	}
	p.unresolved(b, "messageRef", id, "message")
	return nil
}

func (p *parser) flowNodeRef(b *Base, attrName, id string) *FlowNode {
	if id == "" {
		p.problem(RuleUnresolvedReference, b, "sequence flow "+quote(b.ID)+" has no "+attrName)
		return nil
	}
	if n, ok := p.doc.byID[id].(*FlowNode); ok && n.Kind.IsFlowNode() {
		return n
	}
	p.unresolved(b, attrName, id, "flow node")
	return nil
}

func (p *parser) unresolved(b *Base, attrName, id, want string) {
	what := "no element"
	if v, ok := p.doc.byID[id]; ok {
		what = "a " + describe(v) + ", not a " + want
	}
	p.problem(RuleUnresolvedReference, b, attrName+" "+quote(id)+" of "+b.Type+" "+quote(b.ID)+" names "+what+withID(what)+foreignRefHint(b, id))
}

func withID(what string) string {
	if what == "no element" {
		return " with that id"
	}
	return ""
}

func describe(v any) string {
	switch e := v.(type) {
	case *FlowNode:
		return e.Kind.String()
	case *SequenceFlow:
		return "sequenceFlow"
	case *Process:
		return "process"
	case *Message:
		return "message"
	case *Participant:
		return "participant"
	case *Base:
		return e.Type
	}
	return "different element"
}
