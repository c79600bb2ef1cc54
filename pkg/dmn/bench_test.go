package dmn

import (
	"fmt"
	"testing"
)

// table50 is a 50-rule pricing table with three inputs: a customer tier
// (string), an order amount (number) and a flag (boolean), as business
// rule tasks typically have.
func table50(hitPolicy, aggregation string) table {
	tiers := []string{`"bronze"`, `"silver"`, `"gold"`, `"platinum"`, `"staff"`}
	t := table{hitPolicy: hitPolicy, aggregation: aggregation, inputs: []string{"tier", "amount", "express"}, outputs: []string{"fee"}}
	for i := range 50 {
		lo := (i / 5) * 100
		amount := fmt.Sprintf("[%d..%d)", lo, lo+100)
		express := []string{"true", "false", "-"}[i%3]
		t.rules = append(t.rules, []string{tiers[i%5], amount, express, fmt.Sprint(i + 1)})
	}
	return t
}

// BenchmarkDecisionTable50 evaluates a 50-rule table; the variables vary
// so that matches fall early, late and nowhere.
func BenchmarkDecisionTable50(b *testing.B) {
	vars := []map[string]any{
		{"tier": "silver", "amount": 50.0, "express": false},
		{"tier": "gold", "amount": 420.0, "express": true},
		{"tier": "staff", "amount": 999.0, "express": true},
		{"tier": "none", "amount": 10.0, "express": false},
	}
	for _, v := range []struct{ name, hitPolicy, aggregation string }{
		{"FIRST", "FIRST", ""},
		{"UNIQUE", "UNIQUE", ""},
		{"COLLECT_SUM", "COLLECT", "SUM"},
	} {
		b.Run(v.name, func(b *testing.B) {
			d := mustParseFile(b, "bench.dmn", table50(v.hitPolicy, v.aggregation).xml())
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := d.Evaluate("d", vars[i%len(vars)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evaluations/s")
		})
	}
}
