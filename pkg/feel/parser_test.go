package feel

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src          string
		line, column int
		message      string
	}{
		{"1 +", 1, 4, "expected an expression but found the end of the expression"},
		{"(1 + 2", 1, 7, `expected ")" to close the parenthesis`},
		{"[1, 2", 1, 6, `expected "]" to close the list`},
		{"{a 1}", 1, 2, "expected a context key followed by ':'"},
		{`"open`, 1, 1, "unterminated string"},
		{"if x then 1", 1, 12, "FEEL requires an else branch"},
		{"for x in [1] x", 1, 14, `expected "return"`},
		{"1 2", 1, 3, "unexpected number 2 after the end of the expression"},
		{"a\n  + * b", 2, 5, "expected an expression but found '*'"},
		{"x instance of foo", 1, 15, "expected a type name"},
		{"f(a: 1, 2)", 1, 9, "cannot mix positional and named parameters"},
		{"1 # 2", 1, 3, `unexpected character '#'`},
		{"/* never closed", 1, 1, "unterminated comment"},
		{"@1", 1, 2, "expected a string after '@'"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), 1, 129, "nested too deeply"},
		{"日本 +", 1, 5, "expected an expression"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Line != tt.line || se.Column != tt.column || !strings.Contains(se.Msg, tt.message) {
			t.Errorf("Parse(%q) = %d:%d %q, want %d:%d containing %q", tt.src, se.Line, se.Column, se.Msg, tt.line, tt.column, tt.message)
		}
	}
}

func TestSyntaxErrorString(t *testing.T) {
	_, err := Parse("a +")
	if got, want := err.Error(), "line 1, column 4: expected an expression but found the end of the expression"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseForms(t *testing.T) {
	tests := map[string]string{
		"date and time(\"2024-01-01T10:00:00\")": `date and time("2024-01-01T10:00:00")`,
		"{first name: \"Ada\"}.first name":       `"Ada"`,
		"[1..5[":                                 "[1..5)",
		"]1..5]":                                 "(1..5]",
		"x in (1..5]":                            "true",
		"-2 ** 2":                                "4",
		"2 ** 3 ** 2":                            "64",
		"1 + /* comment */ 2 // rest":            "3",
		`"tab\tquote\"unicode\u00e9\ud83d\ude00"`: `"tab\tquote\"unicodeé😀"`,
		`"\d+"`:                        `"\\d+"`,
		"function(a: number, b) a + b": "function(a, b)",
		"1 instance of Any":            "true",
	}
	for src, want := range tests {
		if got := evalString(t, src, Map{"x": 3.0}); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

func TestParseUnaryTestsErrors(t *testing.T) {
	for _, src := range []string{"", "< ", "[1..", "not(1", "1,"} {
		if _, err := ParseUnaryTests(src); err == nil {
			t.Errorf("ParseUnaryTests(%q) succeeded, want a syntax error", src)
		}
	}
}

func TestNames(t *testing.T) {
	tests := map[string][]string{
		"orderId":                                {"orderId"},
		"amount > 100 and customer.vip":          {"amount", "customer"},
		"items[price > limit].name":              {"items"},
		"for i in items return i.price * rate":   {"items", "rate"},
		"{a: 1, b: a + c}":                       {"c"},
		"function(x) x + y":                      {"y"},
		"some x in xs satisfies x > min":         {"min", "xs"},
		`upper case(name) + string(count(list))`: {"list", "name"},
		"x in (a, b)":                            {"a", "b", "x"},
		"for i in 1..n return partial":           {"n"},
	}
	for src, want := range tests {
		x, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := Names(x); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("Names(%q) = %v, want %v", src, got, want)
		}
	}
	u, _ := ParseUnaryTests("< limit, ? > floor")
	if got := u.Names(); strings.Join(got, ",") != "floor,limit" {
		t.Errorf("UnaryTests.Names = %v", got)
	}
}
