package dmn

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/wfctl/wfctl/internal/xmlsrc"
)

// dmnNamespaces are the model namespaces Camunda reads: DMN 1.1 (and the
// misspelt URI some tools wrote), 1.2, 1.3 (Camunda Modeler's), 1.4 and 1.5.
var dmnNamespaces = map[string]bool{
	"http://www.omg.org/spec/DMN/20151101/dmn.xsd": true,
	"http://www.omg.org/DMN/20151101/dmn.xsd":      true,
	"http://www.omg.org/spec/DMN/20180521/MODEL/":  true,
	"https://www.omg.org/spec/DMN/20191111/MODEL/": true,
	"http://www.omg.org/spec/DMN/20191111/MODEL/":  true,
	"https://www.omg.org/spec/DMN/20211108/MODEL/": true,
	"https://www.omg.org/spec/DMN/20230324/MODEL/": true,
}

// node is an element of the document with its namespace resolved and its
// position recovered.
type node struct {
	el       *etree.Element
	dmn      bool // in one of the DMN namespaces
	local    string
	offset   int
	pos      Pos
	children []*node
}

func (n *node) attr(key string) string {
	for _, a := range n.el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value
		}
	}
	return ""
}

// child returns the first DMN child named local, or nil.
func (n *node) child(local string) *node {
	for _, c := range n.children {
		if c.dmn && c.local == local {
			return c
		}
	}
	return nil
}

// all returns the DMN children named local.
func (n *node) all(local string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.dmn && c.local == local {
			out = append(out, c)
		}
	}
	return out
}

// document is the source with its line index.
type document struct {
	path  string
	src   []byte
	lines *xmlsrc.Lines
}

func newDocument(path string, src []byte) *document {
	return &document{path: path, src: src, lines: xmlsrc.NewLines(src)}
}

func (d *document) pos(offset int) Pos {
	offset = max(0, min(offset, len(d.src)))
	line, col := d.lines.LineCol(offset)
	return Pos{Line: line, Column: col, Offset: offset}
}

// read parses the XML into nodes. etree keeps no positions, so each
// element, in document order, is paired with the offset of its start tag
// (xmlsrc.StartTags, as the BPMN reader does).
func (d *document) read() (*node, *Problem) {
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: MaxDepth}
	if err := doc.ReadFromBytes(d.src); err != nil {
		return nil, d.xmlError(err)
	}
	root := doc.Root()
	if root == nil {
		return nil, &Problem{Rule: RuleParse, Pos: d.pos(0), Msg: "no root element: expected a DMN document (<definitions>)"}
	}
	offsets := xmlsrc.StartTags(d.src)
	next := 0
	var build func(el *etree.Element) *node
	build = func(el *etree.Element) *node {
		n := &node{el: el, local: el.Tag, offset: -1}
		n.dmn = dmnNamespaces[el.NamespaceURI()]
		if next < len(offsets) {
			n.offset = offsets[next]
			n.pos = d.pos(n.offset)
		}
		next++
		for _, c := range el.ChildElements() {
			n.children = append(n.children, build(c))
		}
		return n
	}
	return build(root), nil
}

// xmlError turns etree's error (which has no position) into a problem
// with one, by decoding again with encoding/xml up to the fault.
func (d *document) xmlError(err error) *Problem {
	if errors.Is(err, etree.ErrMaxDepth) {
		return &Problem{Rule: RuleLimit, Pos: d.pos(0), Msg: fmt.Sprintf("XML nesting deeper than %d levels", MaxDepth)}
	}
	if line, col, offset, msg, ok := xmlsrc.Fault(d.src, d.lines); ok {
		return &Problem{Rule: RuleParse, Pos: Pos{Line: line, Column: col, Offset: offset}, Msg: "malformed XML: " + msg}
	}
	return &Problem{Rule: RuleParse, Pos: d.pos(len(d.src)), Msg: "malformed XML: " + strings.TrimPrefix(err.Error(), "etree: ")}
}

// textPos returns the position of byte offset (of the decoded text) in the
// content of the element whose start tag begins at tagStart: entity
// references and CDATA markers in the source are stepped over, so that a
// FEEL error points at the character in the file.
func (d *document) textPos(tagStart, offset int) Pos {
	if tagStart < 0 || tagStart >= len(d.src) {
		return Pos{}
	}
	i := xmlsrc.SkipTag(d.src, tagStart+1)
	for decoded := 0; i < len(d.src) && decoded < offset; {
		rest := d.src[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i += len("<![CDATA[")
		case bytes.HasPrefix(rest, []byte("]]>")):
			i += len("]]>")
		case rest[0] == '&':
			end := bytes.IndexByte(rest, ';')
			if end < 0 {
				return d.pos(i)
			}
			decoded += entityLen(string(rest[1:end]))
			i += end + 1
		default:
			_, size := utf8.DecodeRune(rest)
			decoded += size
			i += size
		}
	}
	return d.pos(i)
}

// entityLen is the length in bytes of an entity reference's replacement.
func entityLen(name string) int {
	var r rune
	switch {
	case strings.HasPrefix(name, "#x"):
		fmt.Sscanf(name[2:], "%x", &r)
	case strings.HasPrefix(name, "#"):
		fmt.Sscanf(name[1:], "%d", &r)
	default:
		return 1 // lt, gt, amp, quot, apos
	}
	if n := utf8.RuneLen(r); n > 0 {
		return n
	}
	return 1
}
