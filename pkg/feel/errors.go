package feel

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError reports source text that is not valid FEEL.
type SyntaxError struct {
	// Offset is the byte offset of the problem in the source (0-based).
	Offset int
	// Line and Column locate the problem, both 1-based; Column counts
	// characters (runes), not bytes.
	Line, Column int
	// Msg says what is wrong and, where possible, what to write instead.
	Msg string
}

// Error returns "line L, column C: message".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

func syntaxErrorAt(src string, offset int, format string, args ...any) *SyntaxError {
	if offset > len(src) {
		offset = len(src)
	}
	before := src[:offset]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return &SyntaxError{Offset: offset, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}
