package ui

import "strings"

// Plural counts a thing in words: "1 incident", "0 incidents",
// "1,024 records". The plural is the word with s, es after s, x, ch or sh,
// and ies for a consonant and y; give it when it is none of those
// ("1 child", "2 children").
func Plural[N ~int | ~int32 | ~int64](n N, singular string, plural ...string) string {
	word := singular
	if n != 1 {
		if len(plural) > 0 {
			word = plural[0]
		} else {
			word = pluralOf(singular)
		}
	}
	return Thousands(int64(n)) + " " + word
}

func pluralOf(w string) string {
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	case len(w) > 1 && strings.HasSuffix(w, "y") && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

// OneLine escapes what would break an item of a one-line-per-item output
// (a record, a history entry, a table cell) over lines: a newline is \n,
// a carriage return \r, a backslash \\, a tab \t.
func OneLine(s string) string { return oneLineEscaper.Replace(s) }

var oneLineEscaper = strings.NewReplacer("\\", `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

// Indent puts prefix before every line of s but the first, for a message
// whose first line follows a label ("warning: ...") and whose others
// should read as part of it. A trailing newline is dropped.
func Indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
