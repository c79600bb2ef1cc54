package broker

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

const anyPort = "127.0.0.1:0"

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startBroker(t testing.TB, opts ...Option) *Broker {
	t.Helper()
	b, err := Start(testContext(t), append([]Option{WithListenAddr(anyPort)}, opts...)...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func newClient(t testing.TB, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addr)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func produce(t testing.TB, cl *kgo.Client, topic string, values ...string) {
	t.Helper()
	var recs []*kgo.Record
	for _, v := range values {
		recs = append(recs, &kgo.Record{Topic: topic, Value: []byte(v)})
	}
	if err := cl.ProduceSync(testContext(t), recs...).FirstErr(); err != nil {
		t.Fatalf("produce to %s: %v", topic, err)
	}
}

// consumeAll reads a topic from the start until it has n records.
func consumeAll(t testing.TB, addr, topic string, n int) []string {
	t.Helper()
	cl := newClient(t, addr, kgo.ConsumeTopics(topic))
	ctx := testContext(t)
	var got []string
	for len(got) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records from %s before the deadline: %v", len(got), n, topic, got)
		}
		fs.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	return got
}

func TestStartServesKafkaWithOurDefaults(t *testing.T) {
	b := startBroker(t, WithTopics("orders"))
	adm := kadm.NewClient(newClient(t, b.Addr()))

	meta, err := adm.Metadata(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(meta.Brokers) != 1 {
		t.Errorf("brokers = %d, want 1", len(meta.Brokers))
	}
	if got := meta.Brokers[0]; net.JoinHostPort(got.Host, strconv.Itoa(int(got.Port))) != b.Addr() {
		t.Errorf("advertised %s:%d, Addr() = %s", got.Host, got.Port, b.Addr())
	}
	if parts := len(meta.Topics["orders"].Partitions); parts != 1 {
		t.Errorf("orders has %d partitions, want the default 1", parts)
	}
	if b.ListenAddr() != b.Addr() {
		t.Errorf("ListenAddr %s != Addr %s without an advertised address", b.ListenAddr(), b.Addr())
	}
}

func TestNoAutoTopicCreationUnlessAsked(t *testing.T) {
	b := startBroker(t)
	cl := newClient(t, b.Addr(), kgo.AllowAutoTopicCreation(), kgo.UnknownTopicRetries(1))
	err := cl.ProduceSync(testContext(t), &kgo.Record{Topic: "typo", Value: []byte("x")}).FirstErr()
	if err == nil {
		t.Fatal("producing to a missing topic succeeded; want an unknown-topic error")
	}

	auto := startBroker(t, WithAutoCreateTopics(), WithPartitions(3))
	cl = newClient(t, auto.Addr(), kgo.AllowAutoTopicCreation())
	produce(t, cl, "fresh", "x")
	meta, err := kadm.NewClient(cl).Metadata(testContext(t), "fresh")
	if err != nil {
		t.Fatal(err)
	}
	if parts := len(meta.Topics["fresh"].Partitions); parts != 3 {
		t.Errorf("auto-created topic has %d partitions, want 3", parts)
	}
}

func TestAdvertisedAddress(t *testing.T) {
	// Listening on every interface advertises loopback.
	b := startBroker(t, WithListenAddr("0.0.0.0:0"))
	if !strings.HasPrefix(b.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %s, want 127.0.0.1:PORT", b.Addr())
	}
	_, port, _ := net.SplitHostPort(b.Addr())

	// An explicit advertised host (here "localhost", which resolves) is
	// what clients are sent in metadata.
	b = startBroker(t, WithAdvertisedAddr("localhost:0"))
	_, port, _ = net.SplitHostPort(b.ListenAddr())
	if want := "localhost:" + port; b.Addr() != want {
		t.Fatalf("Addr() = %s, want %s", b.Addr(), want)
	}
	meta, err := kadm.NewClient(newClient(t, b.Addr())).Metadata(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if h := meta.Brokers[0].Host; h != "localhost" {
		t.Errorf("metadata advertises host %q, want localhost", h)
	}
}

func TestPortInUseIsAClearError(t *testing.T) {
	first := startBroker(t)
	_, err := Start(testContext(t), WithListenAddr(first.ListenAddr()))
	if !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("err = %v, want ErrAddrInUse", err)
	}
	if !strings.Contains(err.Error(), first.ListenAddr()) {
		t.Errorf("error %q does not name the address", err)
	}
}

func TestInvalidOptionsAreOptionErrors(t *testing.T) {
	for name, opt := range map[string]Option{
		"no port":        WithListenAddr("127.0.0.1"),
		"bad port":       WithListenAddr("127.0.0.1:99999"),
		"zero parts":     WithPartitions(0),
		"bad mechanism":  WithSASLUser("GSSAPI", "u", "p"),
		"bad advertised": WithAdvertisedAddr("nohostport"),
	} {
		t.Run(name, func(t *testing.T) {
			b, err := Start(testContext(t), WithListenAddr(anyPort), opt)
			if err == nil {
				b.Close()
				t.Fatal("Start succeeded")
			}
			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v (%T), want *OptionError", err, err)
			}
		})
	}
}

func TestDataDirPersistsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	b := startBroker(t, WithDataDir(dir), WithTopics("orders"), WithPartitions(2))
	produce(t, newClient(t, b.Addr()), "orders", "a", "b", "c")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = startBroker(t, WithDataDir(dir), WithTopics("orders", "payments"))
	got := consumeAll(t, b.Addr(), "orders", 3)
	slices.Sort(got)
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("after restart orders holds %q, want a b c", got)
	}
	meta, err := kadm.NewClient(newClient(t, b.Addr())).Metadata(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if parts := len(meta.Topics["orders"].Partitions); parts != 2 {
		t.Errorf("orders came back with %d partitions, want 2", parts)
	}
	if _, ok := meta.Topics["payments"]; !ok {
		t.Error("a seed topic added on restart was not created")
	}
}

func TestSecondBrokerOnSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	first := startBroker(t, WithDataDir(dir))
	_, err := Start(testContext(t), WithListenAddr(anyPort), WithDataDir(dir))
	if !errors.Is(err, ErrDataDirLocked) {
		t.Fatalf("err = %v, want ErrDataDirLocked", err)
	}
	for _, want := range []string{dir, "pid " + strconv.Itoa(os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}

	// Closing releases the lock; a refused start must not have taken it.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	startBroker(t, WithDataDir(dir))
	if _, err := os.Stat(filepath.Join(dir, LockFileName)); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

func TestFailedStartReleasesDataDir(t *testing.T) {
	dir := t.TempDir()
	first := startBroker(t)
	if _, err := Start(testContext(t), WithListenAddr(first.ListenAddr()), WithDataDir(dir)); !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("err = %v, want ErrAddrInUse", err)
	}
	startBroker(t, WithDataDir(dir)) // the lock was released
}

func TestSASLUsers(t *testing.T) {
	b := startBroker(t,
		WithSASLUser("PLAIN", "alice", "alice-secret"),
		WithSASLUser("SCRAM-SHA-512", "bob", "bob-secret"),
		WithTopics("orders"))

	alice := plain.Auth{User: "alice", Pass: "alice-secret"}.AsMechanism()
	produce(t, newClient(t, b.Addr(), kgo.SASL(alice)), "orders", "from alice")

	bob := scram.Auth{User: "bob", Pass: "bob-secret"}.AsSha512Mechanism()
	if err := newClient(t, b.Addr(), kgo.SASL(bob)).Ping(testContext(t)); err != nil {
		t.Errorf("SCRAM-SHA-512 as bob: %v", err)
	}

	wrong := plain.Auth{User: "alice", Pass: "guess"}.AsMechanism()
	if err := newClient(t, b.Addr(), kgo.SASL(wrong)).Ping(testContext(t)); err == nil {
		t.Error("a wrong password was accepted")
	}
}

func TestCloseTwice(t *testing.T) {
	b := startBroker(t, WithDataDir(t.TempDir()))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
