package trace

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/demo"
)

// randomLayout spreads the event types over one to three topics with one
// to five partitions each.
func randomLayout(rng *rand.Rand) *demo.Layout {
	topics := []string{"a", "b", "c"}[:rng.IntN(3)+1]
	l := &demo.Layout{Topics: map[string]string{}, Partitions: map[string]int{}}
	for _, typ := range []string{"OrderPlaced", "PaymentReceived", "GoodsShipped", "ShipmentInTransit", "OrderDelivered"} {
		l.Topics[typ] = topics[rng.IntN(len(topics))]
	}
	for _, t := range topics {
		l.Partitions[t] = rng.IntN(5) + 1
	}
	return l
}

// TestRandomLayouts is the property behind TestLayoutInvariance, on
// random histories: whatever the topic split, partition counts, line
// order and number of engines, a history has one report, and it is the
// generator's truth.
func TestRandomLayouts(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	for i := range rounds {
		rng := rand.New(rand.NewPCG(uint64(i), 99))
		o := demo.DefaultOptions()
		o.Seed = uint64(i + 100)
		o.Orders = 300 + rng.IntN(1500)
		o.Days = 3 + rng.IntN(20)
		o.AsOf = o.End.Add(time.Duration(rng.IntN(10*24)) * time.Hour)
		recs, truth := demo.Generate(o)
		ref := traceFile(t, orderTracer(t, 1, o.AsOf), historyFile(t, recs, inTimeOrder, 0))
		checkTruth(t, ref, truth)
		want := layoutFree(t, ref)
		for j := range 3 {
			o.Layout = randomLayout(rng)
			recs, _ := demo.Generate(o)
			order := lineOrder(rng.IntN(3))
			engines := rng.IntN(8) + 1
			name := fmt.Sprintf("round %d, %d orders, layout %v, line order %d, %d engines", i, o.Orders, o.Layout.Partitions, order, engines)
			base := traceFile(t, orderTracer(t, 1, o.AsOf), historyFile(t, recs, inTimeOrder, 0))
			rep := traceFile(t, orderTracer(t, engines, o.AsOf), historyFile(t, recs, order, uint64(j)))
			if a, b := reportJSON(t, base), reportJSON(t, rep); a != b {
				t.Errorf("%s: differs from the same layout in time order on one engine: %s", name, diff(a, b))
			}
			if got := layoutFree(t, rep); got != want {
				t.Errorf("%s: differs from one topic: %s", name, diff(want, got))
			}
		}
	}
}
