package feel

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode/utf8"
)

func stringBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"substring":        {optional(2, fnSubstring, "string", "start position", "length")},
		"string length":    {fixed(stringFn(func(s string) Value { return Int(int64(utf8.RuneCountInString(s))) }), "string")},
		"upper case":       {fixed(stringFn(func(s string) Value { return String(upperCase(s)) }), "string")},
		"lower case":       {fixed(stringFn(func(s string) Value { return String(strings.ToLower(s)) }), "string")},
		"trim":             {fixed(stringFn(func(s string) Value { return String(strings.TrimFunc(s, isJavaSpace)) }), "string")},
		"is blank":         {fixed(stringFn(func(s string) Value { return Bool(strings.TrimSpace(s) == "") }), "string")},
		"to base64":        {fixed(stringFn(func(s string) Value { return String(base64.StdEncoding.EncodeToString([]byte(s))) }), "value")},
		"substring before": {fixed(stringPair(substringBefore), "string", "match")},
		"substring after":  {fixed(stringPair(substringAfter), "string", "match")},
		"contains":         {fixed(stringPair(func(s, m string) Value { return Bool(strings.Contains(s, m)) }), "string", "match")},
		"starts with":      {fixed(stringPair(func(s, m string) Value { return Bool(strings.HasPrefix(s, m)) }), "string", "match")},
		"ends with":        {fixed(stringPair(func(s, m string) Value { return Bool(strings.HasSuffix(s, m)) }), "string", "match")},
		"matches":          {optional(2, fnMatches, "input", "pattern", "flags")},
		"replace":          {optional(3, fnReplace, "input", "pattern", "replacement", "flags")},
		"split":            {fixed(fnSplit, "string", "delimiter")},
		"extract":          {fixed(fnExtract, "input", "pattern")},
		"string join":      {optional(1, fnStringJoin, "list", "delimiter", "prefix", "suffix")},
	}
}

// isJavaSpace matches what java.lang.String.trim removes.
func isJavaSpace(r rune) bool { return r <= ' ' }

func stringFn(f func(string) Value) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		s, ok := c.string(a[0])
		if !ok {
			return Value{}
		}
		return f(s)
	}
}

func stringPair(f func(s, m string) Value) func(*call, []Value) Value {
	return func(c *call, a []Value) Value {
		s, ok1 := c.string(a[0])
		m, ok2 := c.string(a[1])
		if !ok1 || !ok2 {
			return Value{}
		}
		return f(s, m)
	}
}

func substringBefore(s, m string) Value {
	if i := strings.Index(s, m); i > 0 {
		return String(s[:i])
	}
	return String("")
}

func substringAfter(s, m string) Value {
	if i := strings.Index(s, m); i >= 0 {
		return String(s[i+len(m):])
	}
	return String("")
}

// fnSubstring counts Unicode code points from 1; a negative start counts
// from the end. A start or length outside the string is an error, as in
// feel-scala.
func fnSubstring(c *call, a []Value) Value {
	s, ok := c.string(a[0])
	start, ok2 := c.int(a[1])
	if !ok || !ok2 {
		return Value{}
	}
	runes := []rune(s)
	from := start - 1
	if start <= 0 {
		from = len(runes) + start
	}
	if from < 0 || from > len(runes) {
		return c.fail("start position %d is outside the string", start)
	}
	to := len(runes)
	if length := arg(a, 2); length.kind != KindNull {
		n, ok := c.int(length)
		if !ok || n < 0 {
			return c.fail("length must be a non-negative number")
		}
		to = min(from+n, len(runes))
	}
	return String(string(runes[from:to]))
}

// compileRegexp compiles an XML Schema / Java style pattern with FEEL
// flags (s, m, i). Go's RE2 syntax lacks back-references and look-around;
// such patterns fail to compile and the call yields null.
func compileRegexp(c *call, pattern string, flags Value) (*regexp.Regexp, bool) {
	prefix := ""
	if f, ok := flags.AsString(); ok && f != "" {
		for _, r := range f {
			if !strings.ContainsRune("smi", r) {
				c.fail("unsupported regular expression flag '%c'", r)
				return nil, false
			}
		}
		prefix = "(?" + f + ")"
	}
	re, err := regexp.Compile(prefix + pattern)
	if err != nil {
		c.fail("invalid pattern '%s': %v", pattern, err)
		return nil, false
	}
	return re, true
}

func fnMatches(c *call, a []Value) Value {
	input, ok1 := c.string(a[0])
	pattern, ok2 := c.string(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	re, ok := compileRegexp(c, pattern, arg(a, 2))
	if !ok {
		return Value{}
	}
	return Bool(re.MatchString(input))
}

func fnReplace(c *call, a []Value) Value {
	input, ok1 := c.string(a[0])
	pattern, ok2 := c.string(a[1])
	repl, ok3 := c.string(a[2])
	if !ok1 || !ok2 || !ok3 {
		return Value{}
	}
	re, ok := compileRegexp(c, pattern, arg(a, 3))
	if !ok {
		return Value{}
	}
	return String(re.ReplaceAllString(input, goReplacement(repl)))
}

// goReplacement turns a Java replacement string ($1 for a group, \$ for a
// dollar) into Go's template syntax (${1}, $$).
func goReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(s[i])
			}
		case c == '$' && i+1 < len(s) && isDigit(s[i+1]):
			j := i + 1
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func fnSplit(c *call, a []Value) Value {
	s, ok1 := c.string(a[0])
	delim, ok2 := c.string(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	re, ok := compileRegexp(c, delim, Value{})
	if !ok {
		return Value{}
	}
	parts := re.Split(s, -1)
	items := make([]Value, len(parts))
	for i, p := range parts {
		items[i] = String(p)
	}
	return listValue(items)
}

func fnExtract(c *call, a []Value) Value {
	s, ok1 := c.string(a[0])
	pattern, ok2 := c.string(a[1])
	if !ok1 || !ok2 {
		return Value{}
	}
	re, ok := compileRegexp(c, pattern, Value{})
	if !ok {
		return Value{}
	}
	found := re.FindAllString(s, -1)
	items := make([]Value, len(found))
	for i, f := range found {
		items[i] = String(f)
	}
	return listValue(items)
}

// fnStringJoin joins strings, skipping nulls.
func fnStringJoin(c *call, a []Value) Value {
	items, ok := c.list(a[0])
	if !ok {
		return Value{}
	}
	var parts []string
	for _, item := range items {
		if item.kind == KindNull {
			continue
		}
		s, ok := item.AsString()
		if !ok {
			return c.typeError("a list of strings", a[0])
		}
		parts = append(parts, s)
	}
	opt := func(i int) string {
		s, _ := arg(a, i).AsString()
		return s
	}
	return String(opt(2) + strings.Join(parts, opt(1)) + opt(3))
}

// upperCase maps like java.lang.String.toUpperCase, including the one
// full case mapping that commonly matters: ß becomes SS.
func upperCase(s string) string {
	return strings.ReplaceAll(strings.ToUpper(s), "ß", "SS")
}
