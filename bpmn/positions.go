package bpmn

import (
	"bytes"

	"github.com/wfctl/wfctl/internal/xmlsrc"
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

// lineIndex maps byte offsets to positions.
type lineIndex struct{ lines *xmlsrc.Lines }

func newLineIndex(src []byte) *lineIndex { return &lineIndex{lines: xmlsrc.NewLines(src)} }

func (li *lineIndex) pos(offset int) Pos {
	line, col := li.lines.LineCol(offset)
	return Pos{Line: line, Column: col, Offset: offset}
}

// attrOffset finds attribute name (as written, with its prefix if any) in
// the start tag that begins at tagStart, and returns the offset of the
// attribute's value (just after the opening quote). It returns -1 when the
// attribute is not there.
func attrOffset(src []byte, tagStart int, name string) int {
	end := xmlsrc.SkipTag(src, tagStart+1)
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
		if !xmlsrc.IsSpace(tag[i-1]) || !bytes.HasPrefix(tag[i:], []byte(name)) {
			continue
		}
		k := i + len(name)
		for k < len(tag) && xmlsrc.IsSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || tag[k] != '=' {
			continue
		}
		k++
		for k < len(tag) && xmlsrc.IsSpace(tag[k]) {
			k++
		}
		if k < len(tag) && (tag[k] == '"' || tag[k] == '\'') {
			return tagStart + k + 1
		}
	}
	return -1
}
