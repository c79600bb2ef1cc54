package lint

import (
	"strings"
	"unicode"
)

// jsTrim trims as JavaScript's String.prototype.trim does, which bpmnlint
// uses for names: Unicode white space except U+0085, plus U+FEFF.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == '\uFEFF' || (r != '\u0085' && unicode.IsSpace(r))
	})
}
