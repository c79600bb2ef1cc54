package bpmn

import (
	"strings"

	"github.com/beevik/etree"
)

// Namespace URIs the model knows. Elements are matched by URI, never by
// prefix: real files use bpmn:, bpmn2:, semantic: or a default namespace.
const (
	nsBPMN   = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsBPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
	nsDC     = "http://www.omg.org/spec/DD/20100524/DC"
	nsDI     = "http://www.omg.org/spec/DD/20100524/DI"
	nsZeebe  = "http://camunda.org/schema/zeebe/1.0"
	nsXSI    = "http://www.w3.org/2001/XMLSchema-instance"
	nsXML    = "http://www.w3.org/XML/1998/namespace"
)

// xnode is an etree element with its namespace resolved and its source
// offset recovered, made in one pre-order pass over the document.
type xnode struct {
	el       *etree.Element
	ns       string
	local    string
	offset   int
	children []*xnode
}

// nsScope is a chain of namespace declarations, innermost first.
type nsScope struct {
	prefix, uri string
	next        *nsScope
}

func (s *nsScope) lookup(prefix string) (string, bool) {
	for ; s != nil; s = s.next {
		if s.prefix == prefix {
			return s.uri, true
		}
	}
	switch prefix {
	case "":
		return "", true
	case "xml":
		return nsXML, true
	}
	return "", false
}

// wellKnownPrefixes are the prefixes of the BPMN specification's own
// namespaces. bpmn-moddle, and so bpmnlint and the Camunda Modeler, read an
// undeclared bpmn:, bpmndi:, dc: or di: prefix as these namespaces, and real
// files rely on it; a strict XML reader such as Zeebe's rejects them, so the
// parser reads them and reports a problem.
var wellKnownPrefixes = map[string]string{"bpmn": nsBPMN, "bpmndi": nsBPMNDI, "dc": nsDC, "di": nsDI}

// indexer builds the xnode tree, pairing elements with start-tag offsets.
type indexer struct {
	offsets []int
	next    int
	// problems are namespace slips that can be read past.
	problems []Problem
	warned   map[string]bool
	lines    *lineIndex
	count    int
}

func (ix *indexer) build(el *etree.Element, scope *nsScope) *xnode {
	for _, a := range el.Attr {
		switch {
		case a.Space == "xmlns":
			scope = &nsScope{prefix: a.Key, uri: a.Value, next: scope}
		case a.Space == "" && a.Key == "xmlns":
			scope = &nsScope{prefix: "", uri: a.Value, next: scope}
		}
	}
	n := &xnode{el: el, local: el.Tag, offset: -1}
	if ix.next < len(ix.offsets) {
		n.offset = ix.offsets[ix.next]
	}
	ix.next++
	ix.count++
	uri, ok := scope.lookup(el.Space)
	if !ok {
		uri, ok = wellKnownPrefixes[el.Space]
		if ok && !ix.warned[el.Space] {
			ix.warned[el.Space] = true
			ix.problems = append(ix.problems, Problem{Rule: RuleUndeclaredPrefix, Pos: ix.lines.pos(max(n.offset, 0)), Element: attr(n, "id"),
				Message: "namespace prefix " + el.Space + " is not declared; read as " + uri + " (add xmlns:" + el.Space + "=\"" + uri + "\")"})
		}
	}
	if !ok {
		ix.undeclared(n, el.Space, "<"+el.Space+":"+el.Tag+">", "the element is not read")
	}
	n.ns = uri
	if uri == nsBPMN && n.local != "" && n.local[0] >= 'A' && n.local[0] <= 'Z' {
		ix.lowerCaseName(n)
	}
	for _, a := range el.Attr {
		if a.Space != "" && a.Space != "xmlns" {
			if _, ok := scope.lookup(a.Space); !ok {
				ix.undeclared(n, a.Space, "attribute "+a.Space+":"+a.Key, "the attribute is not read")
			}
		}
	}
	for _, t := range el.Child {
		if c, ok := t.(*etree.Element); ok {
			n.children = append(n.children, ix.build(c, scope))
		}
	}
	return n
}

// knownPrefixURIs suggest the declaration an undeclared prefix lacks.
var knownPrefixURIs = map[string]string{"zeebe": nsZeebe, "modeler": nsModeler, "xsi": nsXSI,
	"camunda": "http://camunda.org/schema/1.0/bpmn"}

// undeclared reports a namespace prefix used without a declaration, once
// per prefix, at its first use. A namespace-aware reader such as Zeebe's
// rejects the file; wfctl reads past it (the element or attribute
// belongs to no namespace it knows) so the other rules still run.
func (ix *indexer) undeclared(n *xnode, prefix, what, effect string) {
	if ix.warned[prefix] {
		return
	}
	ix.warned[prefix] = true
	uri := knownPrefixURIs[prefix]
	if uri == "" {
		uri = "..."
	}
	ix.problems = append(ix.problems, Problem{Rule: RuleUndeclaredPrefix, Pos: ix.lines.pos(max(n.offset, 0)), Element: attr(n, "id"),
		Message: "namespace prefix " + prefix + " of " + what + " is not declared, so " + effect + " (add xmlns:" + prefix + "=\"" + uri + "\" to <definitions>)"})
}

// childrenNamed returns the children of x with the given namespace and local name.
func (x *xnode) childrenNamed(ns, local string) []*xnode {
	var out []*xnode
	for _, c := range x.children {
		if c.ns == ns && c.local == local {
			out = append(out, c)
		}
	}
	return out
}

// child returns the first child of x with the given namespace and local name.
func (x *xnode) child(ns, local string) *xnode {
	for _, c := range x.children {
		if c.ns == ns && c.local == local {
			return c
		}
	}
	return nil
}

// lowerCaseName reads <bpmn:Task> as <bpmn:task>: bpmn-moddle accepts an
// element written with its type's name, and real files rely on it. The
// BPMN schema (and Zeebe) does not, so it is reported.
func (ix *indexer) lowerCaseName(n *xnode) {
	lower := string(n.local[0]+'a'-'A') + n.local[1:]
	if KindOf(lower) == KindUnknown && !capitalisable[lower] {
		return
	}
	ix.problems = append(ix.problems, Problem{Rule: RuleElementName, Pos: ix.lines.pos(max(n.offset, 0)), Element: attr(n, "id"),
		Message: "element <" + qname(n.el) + "> is read as <" + lower + ">: BPMN element names start in lower case (a strict reader such as Zeebe rejects the file)"})
	n.local = lower
}

// capitalisable are BPMN element names besides flow elements and event
// definitions that are read when written with a capital letter.
var capitalisable = map[string]bool{
	"process": true, "collaboration": true, "participant": true, "messageFlow": true,
	"laneSet": true, "lane": true, "message": true, "error": true, "signal": true, "escalation": true,
	"definitions": true, "conditionExpression": true, "incoming": true, "outgoing": true,
}

// attr returns the value of the unprefixed attribute name of x, or "".
func attr(x *xnode, name string) string {
	el := x.el
	for i := range el.Attr {
		if el.Attr[i].Key == name && el.Attr[i].Space == "" {
			return el.Attr[i].Value
		}
	}
	return ""
}

// hasAttr reports whether el has the unprefixed attribute name.
func hasAttr(x *xnode, name string) bool {
	el := x.el
	for i := range el.Attr {
		if el.Attr[i].Key == name && el.Attr[i].Space == "" {
			return true
		}
	}
	return false
}

// text returns the trimmed character data of el.
func text(x *xnode) string { return strings.TrimSpace(x.el.Text()) }

// qname returns the element's name as written.
func qname(el *etree.Element) string {
	if el.Space == "" {
		return el.Tag
	}
	return el.Space + ":" + el.Tag
}
