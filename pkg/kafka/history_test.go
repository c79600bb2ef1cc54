package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/wfctl/wfctl/pkg/broker"
)

func TestReadHistorySixPartitionsExactly(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders", "payments"), broker.WithPartitions(6))
	p := producer(t, b.Addr())
	fill(t, p, "orders", 6, 100, nil)
	fill(t, p, "payments", 6, 7, nil)
	cl := connect(t, b.Addr())

	got, snap := readAll(t, cl, History{Topics: []string{"orders"}})
	if len(got) != 6 {
		t.Fatalf("read %d partitions, want 6: %v", len(got), keys(got))
	}
	for part := range 6 {
		key := fmt.Sprintf("orders/%d", part)
		if !slices.Equal(got[key], offsets(0, 100)) {
			t.Errorf("%s: read offsets %v, want 0..99 in order", key, summarize(got[key]))
		}
	}
	if snap.Records() != 600 || len(snap.Partitions) != 6 {
		t.Errorf("snapshot: %d records over %d partitions, want 600 over 6", snap.Records(), len(snap.Partitions))
	}
	for _, pr := range snap.Partitions {
		if pr.Start != 0 || pr.End != 100 || pr.Delivered != 100 {
			t.Errorf("partition range %v delivered %d, want [0, 100) and 100", pr, pr.Delivered)
		}
	}
}

func TestReadHistoryStopsAtTheSnapshot(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(2))
	p := producer(t, b.Addr())
	fill(t, p, "orders", 2, 10, nil)
	cl := connect(t, b.Addr())

	// Records produced while the history is read are not history.
	n, produced := 0, false
	_, err := ReadHistory(testContext(t), cl, History{Topics: []string{"orders"}}, func(*kgo.Record) error {
		n++
		if !produced {
			produced = true
			fill(t, p, "orders", 2, 5, nil)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Errorf("read %d records, want the 20 of the snapshot", n)
	}
}

func TestReadHistoryByPattern(t *testing.T) {
	b := startBroker(t, broker.WithTopics("shop.orders", "shop.payments", "audit"), broker.WithPartitions(1))
	p := producer(t, b.Addr())
	for _, topic := range []string{"shop.orders", "shop.payments", "audit"} {
		fill(t, p, topic, 1, 3, nil)
	}
	got, _ := readAll(t, connect(t, b.Addr()), History{Pattern: regexp.MustCompile(`^shop\.`)})
	if want := []string{"shop.orders/0", "shop.payments/0"}; !slices.Equal(keys(got), want) {
		t.Errorf("read %v, want %v", keys(got), want)
	}

	_, err := ReadHistory(testContext(t), connect(t, b.Addr()), History{Pattern: regexp.MustCompile(`^nothing`)}, nil)
	if !errors.Is(err, ErrTopicNotFound) {
		t.Errorf("a pattern matching nothing: err = %v, want ErrTopicNotFound", err)
	}
}

func TestReadHistoryMissingTopic(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"))
	cl := connect(t, b.Addr())
	_, err := ReadHistory(testContext(t), cl, History{Topics: []string{"orders", "nope"}}, nil)
	var ie *InfraError
	if !errors.As(err, &ie) || !errors.Is(err, ErrTopicNotFound) {
		t.Fatalf("err = %v (%T), want an InfraError of kind ErrTopicNotFound", err, err)
	}
	if want := "topic nope does not exist on " + b.Addr(); err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestFromAndToByOffset(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(2))
	fill(t, producer(t, b.Addr()), "orders", 2, 50, nil)
	if err := b.Cluster().DeleteRecords("orders", 1, 20); err != nil { // partition 1 now starts at 20
		t.Fatal(err)
	}
	cl := connect(t, b.Addr())
	now := time.Now()
	for _, tc := range []struct {
		from, to string
		p0, p1   []int64
	}{
		{"beginning", "end", offsets(0, 50), offsets(20, 50)},
		{"10", "15", offsets(10, 15), nil}, // partition 1 starts past 15
		{"-5", "end", offsets(45, 50), offsets(45, 50)},
		{"beginning", "-45", offsets(0, 5), nil},
		{"45", "-2", offsets(45, 48), offsets(45, 48)},
		{"end", "end", nil, nil},
		{"70", "end", nil, nil}, // past the end: nothing, not an error
		{"-100", "22", offsets(0, 22), offsets(20, 22)},
	} {
		t.Run(tc.from+".."+tc.to, func(t *testing.T) {
			h := History{Topics: []string{"orders"}, From: mustPosition(t, tc.from, now), To: mustPosition(t, tc.to, now)}
			got, _ := readAll(t, cl, h)
			if !slices.Equal(got["orders/0"], tc.p0) || !slices.Equal(got["orders/1"], tc.p1) {
				t.Errorf("read p0 %v p1 %v, want p0 %v p1 %v", summarize(got["orders/0"]), summarize(got["orders/1"]), summarize(tc.p0), summarize(tc.p1))
			}
		})
	}
}

func TestFromAndToByTime(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(3))
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	minute := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
	fill(t, producer(t, b.Addr()), "orders", 3, 120, minute) // 12:00 to 13:59
	cl := connect(t, b.Addr())
	now := base.Add(3 * time.Hour) // 15:00: the injected clock for relative durations

	for _, tc := range []struct {
		from, to string
		want     []int64
	}{
		{"2026-05-01T12:30:00Z", "end", offsets(30, 120)},
		{"2026-05-01T12:29:30Z", "2026-05-01T12:40:00Z", offsets(30, 40)},
		{fmt.Sprintf("s@%d", minute(100).UnixMilli()), "end", offsets(100, 120)},
		{"beginning", fmt.Sprintf("e@%d", minute(3).UnixMilli()), offsets(0, 3)},
		{"-2h30m", "end", offsets(30, 120)}, // 15:00 - 2h30m = 12:30
		{"-2h", "-1h30m", offsets(60, 90)},  // 13:00 to 13:30
		{"-1h", "end", nil},                 // 14:00: nothing that late
		{"-1d", "2026-05-01T12:05:00Z", offsets(0, 5)},
		{"2026-05-01", "2026-05-01T12:01:00Z", offsets(0, 1)}, // a date is midnight UTC
	} {
		t.Run(tc.from+".."+tc.to, func(t *testing.T) {
			h := History{Topics: []string{"orders"}, From: mustPosition(t, tc.from, now), To: mustPosition(t, tc.to, now)}
			got, _ := readAll(t, cl, h)
			for part := range 3 {
				key := fmt.Sprintf("orders/%d", part)
				if !slices.Equal(got[key], tc.want) {
					t.Errorf("%s: read %v, want %v", key, summarize(got[key]), summarize(tc.want))
				}
			}
		})
	}
}

func TestFollowWithToIsAConfigError(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"))
	_, err := ReadHistory(testContext(t), connect(t, b.Addr()), History{Topics: []string{"orders"}, To: AtOffset(3), Follow: true}, nil)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
}

// A transaction's commit marker takes the partition's last offset but is
// never delivered: the read must still end.
func TestReadHistoryEndsOnCommitMarkers(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(3))
	txn := producer(t, b.Addr(), kgo.TransactionalID("orders-tx"))
	transact(t, txn, kgo.TryCommit, func() {
		fill(t, txn, "orders", 2, 5, nil) // partitions 0 and 1; partition 2 stays empty
	})
	transact(t, txn, kgo.TryCommit, func() {
		fill(t, txn, "orders", 1, 2, nil) // partition 0 again: its log ends on a second marker
	})

	got, snap := readAll(t, connect(t, b.Addr()), History{Topics: []string{"orders"}})
	if n := len(got["orders/0"]); n != 7 {
		t.Errorf("partition 0: %d records, want 7 (5 + 2)", n)
	}
	if n := len(got["orders/1"]); n != 5 {
		t.Errorf("partition 1: %d records, want 5", n)
	}
	if snap.Partitions[0].End != 9 {
		t.Errorf("partition 0 ends at %d, want 9 (7 records and 2 commit markers)", snap.Partitions[0].End)
	}
}

func TestAbortedTransactionsAreNotDelivered(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(1))
	fill(t, producer(t, b.Addr()), "orders", 1, 3, nil) // offsets 0..2, no transaction
	txn := producer(t, b.Addr(), kgo.TransactionalID("orders-tx"))
	transact(t, txn, kgo.TryAbort, func() { fill(t, txn, "orders", 1, 4, nil) })  // 3..6 aborted, marker 7
	transact(t, txn, kgo.TryCommit, func() { fill(t, txn, "orders", 1, 2, nil) }) // 8..9 committed, marker 10
	transact(t, txn, kgo.TryAbort, func() { fill(t, txn, "orders", 1, 1, nil) })  // 11 aborted, marker 12: the log ends aborted

	var values []string
	_, err := ReadHistory(testContext(t), connect(t, b.Addr()), History{Topics: []string{"orders"}}, func(r *kgo.Record) error {
		values = append(values, fmt.Sprintf("%d:%s", r.Offset, r.Value))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0:orders/0/0", "1:orders/0/1", "2:orders/0/2", "8:orders/0/0", "9:orders/0/1"}
	if !slices.Equal(values, want) {
		t.Errorf("read committed delivered %v, want %v", values, want)
	}

	// isolation.level=read_uncommitted delivers the aborted records too.
	got, _ := readAll(t, connect(t, b.Addr(), "isolation.level=read_uncommitted"), History{Topics: []string{"orders"}})
	if n := len(got["orders/0"]); n != 10 {
		t.Errorf("read uncommitted delivered %d records, want 10", n)
	}
}

func transact(t testing.TB, cl *kgo.Client, end kgo.TransactionEndTry, produce func()) {
	t.Helper()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	produce()
	if err := cl.EndTransaction(testContext(t), end); err != nil {
		t.Fatal(err)
	}
}

func TestOpenTransactionIsNotHistory(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(1))
	fill(t, producer(t, b.Addr()), "orders", 1, 2, nil)
	txn := producer(t, b.Addr(), kgo.TransactionalID("open-tx"))
	if err := txn.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	fill(t, txn, "orders", 1, 3, nil) // left open
	t.Cleanup(func() { txn.EndTransaction(context.Background(), kgo.TryAbort) })

	got, snap := readAll(t, connect(t, b.Addr()), History{Topics: []string{"orders"}})
	if !slices.Equal(got["orders/0"], offsets(0, 2)) || !snap.ReadCommitted {
		t.Errorf("read %v (read committed %v), want offsets 0 and 1: the open transaction is past the last stable offset", got["orders/0"], snap.ReadCommitted)
	}
}

func TestFollowSeesNewRecords(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(2))
	p := producer(t, b.Addr())
	fill(t, p, "orders", 2, 3, nil)
	cl := connect(t, b.Addr())

	ctx, cancel := context.WithCancel(testContext(t))
	seen := make(chan string, 100)
	done := make(chan error, 1)
	go func() {
		_, err := ReadHistory(ctx, cl, History{Topics: []string{"orders"}, From: FromEnd(1), Follow: true}, func(r *kgo.Record) error {
			seen <- string(r.Value)
			return nil
		})
		done <- err
	}()
	want := map[string]bool{"orders/0/2": true, "orders/1/2": true} // the last of each partition's history
	waitFor(t, seen, want)
	fill(t, p, "orders", 2, 2, nil) // written after the snapshot
	waitFor(t, seen, map[string]bool{"orders/0/0": true, "orders/0/1": true, "orders/1/0": true, "orders/1/1": true})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("a follow ended by its context returned %v, want nil", err)
	}
}

// waitFor reads values until it has seen every wanted one; any other value
// fails the test.
func waitFor(t testing.TB, seen <-chan string, want map[string]bool) {
	t.Helper()
	ctx := testContext(t)
	for len(want) > 0 {
		select {
		case v := <-seen:
			if !want[v] {
				t.Fatalf("unexpected record %s while waiting for %v", v, want)
			}
			delete(want, v)
		case <-ctx.Done():
			t.Fatalf("still waiting for %v", want)
		}
	}
}

type recordingHandler struct {
	offsets  []int64
	caughtUp int
	failAt   int64
}

func (h *recordingHandler) Record(r *kgo.Record) error {
	if r.Offset == h.failAt {
		return fmt.Errorf("engine failed at offset %d", r.Offset)
	}
	h.offsets = append(h.offsets, r.Offset)
	return nil
}

func (h *recordingHandler) CaughtUp() error {
	h.caughtUp++
	return nil
}

func TestReadPartitionsInParallel(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(6))
	fill(t, producer(t, b.Addr()), "orders", 5, 40, nil) // partition 5 stays empty
	cl := connect(t, b.Addr())

	handlers := map[int32]*recordingHandler{}
	snap, err := ReadPartitions(testContext(t), cl, History{Topics: []string{"orders"}}, func(p PartitionRange) PartitionHandler {
		h := &recordingHandler{failAt: -1}
		handlers[p.Partition] = h // open runs before any handler does
		return h
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(handlers) != 6 {
		t.Fatalf("opened %d handlers, want one per partition (6)", len(handlers))
	}
	for part, h := range handlers {
		want := offsets(0, 40)
		if part == 5 {
			want = nil
		}
		if !slices.Equal(h.offsets, want) || h.caughtUp != 1 {
			t.Errorf("partition %d: offsets %v, caught up %d times; want %v and once", part, summarize(h.offsets), h.caughtUp, summarize(want))
		}
	}
	if snap.Records() != 200 {
		t.Errorf("snapshot counts %d records, want 200", snap.Records())
	}
}

// followHandler reports each record and the catching up on one channel,
// so the test sees their order.
type followHandler struct {
	partition int32
	events    chan<- string
}

func (h followHandler) Record(r *kgo.Record) error {
	h.events <- string(r.Value)
	return nil
}

func (h followHandler) CaughtUp() error {
	h.events <- fmt.Sprintf("caught up %d", h.partition)
	return nil
}

func TestReadPartitionsFollow(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(2))
	p := producer(t, b.Addr())
	fill(t, p, "orders", 1, 2, nil) // partition 0 has history, partition 1 none
	cl := connect(t, b.Addr())

	ctx, cancel := context.WithCancel(testContext(t))
	events := make(chan string, 100)
	done := make(chan error, 1)
	go func() {
		_, err := ReadPartitions(ctx, cl, History{Topics: []string{"orders"}, Follow: true}, func(p PartitionRange) PartitionHandler {
			return followHandler{p.Partition, events}
		})
		done <- err
	}()
	// Partition 1's catching up may come before, between or after
	// partition 0's events; partition 0's own come in order.
	var partition0 []string
	for range 4 {
		if e := next(t, events); e != "caught up 1" {
			partition0 = append(partition0, e)
		}
	}
	if want := []string{"orders/0/0", "orders/0/1", "caught up 0"}; !slices.Equal(partition0, want) {
		t.Fatalf("partition 0: %q, want %q", partition0, want)
	}
	fill(t, p, "orders", 2, 1, nil)
	waitFor(t, events, map[string]bool{"orders/0/0": true, "orders/1/0": true})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("follow ended with %v, want nil", err)
	}
}

func next(t testing.TB, events <-chan string) string {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-testContext(t).Done():
		t.Fatal("no event before the deadline")
		return ""
	}
}

func TestReadPartitionsStopsOnHandlerError(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"), broker.WithPartitions(3))
	fill(t, producer(t, b.Addr()), "orders", 3, 40, nil)
	cl := connect(t, b.Addr())
	_, err := ReadPartitions(testContext(t), cl, History{Topics: []string{"orders"}}, func(p PartitionRange) PartitionHandler {
		h := &recordingHandler{failAt: -1}
		if p.Partition == 1 {
			h.failAt = 17
		}
		return h
	})
	if err == nil || !strings.Contains(err.Error(), "engine failed at offset 17") {
		t.Fatalf("err = %v, want the handler's error", err)
	}
}

func TestReadHistoryCallbackErrorStops(t *testing.T) {
	b := startBroker(t, broker.WithTopics("orders"))
	fill(t, producer(t, b.Addr()), "orders", 1, 10, nil)
	stop := errors.New("stop here")
	n := 0
	_, err := ReadHistory(testContext(t), connect(t, b.Addr()), History{Topics: []string{"orders"}}, func(*kgo.Record) error {
		n++
		if n == 4 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 4 {
		t.Errorf("err = %v after %d records, want the callback's error after 4", err, n)
	}
}

func mustPosition(t testing.TB, s string, now time.Time) Position {
	t.Helper()
	p, err := ParsePosition(s, now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func keys(m map[string][]int64) []string { return slices.Sorted(maps.Keys(m)) }

// summarize shortens a run of offsets for messages.
func summarize(o []int64) string {
	if len(o) <= 6 {
		return fmt.Sprint(o)
	}
	return fmt.Sprintf("[%d %d %d ... %d] (%d)", o[0], o[1], o[2], o[len(o)-1], len(o))
}
