package feel

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokName
	tokQuotedName // `a name with spaces`
	tokNumber
	tokString
	tokOp // punctuation and operators; text holds the symbol
)

type token struct {
	kind tokKind
	text string // raw text; for strings the decoded value
	pos  int    // byte offset of the first byte
	end  int    // byte offset after the last byte
}

var keywords = map[string]bool{
	"true": true, "false": true, "null": true, "and": true, "or": true,
	"if": true, "then": true, "else": true, "for": true, "in": true,
	"return": true, "some": true, "every": true, "satisfies": true,
	"between": true, "instance": true, "of": true, "function": true,
}

func isKeyword(s string) bool { return keywords[s] }

// symbols lists operators, longest first so that "**" wins over "*".
var symbols = []string{"**", "..", "<=", ">=", "!=", "+", "-", "*", "/", "=", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", "@", "?"}

type lexer struct {
	src  string
	pos  int
	toks []token
}

// lex splits src into tokens. Comments (// and /* */) and white space are
// skipped.
func lex(src string) ([]token, error) {
	l := &lexer{src: src}
	for {
		if err := l.skipSpace(); err != nil {
			return nil, err
		}
		if l.pos >= len(src) {
			l.toks = append(l.toks, token{kind: tokEOF, pos: l.pos, end: l.pos})
			return l.toks, nil
		}
		if err := l.next(); err != nil {
			return nil, err
		}
	}
}

func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		switch {
		case unicode.IsSpace(r):
			l.pos += size
		case strings.HasPrefix(l.src[l.pos:], "//"):
			end := strings.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				end = len(l.src) - l.pos
			}
			l.pos += end
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return syntaxErrorAt(l.src, l.pos, "unterminated comment: add */")
			}
			l.pos += end + 4
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) next() error {
	c := l.src[l.pos]
	switch {
	case c == '"':
		return l.lexString()
	case c == '`':
		return l.lexQuotedName()
	case c >= '0' && c <= '9', c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
		l.lexNumber()
		return nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	if isNameStart(r) && r != '?' {
		l.lexName()
		return nil
	}
	for _, sym := range symbols {
		if strings.HasPrefix(l.src[l.pos:], sym) {
			l.emit(tokOp, sym, l.pos+len(sym))
			return nil
		}
	}
	return syntaxErrorAt(l.src, l.pos, "unexpected character %q", r)
}

func (l *lexer) emit(kind tokKind, text string, end int) {
	l.toks = append(l.toks, token{kind: kind, text: text, pos: l.pos, end: end})
	l.pos = end
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) lexNumber() {
	end := l.pos
	for end < len(l.src) && isDigit(l.src[end]) {
		end++
	}
	// a fraction needs a digit after the dot: "1..2" is a range
	if end+1 < len(l.src) && l.src[end] == '.' && isDigit(l.src[end+1]) {
		end++
		for end < len(l.src) && isDigit(l.src[end]) {
			end++
		}
	}
	l.emit(tokNumber, l.src[l.pos:end], end)
}

func (l *lexer) lexName() {
	end := l.pos
	for end < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[end:])
		if !isNamePart(r) || r == '?' {
			break
		}
		end += size
	}
	l.emit(tokName, l.src[l.pos:end], end)
}

func (l *lexer) lexQuotedName() error {
	end := strings.IndexByte(l.src[l.pos+1:], '`')
	if end < 0 {
		return syntaxErrorAt(l.src, l.pos, "unterminated name: add a closing `")
	}
	l.emit(tokQuotedName, l.src[l.pos+1:l.pos+1+end], l.pos+end+2)
	return nil
}

func (l *lexer) lexString() error {
	var b strings.Builder
	i := l.pos + 1
	for i < len(l.src) {
		c := l.src[i]
		switch {
		case c == '"':
			l.emit(tokString, b.String(), i+1)
			return nil
		case c == '\\' && i+1 < len(l.src):
			i += unescape(&b, l.src[i:])
		default:
			b.WriteByte(c)
			i++
		}
	}
	return syntaxErrorAt(l.src, l.pos, "unterminated string: add a closing \"")
}

// unescape decodes one escape sequence at the start of s (which begins with
// a backslash) and returns its length. Unknown escapes such as \d are kept
// as written, since they usually belong to a regular expression.
func unescape(b *strings.Builder, s string) int {
	switch s[1] {
	case '"', '\\', '\'':
		b.WriteByte(s[1])
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		return unescapeUnicode(b, s)
	default:
		b.WriteString(s[:2])
	}
	return 2
}

// unescapeUnicode decodes \uXXXX, joining UTF-16 surrogate pairs.
func unescapeUnicode(b *strings.Builder, s string) int {
	r, ok := hex4(s[2:])
	if !ok {
		b.WriteString(s[:2])
		return 2
	}
	if r >= 0xD800 && r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
		if lo, ok := hex4(s[8:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			b.WriteRune((r-0xD800)<<10 + (lo - 0xDC00) + 0x10000)
			return 12
		}
	}
	b.WriteRune(r)
	return 6
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			r = r*16 + rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r*16 + rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r*16 + rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// isNameStart follows DMN's NameStartChar, which includes "?".
func isNameStart(r rune) bool {
	return r == '?' || r == '_' || r == '$' || unicode.IsLetter(r) ||
		(r >= 0x2070 && r <= 0x218F) || (r >= 0x2C00 && r <= 0x2FEF) ||
		(r >= 0x3001 && r <= 0xD7FF) || (r >= 0xF900 && r <= 0xFDCF) ||
		(r >= 0xFDF0 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0xEFFFF)
}

// isNamePart follows DMN's NamePartChar.
func isNamePart(r rune) bool {
	return isNameStart(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) ||
		(r >= 0x203F && r <= 0x2040) || r == 0xB7
}
