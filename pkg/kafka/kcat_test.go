package kafka

import (
	"bytes"
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/wfctl/wfctl/pkg/broker"
)

// kcat runs Debian's kcat (apt-get install kcat) against the test broker;
// the tests that need it are skipped where it is not installed.
func kcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat is not installed (apt-get install kcat)")
	}
	cmd := exec.CommandContext(testContext(t), path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.String()
}

func TestKcatProducesReadHistoryReads(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(3))
	for part := range 3 {
		var lines []string
		for i := range 20 {
			lines = append(lines, fmt.Sprintf("o-%d-%d:{\"n\":%d}", part, i, i))
		}
		kcat(t, strings.Join(lines, "\n")+"\n", "-P", "-b", b.Addr(), "-t", "orders", "-p", fmt.Sprint(part), "-K:", "-H", "source=kcat")
	}

	got := map[int32][]string{}
	snap, err := ReadHistory(testContext(t), connect(t, b.Addr()), History{Topics: []string{"orders"}}, func(r *kgo.Record) error {
		if len(r.Headers) != 1 || r.Headers[0].Key != "source" || string(r.Headers[0].Value) != "kcat" {
			t.Errorf("record %d/%d headers %v", r.Partition, r.Offset, r.Headers)
		}
		got[r.Partition] = append(got[r.Partition], string(r.Key)+" "+string(r.Value))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Records() != 60 {
		t.Errorf("read %d records, want 60", snap.Records())
	}
	for part := range int32(3) {
		if len(got[part]) != 20 || got[part][7] != fmt.Sprintf(`o-%d-7 {"n":7}`, part) {
			t.Errorf("partition %d: %d records, 8th %q", part, len(got[part]), at2(got[part], 7))
		}
	}
}

func at2(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

func TestParseRealKcatJSONOutput(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(2))
	p := producer(t, b.Addr())
	recs := []*kgo.Record{
		{Topic: "orders", Partition: 0, Key: []byte("o-1"), Value: []byte(`{"type":"OrderPlaced","note":"<é>\n\"q\""}`),
			Headers: []kgo.RecordHeader{{Key: "type", Value: []byte("OrderPlaced")}, {Key: "trace", Value: []byte("t-1")}}},
		{Topic: "orders", Partition: 0, Value: []byte("no key")},
		{Topic: "orders", Partition: 1, Key: []byte("o-1")}, // a tombstone
		{Topic: "orders", Partition: 1, Key: []byte{}, Value: []byte{}},
	}
	if err := p.ProduceSync(testContext(t), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	out := kcat(t, "", "-C", "-b", b.Addr(), "-t", "orders", "-J", "-e", "-q")

	t.Logf("kcat -J:\n%s", out)
	fromKcat, bad := readEnvelopes(t, out)
	if len(bad) > 0 {
		t.Fatalf("kcat's output did not parse: %v\n%s", bad, out)
	}
	var fromKafka []*Envelope
	if _, err := ReadHistory(testContext(t), connect(t, b.Addr()), History{Topics: []string{"orders"}}, func(r *kgo.Record) error {
		fromKafka = append(fromKafka, EnvelopeOf(r))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	order := func(a, b *Envelope) int { return int(a.Partition-b.Partition)*1000 + int(a.Offset-b.Offset) }
	slices.SortFunc(fromKcat, order)
	slices.SortFunc(fromKafka, order)
	if len(fromKcat) != len(fromKafka) {
		t.Fatalf("kcat printed %d envelopes, ReadHistory read %d records", len(fromKcat), len(fromKafka))
	}
	for i := range fromKcat {
		k, want := *fromKcat[i], *fromKafka[i]
		want.Broker = k.Broker // kcat knows the broker it read from; a record does not
		if len(want.Headers) == 0 {
			want.Headers = nil
		}
		if !reflect.DeepEqual(k, want) {
			t.Errorf("envelope %d:\n kcat       %+v\n ReadHistory %+v", i, k, want)
		}
	}
}
