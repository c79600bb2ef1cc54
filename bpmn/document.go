package bpmn

import (
	"fmt"
	"sort"

	"github.com/wfctl/wfctl/internal/xmlsrc"
)

// Document is a parsed BPMN file: the typed model, the source it came
// from and the problems found while reading it.
type Document struct {
	// Path names the file in messages; it may be empty.
	Path        string
	Src         []byte
	Definitions *Definitions
	// Problems are defects found while building the model that do not stop
	// it from being built: duplicate ids and unresolved references.
	Problems []Problem
	// Elements counts the XML elements in the file.
	Elements int

	byID  map[string]any
	lines *lineIndex
}

// Problem is a defect in the document found by the parser.
type Problem struct {
	// Rule is a stable id: RuleDuplicateID, RuleUnresolvedReference,
	// RuleUndeclaredPrefix or RuleElementName.
	Rule    string
	Message string
	Element string
	Pos     Pos
}

// Rule ids of parser problems.
const (
	RuleDuplicateID         = "wfctl/duplicate-id"
	RuleUnresolvedReference = "wfctl/unresolved-reference"
	RuleUndeclaredPrefix    = "wfctl/undeclared-prefix"
	RuleElementName         = "wfctl/element-name"
)

// ParseError is a document that cannot be read as BPMN: malformed XML, a
// root element that is not bpmn:definitions, or a file too large.
type ParseError struct {
	Path string
	Pos  Pos
	Msg  string
}

func (e *ParseError) Error() string {
	switch {
	case e.Path != "" && e.Pos.IsValid():
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Pos.Line, e.Pos.Column, e.Msg)
	case e.Path != "":
		return e.Path + ": " + e.Msg
	case e.Pos.IsValid():
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return e.Msg
}

// ByID returns the element with the given id: a *Process, *FlowNode,
// *SequenceFlow, *Message, *Participant, ... or nil.
func (d *Document) ByID(id string) any { return d.byID[id] }

// PosAt converts a byte offset in Src to a position.
func (d *Document) PosAt(offset int) Pos { return d.lines.pos(offset) }

// AttrPos returns the position of the value of attribute name (as written,
// e.g. "correlationKey" or "xsi:type") on the element that starts at
// elem. It falls back to elem when the attribute is not found.
func (d *Document) AttrPos(elem Pos, name string) Pos {
	if !elem.IsValid() || elem.Offset >= len(d.Src) {
		return elem
	}
	off := attrOffset(d.Src, elem.Offset, name)
	if off < 0 {
		return elem
	}
	return d.lines.pos(off)
}

// AttrValuePos returns the position of byte off of the (decoded) value of
// attribute name on the element that starts at elem: entity references
// such as &gt; count as the one character they stand for.
func (d *Document) AttrValuePos(elem Pos, name string, off int) Pos {
	if !elem.IsValid() || elem.Offset >= len(d.Src) {
		return elem
	}
	start := attrOffset(d.Src, elem.Offset, name)
	if start < 0 {
		return elem
	}
	return d.lines.pos(rawOffset(d.Src, start, off))
}

// TextPos returns the position of byte off of the trimmed text content of
// the element that starts at elem.
func (d *Document) TextPos(elem Pos, off int) Pos {
	if !elem.IsValid() || elem.Offset >= len(d.Src) {
		return elem
	}
	i := xmlsrc.SkipTag(d.Src, elem.Offset+1)
	for i < len(d.Src) && xmlsrc.IsSpace(d.Src[i]) {
		i++
	}
	if rest := d.Src[i:]; len(rest) > 9 && string(rest[:9]) == "<![CDATA[" {
		i += 9
		for i < len(d.Src) && xmlsrc.IsSpace(d.Src[i]) {
			i++
		}
	}
	return d.lines.pos(rawOffset(d.Src, i, off))
}

// rawOffset walks src from start over off bytes of decoded text, counting
// an entity reference as the bytes it decodes to.
func rawOffset(src []byte, start, off int) int {
	i := start
	for decoded := 0; decoded < off && i < len(src); decoded++ {
		if src[i] != '&' {
			i++
			continue
		}
		end := i + 1
		for end < len(src) && end-i < 12 && src[end] != ';' {
			end++
		}
		if end < len(src) && src[end] == ';' {
			if n := entityLen(src[i+1 : end]); n > 1 {
				decoded += n - 1
			}
			i = end + 1
		} else {
			i++
		}
	}
	return min(i, max(len(src)-1, 0))
}

// entityLen is how many bytes an entity reference's name decodes to.
func entityLen(name []byte) int {
	if len(name) > 1 && name[0] == '#' {
		var r rune
		if name[1] == 'x' || name[1] == 'X' {
			fmt.Sscanf(string(name[2:]), "%x", &r)
		} else {
			fmt.Sscanf(string(name[1:]), "%d", &r)
		}
		return max(len(string(r)), 1)
	}
	return 1
}

// FlowNodes calls fn for every flow node and data element of every
// process, sub-processes included, in document order.
func (d *Definitions) FlowNodes(fn func(*FlowNode)) {
	for _, p := range d.Processes {
		p.Container.walk(fn)
	}
}

func (c *Container) walk(fn func(*FlowNode)) {
	for _, n := range c.FlowNodes {
		fn(n)
		if n.Sub != nil {
			n.Sub.walk(fn)
		}
	}
}

// Walk calls fn for every flow node in the container and in its
// sub-processes, in document order.
func (c *Container) Walk(fn func(*FlowNode)) { c.walk(fn) }

// SequenceFlowsDeep calls fn for every sequence flow of the container and
// its sub-processes.
func (c *Container) SequenceFlowsDeep(fn func(*SequenceFlow)) {
	for _, f := range c.SequenceFlows {
		fn(f)
	}
	for _, n := range c.FlowNodes {
		if n.Sub != nil {
			n.Sub.SequenceFlowsDeep(fn)
		}
	}
}

// IDs returns every id in the document, sorted.
func (d *Document) IDs() []string {
	ids := make([]string, 0, len(d.byID))
	for id := range d.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
