package feel

import (
	"encoding/json"
	"testing"
)

// benchVars is a Kafka-record-like payload, decoded the way the engine
// decodes variables (numbers as float64).
func benchVars(b *testing.B) Map {
	b.Helper()
	var vars map[string]any
	payload := `{"orderId": "order-4711", "amount": 250.75, "currency": "EUR",
		"customer": {"name": "Ada", "vip": true, "tier": 3},
		"items": [{"sku": "A-1", "price": 12.5}, {"sku": "B-2", "price": 99}]}`
	if err := json.Unmarshal([]byte(payload), &vars); err != nil {
		b.Fatal(err)
	}
	return Map(vars)
}

func benchEval(b *testing.B, src string, want Value) {
	x, err := Parse(src) // once per model, never per evaluation
	if err != nil {
		b.Fatal(err)
	}
	vars := benchVars(b)
	if got, w := x.Eval(vars); !same(got, want) || len(w) > 0 {
		b.Fatalf("%s = %s %v, want %s", src, got, w, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		x.Eval(vars)
	}
}

// BenchmarkEvalCondition is a sequence-flow condition against a map
// context (target: <= 300 ns/op, <= 2 allocs/op).
func BenchmarkEvalCondition(b *testing.B) {
	benchEval(b, "amount > 100 and customer.vip = true", Bool(true))
}

// BenchmarkEvalCorrelationKey is a message correlation key, evaluated for
// every record the trace command reads (target: <= 50 ns/op).
func BenchmarkEvalCorrelationKey(b *testing.B) {
	benchEval(b, "orderId", String("order-4711"))
}

// BenchmarkEvalArithmetic converts JSON numbers to decimals and computes.
func BenchmarkEvalArithmetic(b *testing.B) {
	benchEval(b, "amount * 1.19 > 200", Bool(true))
}

// BenchmarkEvalFilter filters and projects a list.
func BenchmarkEvalFilter(b *testing.B) {
	benchEval(b, `items[price > 50].sku`, List(String("B-2")))
}

// BenchmarkParse shows what parsing costs, paid once per model.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("amount > 100 and customer.vip = true"); err != nil {
			b.Fatal(err)
		}
	}
}
