package feel

import (
	"strings"
	"testing"
	"time"
)

var testVars = Map{
	"orderId":  "order-42",
	"amount":   150.0,
	"nothing":  nil,
	"customer": map[string]any{"name": "Ada", "vip": true},
	"items":    []any{map[string]any{"name": "pen", "price": 2.5}, map[string]any{"name": "lamp", "price": 30.25}},
	"order id": 7.0,
}

func evalString(t *testing.T, src string, vars Context) string {
	t.Helper()
	x, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	v, _ := x.Eval(vars, WithClock(func() time.Time { return oracleClock }))
	return v.String()
}

// TestEvalFeelScala pins behaviour where wfctl follows feel-scala (Camunda
// 8's engine) and feelin, the oracle, differs or has no answer.
func TestEvalFeelScala(t *testing.T) {
	tests := []struct{ src, want string }{
		// decimal arithmetic (DECIMAL128)
		{"0.1 + 0.2", "0.3"},
		{"1.1 + 2.2", "3.3"},
		{"0.1 * 3", "0.3"},
		{"1 / 3", "0.3333333333333333333333333333333333"},
		{"2 / 3", "0.6666666666666666666666666666666667"},
		{"10 ** 30", "1000000000000000000000000000000"},
		{"2 ** -2", "0.25"},
		{"amount * 1.19", "178.5"},
		// Camunda extensions
		{`trim("  x ")`, `"x"`},
		{"is defined(nothing)", "false"},
		{"is defined(unknown)", "false"},
		{`get or else(nothing, "default")`, `"default"`},
		{`get or else(orderId, "default")`, `"order-42"`},
		{`string join(["a", "b"], ", ", "[", "]")`, `"[a, b]"`},
		{`extract("a1b22", "[0-9]+")`, `["1", "22"]`},
		{`is blank("  ")`, "true"},
		{`to base64("FEEL")`, `"RkVFTA=="`},
		{"partition([1, 2, 3], 2)", "[[1, 2], [3]]"},
		{"duplicate values([1, 2, 1, 3, 2])", "[1, 2]"},
		{"is empty([])", "true"},
		{`context put({a: {b: 1}}, ["a", "c"], 2)`, "{a: {b: 1, c: 2}}"},
		{`get value({a: {b: 1}}, ["a", "b"])`, "1"},
		{`last day of month(date("2024-02-10"))`, `date("2024-02-29")`},
		{`decimal(2.5, 0, "half_up")`, "3"},
		{"`order id` + 1", "8"},
		// type errors and three-valued logic as in feel-scala
		{`1 < "2"`, "null"},
		{`"a" < 1`, "null"},
		{"3 in [5..1]", "false"},
		{"every x in [1, null] satisfies x > 0", "null"},
		{`if "yes" then 1 else 2`, "2"},
		{`number("")`, "null"},
		{`min(["b", "a"])`, `"a"`},
		{`count("abc")`, "null"},
		{"5 in null", "false"},
		{"[1, 2][null]", "[]"},
		{`"x" in (1, 2)`, "null"},
		{`customer[vip]`, "null"},
		{`items[starts with(name, "l")].name`, `["lamp"]`},
		// durations and dates the java.time way
		{`@"PT1H" * 2`, `duration("PT2H")`},
		{`@"P1Y" * 2`, `duration("P2Y")`},
		{`@"P1D" / 2`, `duration("PT12H")`},
		{`@"P1Y" / @"P1M"`, "12"},
		{`@"PT1H" / @"PT30M"`, "2"},
		{`@"2024-01-01" + @"PT36H"`, `date("2024-01-02")`},
		{`-@"P1D"`, `duration("-P1D")`},
		{`abs(@"-PT5M")`, `duration("PT5M")`},
		{`years and months duration(date("2024-01-01"), date("2024-01-31"))`, `duration("P0M")`},
		{`date and time(date and time("2024-01-01T10:00:00Z"), "Europe/Berlin")`, `date and time("2024-01-01T11:00:00@Europe/Berlin")`},
		{`time(10, 30, 0, duration("PT2H"))`, `time("10:30:00+02:00")`},
		// ranges and range functions
		{"[1..10]", "[1..10]"},
		{"(1..10]", "(1..10]"},
		{"[1..10].start included", "true"},
		{"before(1, 10)", "true"},
		{"after([1..5], 0)", "true"},
		{"includes([1..10], [2..3])", "true"},
		{"during(5, [1..10])", "true"},
		{"overlaps([1..5], [4..8])", "true"},
		{"meets([1..5], [5..8])", "true"},
		// functions
		{"{fac: function(n) if n <= 1 then 1 else n * fac(n - 1), r: fac(5)}.r", "120"},
		{"(function(a, b) a * b)(3, 4)", "12"},
		{"sort([3, 1, 2])", "[1, 2, 3]"},
		{`list replace([1, 2, 3], 2, 9)`, "[1, 9, 3]"},
		{"list replace([1, 2, 3], function(item, newItem) item > 1, 0)", "[1, 0, 0]"},
		{"mode([1, 2, 2, 3, 3])", "[2, 3]"},
		{"stddev([2, 4, 4, 4, 5, 5, 7, 9])", "2.138089935299395"},
		{"[1, 2] instance of list<number>", "true"},
		{`upper case("straße")`, `"STRASSE"`},
	}
	for _, tt := range tests {
		if got := evalString(t, tt.src, testVars); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestEvalWarnings(t *testing.T) {
	tests := []struct {
		src     string
		kind    WarningKind
		message string
	}{
		{`"a" + 1`, InvalidType, `Can't add '1' to '"a"'`},
		{"unknown", NoVariableFound, "No variable found with name 'unknown'"},
		{"customer.phone", NoContextEntryFound, "No context entry found with key 'phone'. Available keys: 'name', 'vip'"},
		{"nothing.x", NoContextEntryFound, "The context is null"},
		{`@"P1D".year`, NoPropertyFound, "No property found with name 'year'"},
		{`1 = "1"`, NotComparable, `Can't compare '1' with '"1"'`},
		{"foo(1)", NoFunctionFound, "No function found with name 'foo' and 1 parameter"},
		{`upper case(1)`, FunctionInvocationFailure, "Failed to invoke function 'upper case': expected string but found '1'"},
		{"now()", FunctionInvocationFailure, "no clock configured"},
		{"for a in 1..2000, b in 1..2000 return 0", EvaluationLimitExceeded, "exceeded 1000000 steps"},
		{"{f: function(n) f(n), r: f(1)}.r", EvaluationLimitExceeded, "nested more than 200 deep"},
		{`@"2024-13-01"`, FunctionInvocationFailure, "Failed to parse temporal literal"},
	}
	for _, tt := range tests {
		x, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		v, warnings := x.Eval(testVars)
		if !v.IsNull() {
			t.Errorf("%s = %s, want null", tt.src, v)
		}
		if !hasWarning(warnings, tt.kind, tt.message) {
			t.Errorf("%s: warnings %v, want %s containing %q", tt.src, warnings, tt.kind, tt.message)
		}
	}
}

func hasWarning(warnings []Warning, kind WarningKind, message string) bool {
	for _, w := range warnings {
		if w.Kind == kind && strings.Contains(w.Message, message) {
			return true
		}
	}
	return false
}

func TestWarningOffset(t *testing.T) {
	x, _ := Parse(`1 + ("a" + 2)`)
	_, warnings := x.Eval(nil)
	if len(warnings) == 0 || warnings[0].Offset != 9 {
		t.Fatalf("warnings = %v, want one at offset 9 (the inner +)", warnings)
	}
}

func TestClock(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database")
	}
	at := time.Date(2024, 12, 31, 23, 30, 0, 0, berlin)
	clock := WithClock(func() time.Time { return at })
	for src, want := range map[string]string{
		"now()":              `date and time("2024-12-31T23:30:00@Europe/Berlin")`,
		"today()":            `date("2024-12-31")`,
		"today() + @\"P1D\"": `date("2025-01-01")`,
		"now().timezone":     `"Europe/Berlin"`,
	} {
		x, _ := Parse(src)
		if got, _ := x.Eval(nil, clock); got.String() != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

func TestUnaryTests(t *testing.T) {
	tests := []struct {
		src   string
		input Value
		vars  Context
		want  string
	}{
		{"< 10", Int(5), nil, "true"},
		{"[1..5]", Int(6), nil, "false"},
		{`"a", "b"`, String("b"), nil, "true"},
		{"-", Value{}, nil, "true"},
		{"not(1, 2)", Int(3), nil, "true"},
		{"< limit", Int(3), Map{"limit": 5.0}, "true"},
		{"? > 5", Int(6), nil, "true"},
		{"< 10", String("x"), nil, "null"},
		{"1 < 2", Bool(false), nil, "true"}, // feel-scala: a test that evaluates to true holds
		{"true", Bool(false), nil, "false"}, // ... but a boolean literal compares with the input
	}
	for _, tt := range tests {
		u, err := ParseUnaryTests(tt.src)
		if err != nil {
			t.Fatalf("ParseUnaryTests(%q): %v", tt.src, err)
		}
		if got, _ := u.Eval(tt.input, tt.vars); got.String() != tt.want {
			t.Errorf("%s with %s = %s, want %s", tt.src, tt.input, got, tt.want)
		}
	}
}

func TestEvalConcurrent(t *testing.T) {
	x, _ := Parse("amount > 100 and customer.vip = true")
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 1000 {
				v, _ := x.Eval(testVars)
				ok = ok && v.String() == "true"
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Fatal("concurrent evaluation gave a wrong result")
		}
	}
}

// TestBooleanLiteralUnaryTest follows feel-scala: the unary test "true"
// compares with the input, so false does not match it (a decision table's
// boolean column).
func TestBooleanLiteralUnaryTest(t *testing.T) {
	for _, tt := range []struct {
		tests string
		input Value
		want  string
	}{
		{"true", Bool(false), "false"},
		{"true", Bool(true), "true"},
		{"false", Bool(true), "false"},
		{"false", Bool(false), "true"},
		{"true, false", Bool(false), "true"},
		{"not(true)", Bool(false), "true"},
		{"true", Value{}, "false"},
	} {
		u, err := ParseUnaryTests(tt.tests)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := u.Eval(tt.input, nil); got.String() != tt.want {
			t.Errorf("%q against %s: %s, want %s", tt.tests, tt.input, got, tt.want)
		}
	}
}
