package feel

import (
	"encoding/json"
	"testing"
	"time"
)

// TestStringRoundTrip checks that String gives FEEL source evaluating to
// the same value.
func TestStringRoundTrip(t *testing.T) {
	sources := []string{
		"null", "true", "-12.5", "0.3333333333333333333333333333333333", `"quote \" and \\ and\nnewline"`,
		`[1, "a", [true, null]]`, `{a: 1, "b c": {d: [2]}, "if": 3}`, `@"2024-02-29"`, `@"10:30:00.25+02:00"`,
		`@"2024-01-01T10:30:00@Europe/Paris"`, `@"2024-01-01T10:30:00Z"`, `@"2024-01-01T10:30:00"`, `@"-P1DT2H3M4.5S"`,
		`@"P1Y2M"`, `@"P0M"`, `@"PT0S"`, "[1..10)", `["a".."z"]`, "1 / 3 * 3",
	}
	for _, src := range sources {
		x, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		v, _ := x.Eval(nil)
		again, err := Parse(v.String())
		if err != nil {
			t.Fatalf("%s prints as %s, which does not parse: %v", src, v, err)
		}
		w, _ := again.Eval(nil)
		if !same(v, w) || w.String() != v.String() {
			t.Errorf("%s prints as %s, which evaluates to %s", src, v, w)
		}
	}
}

func TestStringForms(t *testing.T) {
	tests := map[string]string{
		`[1, "a", {x: 2}]`:                     `[1, "a", {x: 2}]`,
		`date("2024-01-01")`:                   `date("2024-01-01")`,
		`@"PT36H"`:                             `duration("P1DT12H")`,
		`@"P14M"`:                              `duration("P1Y2M")`,
		`{"a b": 1}`:                           `{"a b": 1}`,
		"1.50":                                 "1.5",
		"1.5 * 2":                              "3",
		`string([1, "a"])`:                     `"[1, \"a\"]"`,
		`string(@"2024-01-01T10:00:00+01:00")`: `"2024-01-01T10:00:00+01:00"`,
	}
	for src, want := range tests {
		if got := evalString(t, src, nil); got != want {
			t.Errorf("%s prints as %s, want %s", src, got, want)
		}
	}
}

func TestJSON(t *testing.T) {
	x, _ := Parse(`{n: 0.1 + 0.2, big: 10 ** 20, s: "x", l: [true, null], d: @"2024-01-31", dur: @"PT90M", dt: @"2024-01-31T10:00:00@Europe/Berlin", f: function(a) a}`)
	v, _ := x.Eval(nil)
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"big":100000000000000000000,"d":"2024-01-31","dt":"2024-01-31T10:00:00@Europe/Berlin","dur":"PT1H30M","f":null,"l":[true,null],"n":0.3,"s":"x"}`
	if string(got) != want {
		t.Errorf("JSON = %s\nwant   %s", got, want)
	}
	back, err := FromJSON(got)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := back.AsContext()
	if v, _ := n.Get("n"); v.String() != "0.3" {
		t.Errorf("FromJSON kept n as %s, want exact 0.3", v)
	}
}

func TestFromGo(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{"s", `"s"`},
		{3, "3"},
		{int64(-4), "-4"},
		{uint8(7), "7"},
		{float32(0.5), "0.5"},
		{json.Number("1.10"), "1.1"},
		{[]string{"a", "b"}, `["a", "b"]`},
		{map[string]int{"k": 1}, "{k: 1}"},
		{at, `date and time("2024-01-02T03:04:05Z")`},
		{90 * time.Minute, `duration("PT1H30M")`},
		{[]any{1.0, map[string]any{"x": true}}, "[1, {x: true}]"},
	}
	for _, tt := range tests {
		v, err := FromGo(tt.in)
		if err != nil || v.String() != tt.want {
			t.Errorf("FromGo(%#v) = %s, %v, want %s", tt.in, v, err, tt.want)
		}
	}
	if _, err := FromGo(struct{}{}); err == nil {
		t.Error("FromGo(struct{}{}) succeeded, want an error")
	}
}

func TestAccessors(t *testing.T) {
	v, _ := FromGo(map[string]any{"n": 2.5, "s": "x", "b": true, "l": []any{1.0}})
	c, ok := v.AsContext()
	if !ok {
		t.Fatal("not a context")
	}
	get := func(k string) Value { e, _ := c.Get(k); return e }
	if f, ok := get("n").AsFloat64(); !ok || f != 2.5 {
		t.Errorf("AsFloat64 = %v, %v", f, ok)
	}
	if s, ok := get("s").AsString(); !ok || s != "x" {
		t.Errorf("AsString = %v, %v", s, ok)
	}
	if b, ok := get("b").AsBool(); !ok || !b {
		t.Errorf("AsBool = %v, %v", b, ok)
	}
	if l, ok := get("l").AsList(); !ok || len(l) != 1 {
		t.Errorf("AsList = %v, %v", l, ok)
	}
	if _, ok := get("s").AsBool(); ok {
		t.Error("a string reads as a boolean")
	}
	if got := get("n").Kind().String(); got != "number" {
		t.Errorf("Kind = %s", got)
	}
	d := Duration(36 * time.Hour)
	if got, _ := d.AsDuration(); got != 36*time.Hour {
		t.Errorf("AsDuration = %v", got)
	}
	if m, _ := YearsMonths(14).AsMonths(); m != 14 {
		t.Errorf("AsMonths = %v", m)
	}
	if tm, ok := Date(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)).AsTime(); !ok || tm.Format(time.DateOnly) != "2024-05-06" {
		t.Errorf("AsTime = %v", tm)
	}
}

// TestMapNoCopy checks that Map reads through to the wrapped map.
func TestMapNoCopy(t *testing.T) {
	m := map[string]any{"a": 1.0}
	vars := Map(m)
	x, _ := Parse("a + 1")
	m["a"] = 41.0
	if v, _ := x.Eval(vars); v.String() != "42" {
		t.Errorf("a + 1 = %s, want 42", v)
	}
}
