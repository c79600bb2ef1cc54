package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/wfctl/wfctl/internal/xmlsrc"
)

// MaxFileSize is the largest document Parse accepts by default: far above
// any real model (the largest in our corpus is under 1 MB), low enough that
// a stray log file is refused before it costs memory.
const MaxFileSize = 64 << 20

// maxDepth bounds XML nesting; real models nest a few dozen levels.
const maxDepth = 512

// Option configures Parse.
type Option func(*parseConfig)

type parseConfig struct{ maxSize int }

// WithMaxSize sets the largest document size in bytes Parse accepts.
func WithMaxSize(n int) Option { return func(c *parseConfig) { c.maxSize = n } }

// Parse reads a BPMN 2.0 document. path is used in messages only. It
// returns a *ParseError when src is not well-formed XML or not BPMN; any
// other defects are listed in Document.Problems.
func Parse(path string, src []byte, opts ...Option) (*Document, error) {
	cfg := parseConfig{maxSize: MaxFileSize}
	for _, o := range opts {
		o(&cfg)
	}
	if len(src) > cfg.maxSize {
		return nil, &ParseError{Path: path, Msg: fmt.Sprintf("file is %d bytes, more than the limit of %d bytes for a BPMN model", len(src), cfg.maxSize)}
	}
	lines := newLineIndex(src)
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, &ParseError{Path: path, Pos: lines.pos(0), Msg: "file is empty: expected a BPMN 2.0 document (<bpmn:definitions>)"}
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: maxDepth}
	if err := doc.ReadFromBytes(src); err != nil {
		return nil, xmlError(path, src, lines, err)
	}
	root := doc.Root()
	if root == nil {
		return nil, &ParseError{Path: path, Pos: lines.pos(0), Msg: "no root element: expected a BPMN 2.0 document (<bpmn:definitions>)"}
	}
	ix := &indexer{offsets: xmlsrc.StartTags(src), lines: lines, warned: map[string]bool{}}
	xroot := ix.build(root, nil)
	if ix.count != len(ix.offsets) {
		// The scan disagrees with etree; positions would be wrong, so take
		// them from encoding/xml instead (slower, never seen on real files).
		reindex(xroot, decoderOffsets(src))
	}
	if xroot.ns != nsBPMN || xroot.local != "definitions" {
		return nil, &ParseError{Path: path, Pos: lines.pos(max(xroot.offset, 0)), Msg: notBPMN(xroot)}
	}
	p := &parser{doc: &Document{Path: path, Src: src, lines: lines, byID: map[string]any{}, Elements: ix.count}}
	p.doc.Problems = ix.problems
	p.doc.Definitions = p.parseDefinitions(xroot)
	p.resolve()
	return p.doc, nil
}

func notBPMN(x *xnode) string {
	name := qname(x.el)
	if x.ns == "" {
		return fmt.Sprintf("not a BPMN 2.0 document: root element <%s> has no namespace; expected <definitions> in namespace %s", name, nsBPMN)
	}
	return fmt.Sprintf("not a BPMN 2.0 document: root element <%s> (namespace %s); expected <definitions> in namespace %s", name, x.ns, nsBPMN)
}

// xmlError turns an etree read error into a ParseError with a position.
// etree's errors carry no position (or only a line), so the document is
// decoded again with encoding/xml up to the error, whose decoder knows
// where it stopped.
func xmlError(path string, src []byte, lines *lineIndex, err error) *ParseError {
	if errors.Is(err, etree.ErrMaxDepth) {
		return &ParseError{Path: path, Msg: fmt.Sprintf("XML nesting deeper than %d levels", maxDepth)}
	}
	if line, col, offset, msg, ok := xmlsrc.Fault(src, lines.lines); ok {
		return &ParseError{Path: path, Pos: Pos{Line: line, Column: col, Offset: offset}, Msg: "malformed XML: " + msg}
	}
	return &ParseError{Path: path, Pos: lines.pos(len(src)), Msg: "malformed XML: " + strings.TrimPrefix(err.Error(), "etree: ")}
}

// decoderOffsets lists start-tag offsets with encoding/xml, the slow but
// sure way.
func decoderOffsets(src []byte) []int {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = false
	var out []int
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if err != nil {
			return out
		}
		if _, ok := tok.(xml.StartElement); ok {
			out = append(out, off)
		}
	}
}

func reindex(root *xnode, offsets []int) {
	i := 0
	var walk func(*xnode)
	walk = func(x *xnode) {
		x.offset = -1
		if i < len(offsets) {
			x.offset = offsets[i]
		}
		i++
		for _, c := range x.children {
			walk(c)
		}
	}
	walk(root)
}
