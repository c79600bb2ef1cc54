package feel_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/wfctl/wfctl/pkg/feel"
)

func Example() {
	// Parse once per model...
	cond, err := feel.Parse(`amount > 100 and customer.vip`)
	if err != nil {
		panic(err)
	}
	// ...evaluate for every record, against the variables as decoded JSON.
	var vars map[string]any
	_ = json.Unmarshal([]byte(`{"amount": 250, "customer": {"vip": true}}`), &vars)
	v, warnings := cond.Eval(feel.Map(vars))
	fmt.Println(v, len(warnings))
	// Output: true 0
}

func ExampleExpr_Eval_warnings() {
	x, _ := feel.Parse(`"order-" + orderNumber`)
	v, warnings := x.Eval(feel.Map{"orderNumber": 42.0})
	fmt.Println(v)
	for _, w := range warnings {
		fmt.Println(w.Kind, w.Message)
	}
	// Output:
	// null
	// INVALID_TYPE Can't add '42' to '"order-"'
}

func ExampleWithClock() {
	x, _ := feel.Parse(`today() + duration("P" + string(days) + "D")`)
	clock := feel.WithClock(func() time.Time { return time.Date(2024, 5, 15, 9, 0, 0, 0, time.UTC) })
	v, _ := x.Eval(feel.Map{"days": 3.0}, clock)
	fmt.Println(v)
	// Output: date("2024-05-18")
}

func ExampleParse_syntaxError() {
	_, err := feel.Parse("if x > 1 then \"a\"")
	fmt.Println(err)
	// Output: line 1, column 18: expected "else" after the then branch (FEEL requires an else branch) but found the end of the expression
}

func ExampleParseUnaryTests() {
	tests, _ := feel.ParseUnaryTests(`[1..5], > 10`)
	for _, n := range []int64{3, 7, 12} {
		v, _ := tests.Eval(feel.Int(n), nil)
		fmt.Println(n, v)
	}
	// Output:
	// 3 true
	// 7 false
	// 12 true
}

func ExampleNames() {
	x, _ := feel.Parse(`for i in items[price > min] return i.sku + suffix`)
	fmt.Println(feel.Names(x))
	// Output: [items suffix]
}

func ExampleToJSON() {
	x, _ := feel.Parse(`{total: 0.1 + 0.2, due: @"2024-05-15" + @"P30D"}`)
	v, _ := x.Eval(nil)
	b, _ := feel.ToJSON(v)
	fmt.Println(string(b))
	// Output: {"due":"2024-06-14","total":0.3}
}
