package trace

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
)

const orderModel = "../../fixtures/orders/order-fulfillment.bpmn"

// orderTracer traces with the order model, as of o.
func orderTracer(t testing.TB, parallel int, asOf time.Time) *Tracer {
	t.Helper()
	src, err := os.ReadFile(orderModel)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(Options{Models: []Model{{Path: orderModel, Src: src}}, AsOf: asOf, AsOfLast: asOf.IsZero(), Parallel: parallel})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// lineOrder is how a file's lines are laid out.
type lineOrder int

const (
	inTimeOrder     lineOrder = iota // as the generator made them
	partitionByPart                  // partition after partition, as a dump of each partition would be
	shuffled                         // any order at all
)

// kafkaRecord is a generated record as a producer would send it.
func kafkaRecord(r demo.Record) *kgo.Record {
	kr := &kgo.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Time, Key: []byte(r.Key), Value: r.Value}
	keys := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kr.Headers = append(kr.Headers, kgo.RecordHeader{Key: k, Value: []byte(r.Headers[k])})
	}
	return kr
}

// historyFile writes records as kcat -J envelopes, in the given order.
func historyFile(t testing.TB, recs []demo.Record, order lineOrder, seed uint64) []byte {
	recs = slices.Clone(recs)
	switch order {
	case partitionByPart:
		slices.SortStableFunc(recs, func(a, b demo.Record) int {
			if c := strings.Compare(b.Topic, a.Topic); c != 0 { // topics backwards, for good measure
				return c
			}
			return int(a.Partition - b.Partition)
		})
	case shuffled:
		rng := rand.New(rand.NewPCG(seed, 7))
		rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	ew := kafka.NewEnvelopeWriter(w)
	for _, r := range recs {
		if err := ew.Write(kafka.EnvelopeOf(kafkaRecord(r))); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func traceFile(t testing.TB, tr *Tracer, file []byte) *Report {
	t.Helper()
	rep, err := tr.RunFile(context.Background(), bytes.NewReader(file), int64(len(file)), "history.ndjson", FileOptions{}, nil, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkTruth asserts a report of a generated history exactly.
func checkTruth(t *testing.T, rep *Report, truth demo.Truth) {
	t.Helper()
	s := rep.Summary
	want := Summary{
		Records: int64(truth.Records), Instances: int64(truth.Orders),
		Completed: int64(truth.Completed + truth.StuckAtShipment + truth.StuckAtDelivery),
		InFlight:  int64(truth.InFlight + truth.StuckAtPayment),
		Stalled:   truth.StuckAtPayment, TimedOut: truth.StuckAtShipment + truth.StuckAtDelivery,
		Unfit: truth.DoublePayments + truth.UnknownOrders, NotModelled: int64(truth.NotModelled),
	}
	got := s
	got.AsOf, got.ReplaySeconds, got.RecordsPerSec = time.Time{}, 0, 0
	if got != want {
		t.Errorf("summary\n got %+v\nwant %+v", got, want)
	}
	if len(rep.Stalled) != s.Stalled || len(rep.TimedOut) != s.TimedOut || len(rep.Unfit) != s.Unfit {
		t.Errorf("lists do not match the counts: %d stalled, %d timed out, %d unfit", len(rep.Stalled), len(rep.TimedOut), len(rep.Unfit))
	}
	for _, in := range rep.Stalled {
		if in.ElementID != "AwaitPayment" || in.AgeSeconds < 24*3600 {
			t.Errorf("stalled instance %+v", in)
			break
		}
	}
	for _, in := range rep.TimedOut {
		if in.ElementID != "AwaitShipment" && in.ElementID != "AwaitDelivery" {
			t.Errorf("timed out at %s", in.ElementID)
		}
	}
}

// reportJSON is a report without its timing fields.
func reportJSON(t testing.TB, rep *Report) string {
	c := *rep
	c.Summary.ReplaySeconds, c.Summary.RecordsPerSec = 0, 0
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// layoutFree is a report without what names where records were: their
// topic, partition and offset, and the instance keys (positions in the
// merged order, which ties between topics may change).
func layoutFree(t testing.TB, rep *Report) string {
	c := *rep
	strip := func(l []Instance) []Instance {
		out := slices.Clone(l)
		for i := range out {
			out[i].InstanceKey, out[i].LastRecord = "", correlate.Location{}
		}
		return out
	}
	c.Stalled, c.TimedOut = strip(c.Stalled), strip(c.TimedOut)
	unfit := func(l []Unfit) []Unfit {
		out := slices.Clone(l)
		for i := range out {
			out[i].Location = correlate.Location{}
		}
		slices.SortFunc(out, func(a, b Unfit) int {
			return strings.Compare(a.CorrelationKey+a.MessageName+a.Reason, b.CorrelationKey+b.MessageName+b.Reason)
		})
		return out
	}
	c.Unfit, c.Skipped = unfit(c.Unfit), unfit(c.Skipped)
	return reportJSON(t, &c)
}

func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n  " + al[i] + "\n  " + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " and " + itoa(len(bl))
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
