package bpmn

import (
	"bytes"
	"sort"
)

// Pos is a position in a source file: 1-based line and column (the column
// counts bytes, as Go's compiler does) and the 0-based byte offset.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"-"`
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// lineIndex maps byte offsets to line and column numbers.
type lineIndex struct {
	starts []int // byte offset of the first byte of each line
}

func newLineIndex(src []byte) *lineIndex {
	starts := make([]int, 1, 64+len(src)/40)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &lineIndex{starts: starts}
}

func (li *lineIndex) pos(offset int) Pos {
	line := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > offset })
	return Pos{Line: line, Column: offset - li.starts[line-1] + 1, Offset: offset}
}

// startTags returns the byte offset of the '<' of every start tag (and
// empty-element tag) in src, in document order.
//
// etree keeps no source positions, so the parser pairs etree's elements,
// visited in document order, with these offsets. The scan relies on etree
// having already accepted the document as well-formed: every '<' outside
// comments, CDATA sections, processing instructions and declarations then
// opens either an end tag or a start tag, and attribute values cannot hold
// a '<'. It is much cheaper than a second encoding/xml pass.
func startTags(src []byte) []int {
	offsets := make([]int, 0, 16+len(src)/64)
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := src[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(src, i+4, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipPast(src, i+9, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(src, i+2, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			i = skipDeclaration(src, i+2)
		case bytes.HasPrefix(rest, []byte("</")):
			i += 2
		default:
			offsets = append(offsets, i)
			i = skipTag(src, i+1)
		}
	}
	return offsets
}

func skipPast(src []byte, from int, end string) int {
	k := bytes.Index(src[from:], []byte(end))
	if k < 0 {
		return len(src)
	}
	return from + k + len(end)
}

// skipDeclaration skips a <!DOCTYPE ...> or similar declaration, including
// an internal subset in square brackets.
func skipDeclaration(src []byte, i int) int {
	depth := 0
	var quote byte
	for ; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return i + 1
		}
	}
	return i
}

// skipTag skips to the end of a start tag, honouring quoted attribute
// values (which may contain '>').
func skipTag(src []byte, i int) int {
	var quote byte
	for ; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return i
}

// attrOffset finds attribute name (as written, with its prefix if any) in
// the start tag that begins at tagStart, and returns the offset of the
// attribute's value (just after the opening quote). It returns -1 when the
// attribute is not there.
func attrOffset(src []byte, tagStart int, name string) int {
	end := skipTag(src, tagStart+1)
	tag := src[tagStart:end]
	var quote byte
	for i := 1; i < len(tag); i++ {
		c := tag[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		if c == '"' || c == '\'' {
			quote = c
			continue
		}
		if !isSpace(tag[i-1]) || !bytes.HasPrefix(tag[i:], []byte(name)) {
			continue
		}
		k := i + len(name)
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || tag[k] != '=' {
			continue
		}
		k++
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k < len(tag) && (tag[k] == '"' || tag[k] == '\'') {
			return tagStart + k + 1
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
