package bpmn

import "github.com/beevik/etree"

// ZeebeCount returns how many zeebe:<local> elements the element's
// extensionElements hold. The typed model keeps one of each (the last);
// Zeebe rejects most of them when they are repeated, so the engine rules
// need the count.
func (b *Base) ZeebeCount(local string) int {
	if b == nil || b.XML == nil {
		return 0
	}
	n := 0
	for _, ext := range b.XML.ChildElements() {
		if ext.Tag != "extensionElements" || elementNS(ext) != nsBPMN {
			continue
		}
		for _, c := range ext.ChildElements() {
			if c.Tag == local && elementNS(c) == nsZeebe {
				n++
			}
		}
	}
	return n
}

// elementNS resolves an element's namespace as the parser does, reading
// an undeclared bpmn: prefix as BPMN.
func elementNS(el *etree.Element) string {
	if uri := el.NamespaceURI(); uri != "" || el.Space == "" {
		return uri
	}
	return wellKnownPrefixes[el.Space]
}
