package trace

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/demo"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// proxy stands between clients and a broker that advertises the proxy's
// address, so a test can freeze the broker (no byte goes through) or
// kill it (every connection closed, no new one accepted), as a broker
// that hangs or dies would.
type proxy struct {
	ln     net.Listener
	target atomic.Pointer[string]
	frozen atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
	dead   bool
	// trip, when armed, runs once the broker has sent that many bytes.
	tripAt atomic.Int64
	sent   atomic.Int64
	trip   func()
	once   sync.Once
}

// after arms fn to run once the broker has sent n more bytes.
func (p *proxy) after(n int64, fn func()) {
	p.trip = fn
	p.tripAt.Store(p.sent.Load() + n)
}

func newProxy(t testing.TB) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	t.Cleanup(p.kill)
	p.serve()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

// serve accepts connections; each is forwarded once the broker's
// address is known (the broker must know the proxy's first).
func (p *proxy) serve() {
	go func() {
		for {
			c, err := p.ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *proxy) forward(c net.Conn) {
	for p.target.Load() == nil {
		time.Sleep(time.Millisecond)
	}
	{
		{
			up, err := net.Dial("tcp", *p.target.Load())
			if err != nil {
				c.Close()
				return
			}
			p.mu.Lock()
			if p.dead {
				p.mu.Unlock()
				c.Close()
				up.Close()
				return
			}
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go p.pipe(c, up, true)
			go p.pipe(up, c, false)
		}
	}
}

func (p *proxy) pipe(dst, src net.Conn, fromBroker bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if fromBroker {
			if at := p.tripAt.Load(); p.sent.Add(int64(n)) >= at && at > 0 {
				p.once.Do(p.trip)
			}
		}
		for p.frozen.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				dst.Close()
			}
			return
		}
	}
}

func (p *proxy) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dead = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.frozen.Store(false)
}

// proxiedHistory is a broker behind a proxy, holding a generated history,
// and a client that reads it in small fetches (so that a read takes many
// round trips, and the failure falls in the middle of it).
func proxiedHistory(t *testing.T, orders int) (*proxy, *kgo.Client, demo.Options, []demo.Record) {
	t.Helper()
	px := newProxy(t)
	b, err := broker.Start(context.Background(), broker.WithListenAddr("127.0.0.1:0"), broker.WithAdvertisedAddr(px.addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	target := b.ListenAddr()
	px.target.Store(&target)
	o := demo.DefaultOptions()
	o.Orders = orders
	o.AsOf = o.End
	recs, _ := demo.Generate(o)
	cfg := &kafka.Config{Brokers: []string{px.addr()}, DialTimeout: time.Second}
	prod, err := kafka.NewClient(context.Background(), cfg, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	(&testBroker{b: b, cfg: cfg, cl: prod}).produce(t, o, recs)
	cl, err := kafka.NewClient(context.Background(), cfg, kgo.FetchMaxBytes(64<<10), kgo.FetchMaxPartitionBytes(16<<10))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return px, cl, o, recs
}

// TestBrokerDiesWhileReading: the broker goes away in the middle of a
// read. The trace ends within the request timeout with an
// infrastructure error that names the broker and how far it got.
func TestBrokerDiesWhileReading(t *testing.T) {
	for _, how := range []string{"killed", "frozen"} {
		t.Run(how, func(t *testing.T) {
			px, cl, o, _ := proxiedHistory(t, 5000)
			px.after(256<<10, func() {
				if how == "killed" {
					go px.kill()
				} else {
					px.frozen.Store(true)
				}
			})
			start := time.Now()
			_, err := orderTracer(t, 2, o.AsOf).RunKafka(context.Background(), cl, kafka.History{Topics: []string{"orders"}},
				KafkaOptions{Stall: 2 * time.Second}, nil)
			var se *kafka.StallError
			var ie *kafka.InfraError
			if !errors.As(err, &se) || !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want a StallError", err, err)
			}
			if se.Read <= 0 || se.Read >= se.Total || !strings.Contains(err.Error(), px.addr()) || !strings.Contains(err.Error(), "stopped after reading") {
				t.Errorf("error %q (read %d of %d)", err, se.Read, se.Total)
			}
			t.Log(err)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %s to give up with a 2s request timeout", d)
			}
			px.frozen.Store(false)
		})
	}
}

// TestBrokerFreezesBriefly: a broker that stops answering for less than
// the request timeout is a pause: the trace finishes, with the report it
// gives without the pause.
func TestBrokerFreezesBriefly(t *testing.T) {
	px, cl, o, recs := proxiedHistory(t, 3000)
	want := reportJSON(t, traceFile(t, orderTracer(t, 2, o.AsOf), historyFile(t, recs, inTimeOrder, 0)))
	px.after(256<<10, func() {
		px.frozen.Store(true)
		time.AfterFunc(3*time.Second, func() { px.frozen.Store(false) })
	})
	rep, err := orderTracer(t, 2, o.AsOf).RunKafka(context.Background(), cl, kafka.History{Topics: []string{"orders"}},
		KafkaOptions{Stall: 10 * time.Second}, nil)
	if px.sent.Load() < px.tripAt.Load() {
		t.Fatal("the read ended before the freeze: the test tests nothing")
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := reportJSON(t, rep); got != want {
		t.Errorf("after a 3s freeze the report differs: %s", diff(want, got))
	}
}
