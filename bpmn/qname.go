package bpmn

import (
	"strings"

	"github.com/beevik/etree"
)

// ref reads reference attribute name of x (messageRef, sourceRef,
// default, ...) as an id: see localRef.
func (p *parser) ref(x *xnode, name string) string { return p.localRef(x, attr(x, name)) }

// localRef turns a reference written as a QName ("tns:Message_1") into the
// id it names when its prefix is bound to the document's targetNamespace,
// as Zeebe's model API (and the BPMN schema, where references are QNames)
// reads it. A reference without a prefix is returned as written, and so is
// one whose prefix names another namespace: it points into another
// document, and stays unresolved here.
func (p *parser) localRef(x *xnode, v string) string {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok || p.defs == nil || p.defs.TargetNamespace == "" {
		return v
	}
	if uri, ok := prefixURI(x.el, prefix); ok && uri == p.defs.TargetNamespace {
		return local
	}
	return v
}

// prefixURI looks up the namespace prefix is bound to at el.
func prefixURI(el *etree.Element, prefix string) (string, bool) {
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "xmlns" && a.Key == prefix {
				return a.Value, true
			}
		}
	}
	return "", false
}

// foreignRefHint explains why a prefixed reference did not resolve.
func foreignRefHint(b *Base, id string) string {
	prefix, _, ok := strings.Cut(id, ":")
	if !ok || b.XML == nil {
		return ""
	}
	uri, declared := prefixURI(b.XML, prefix)
	if !declared {
		return " (prefix " + prefix + " is not declared)"
	}
	return " (prefix " + prefix + " names namespace " + quote(uri) + ", not this document's targetNamespace)"
}
