package trace

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"sort"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
)

const orderModel = "../../fixtures/orders/order-fulfillment.bpmn"

func orderTracer(t testing.TB) *Tracer {
	t.Helper()
	src, err := os.ReadFile(orderModel)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(Options{Models: []Model{{Path: orderModel, Src: src}}, AsOfLast: true})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// historyFile writes a generated history as kcat -J envelopes.
func historyFile(t testing.TB, o demo.Options) ([]byte, demo.Truth) {
	recs, truth := demo.Generate(o)
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	ew := kafka.NewEnvelopeWriter(w)
	offsets := map[int32]int64{}
	for _, r := range recs {
		kr := &kgo.Record{Topic: r.Topic, Partition: r.Partition, Offset: offsets[r.Partition], Timestamp: r.Time, Key: []byte(r.Key), Value: r.Value}
		offsets[r.Partition]++
		keys := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kr.Headers = append(kr.Headers, kgo.RecordHeader{Key: k, Value: []byte(r.Headers[k])})
		}
		if err := ew.Write(kafka.EnvelopeOf(kr)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes(), truth
}

func opener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func TestTraceGeneratedHistoryFromFile(t *testing.T) {
	o := demo.DefaultOptions()
	o.Orders = 20000
	file, truth := historyFile(t, o)
	rep, err := orderTracer(t).RunFile(opener(file), "history.ndjson", nil, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	checkTruth(t, rep, truth)
}
