package trace

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/demo"
)

// TestTimePerStep: the time per step of a history whose waits are known.
// Order i (of 40) is paid i minutes after it was placed, shipped 10 hours
// after payment and delivered a day after that; two of the paid orders
// are never shipped (in flight). The counts and the maximum are exact,
// the quantiles within the sketch's 1% of the exact ones (the rank
// q(n-1), rounded down: p99 of 40 is the 39th), the flows counted, and a
// threshold suggested from p99 for every wait with 20 or more samples.
func TestTimePerStep(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []demo.Record
	add := func(at time.Time, typ, key string) {
		v, _ := json.Marshal(map[string]string{"type": typ, "orderId": key})
		recs = append(recs, demo.Record{Topic: "orders", Time: at, Key: key, Value: v, Offset: int64(len(recs))})
	}
	const n = 40
	for i := 1; i <= n; i++ {
		key := fmt.Sprintf("o-%02d", i)
		placed := t0.Add(time.Duration(i) * time.Second)
		paid := placed.Add(time.Duration(i) * time.Minute)
		add(placed, "OrderPlaced", key)
		add(paid, "PaymentReceived", key)
		if i > 2 {
			add(paid.Add(10*time.Hour), "GoodsShipped", key)
			add(paid.Add(34*time.Hour), "OrderDelivered", key)
		}
	}
	sortByTime(recs)
	rep := traceFile(t, orderTracer(t, 3, t0.Add(40*time.Hour)), historyFile(t, recs, inTimeOrder, 0))
	byID := map[string]ElementTiming{}
	for _, el := range rep.Elements {
		byID[el.ElementID] = el
	}
	pay := byID["AwaitPayment"]
	if pay.Completed != n || pay.Duration == nil || pay.Duration.Max != 40*60 || !near(pay.Duration.P50, 20*60) || !near(pay.Duration.P99, 39*60) {
		t.Errorf("AwaitPayment: %+v %+v", pay, pay.Duration)
	}
	if pay.SuggestedStallAfter != "40m" {
		t.Errorf("AwaitPayment's suggestion %q, want 40m (p99 40m)", pay.SuggestedStallAfter)
	}
	ship := byID["AwaitShipment"]
	if ship.Completed != n-2 || ship.Duration.Max != 10*3600 || ship.Duration.P50 != ship.Duration.Max && !near(ship.Duration.P50, 10*3600) || ship.SuggestedStallAfter != "10h" {
		t.Errorf("AwaitShipment: %+v %+v", ship, ship.Duration)
	}
	proc := byID["order-fulfillment"]
	if proc.ElementType != "process" || proc.Completed != n-2 || proc.Duration.Max != float64(40*60+34*3600) {
		t.Errorf("process: %+v %+v", proc, proc.Duration)
	}
	if st := byID["ShipmentLate"]; st.Completed != 0 || st.Duration != nil {
		t.Errorf("a boundary no instance took: %+v", st)
	}
	flows := map[string]int64{}
	for _, f := range rep.Flows {
		flows[f.FlowID] = f.Taken
	}
	if flows["Flow_placed"] != n || flows["Flow_paid"] != n || flows["Flow_shipped"] != n-2 || flows["Flow_late"] != 0 {
		t.Errorf("flows %v", flows)
	}
	// Same answer with one engine.
	one := traceFile(t, orderTracer(t, 1, t0.Add(40*time.Hour)), historyFile(t, recs, partitionByPart, 0))
	if a, b := reportJSON(t, rep), reportJSON(t, one); a != b {
		t.Errorf("one engine differs: %s", diff(a, b))
	}
}

func near(got, want float64) bool { return math.Abs(got-want) <= want*0.011 }

func sortByTime(recs []demo.Record) {
	for i := 1; i < len(recs); i++ {
		for j := i; j > 0 && recs[j].Time.Before(recs[j-1].Time); j-- {
			recs[j], recs[j-1] = recs[j-1], recs[j]
		}
	}
	for i := range recs {
		recs[i].Offset = int64(i)
	}
}

func TestNiceCeil(t *testing.T) {
	for _, c := range []struct {
		in   time.Duration
		want string
	}{
		{90 * time.Second, "2m"}, {40 * time.Minute, "40m"}, {47*time.Minute + 1, "48m"}, {48 * time.Minute, "1h"},
		{85 * time.Minute, "2h"}, {47 * time.Hour, "1d23h"}, {39*time.Hour + 30*time.Minute, "1d16h"},
		{49 * time.Hour, "3d"}, {0, "1m"},
	} {
		if got := formatThreshold(niceCeil(c.in)); got != c.want {
			t.Errorf("niceCeil(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}
