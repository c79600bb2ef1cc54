// Package xmlsrc finds positions in XML source that etree does not keep:
// the line and column of a byte offset, the offset of every start tag, the
// place where a malformed document goes wrong. Both model readers (bpmn
// for BPMN, pkg/dmn for DMN) pair etree's elements with these offsets, so
// that every problem they report has a file:line:col.
package xmlsrc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"
)

// Lines maps byte offsets to line and column numbers.
type Lines struct {
	starts []int // byte offset of the first byte of each line
}

// NewLines indexes the lines of src.
func NewLines(src []byte) *Lines {
	starts := make([]int, 1, 64+len(src)/40)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Lines{starts: starts}
}

// LineCol returns the 1-based line and column (in bytes) of offset.
func (l *Lines) LineCol(offset int) (line, col int) {
	line = sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset })
	return line, offset - l.starts[line-1] + 1
}

// StartTags returns the byte offset of the '<' of every start tag (and
// empty-element tag) in src, in document order.
//
// etree keeps no source positions, so the parser pairs etree's elements,
// visited in document order, with these offsets. The scan relies on etree
// having already accepted the document as well-formed: every '<' outside
// comments, CDATA sections, processing instructions and declarations then
// opens either an end tag or a start tag, and attribute values cannot hold
// a '<'. It is much cheaper than a second encoding/xml pass.
func StartTags(src []byte) []int {
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
			i = SkipTag(src, i+1)
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

// SkipTag skips to the end of a start tag, honouring quoted attribute
// values (which may contain '>').
func SkipTag(src []byte, i int) int {
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

// IsSpace reports whether c is XML white space.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Fault decodes src with encoding/xml, which (unlike etree) knows where
// it stopped, and returns where src first fails to be well-formed XML
// and why. For a tag left open or closed wrongly it points at the start
// of the token that failed, not where the decoder gave up (which may be
// the end of the file); inside a tag, at the fault itself. found is false
// when encoding/xml reads src to its end.
func Fault(src []byte, lines *Lines) (line, col, offset int, msg string, found bool) {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		start := int(d.InputOffset())
		_, err := d.Token()
		if err == nil {
			continue
		}
		if err == io.EOF {
			return 0, 0, 0, "", false
		}
		msg = err.Error()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			msg = se.Msg
		}
		if !strings.Contains(msg, "EOF") && !strings.Contains(msg, "end element") && !strings.Contains(msg, "closed by") {
			line, col = d.InputPos()
			return line, col, int(d.InputOffset()), msg, true
		}
		offset = skipSpace(src, start)
		line, col = lines.LineCol(offset)
		return line, col, offset, msg, true
	}
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && IsSpace(src[i]) {
		i++
	}
	return min(i, max(len(src)-1, 0))
}
