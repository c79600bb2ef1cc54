package trace

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/correlate"
)

// testAlert is a stall alert of the instance with this correlation key;
// the key names the instance's first record, so alerts of different keys
// have different IDs.
func testAlert(key string) Alert {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	start := correlate.Location{Topic: "orders." + key, Partition: 1, Offset: 42}
	return instanceAlert("g", AlertStalled, at,
		Instance{ProcessID: "order", ElementID: "AwaitPayment", CorrelationKey: key, WaitingSince: at.Add(-time.Hour), AgeSeconds: 3600,
			LastRecord: start}, start)
}

// posted is one request a test webhook server received.
type posted struct {
	contentType string
	alert       Alert
	code        int // what the server answered
}

// webhookServer answers each POST with the next of codes (200 once they
// run out; 0 means hang until the client gives up or release is called,
// then answer 200) and reports every request on the returned channel.
func webhookServer(t *testing.T, codes ...int) (srv *httptest.Server, got <-chan posted, release func()) {
	t.Helper()
	var mu sync.Mutex
	requests := make(chan posted, 100)
	released := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		p := posted{contentType: r.Header.Get("Content-Type"), code: http.StatusOK}
		if err := json.Unmarshal(body, &p.alert); err != nil || r.Method != http.MethodPost {
			t.Errorf("%s with body %q: %v", r.Method, body, err)
		}
		mu.Lock()
		if len(codes) > 0 {
			p.code, codes = codes[0], codes[1:]
		}
		mu.Unlock()
		requests <- p
		if p.code == 0 {
			select {
			case <-r.Context().Done():
			case <-released:
			}
			return
		}
		w.WriteHeader(p.code)
		fmt.Fprintln(w, http.StatusText(p.code))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(release) // runs first: hanging handlers end
	return srv, requests, release
}

// receive waits for the server's next request.
func receive(t *testing.T, got <-chan posted) posted {
	t.Helper()
	select {
	case p := <-got:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the webhook server in 10s")
	}
	return posted{}
}

func closeWebhook(t *testing.T, w *Webhook) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func logTo(logs chan<- string) func(string, ...any) {
	return func(f string, a ...any) { logs <- fmt.Sprintf(f, a...) }
}

func TestWebhookRetries5xx(t *testing.T) {
	srv, got, _ := webhookServer(t, http.StatusServiceUnavailable, http.StatusServiceUnavailable)
	logs := make(chan string, 10)
	w := NewWebhook(srv.URL, WebhookOptions{Backoff: time.Millisecond, Logf: logTo(logs)})
	sent := []Alert{testAlert("o-1"), testAlert("o-2"), testAlert("o-3")}
	w.Post(sent)

	accepted := map[string]Alert{}
	var order []string
	if testAlert("o-1").ID == testAlert("o-2").ID {
		t.Fatal("test alerts share an ID")
	}
	for len(accepted) < len(sent) {
		p := receive(t, got)
		if p.contentType != "application/cloudevents+json; charset=UTF-8" {
			t.Errorf("Content-Type %q", p.contentType)
		}
		order = append(order, p.alert.Data.CorrelationKey)
		if p.code == http.StatusOK {
			accepted[p.alert.ID] = p.alert
		}
	}
	if want := []string{"o-1", "o-1", "o-1", "o-2", "o-3"}; !slices.Equal(order, want) {
		t.Errorf("requests for %v, want %v (the first retried until accepted, in order)", order, want)
	}
	for _, a := range sent {
		b, ok := accepted[a.ID]
		if !ok || b.Type != a.Type || b.Data.CorrelationKey != a.Data.CorrelationKey || !b.Time.Equal(a.Time) || b.Data.LastRecord != a.Data.LastRecord {
			t.Errorf("alert %s arrived as %+v", a.ID, b)
		}
	}
	closeWebhook(t, w)
	if w.Sent() != 3 || w.Failed() != 0 || w.Dropped() != 0 {
		t.Errorf("sent %d failed %d dropped %d, want 3 0 0", w.Sent(), w.Failed(), w.Dropped())
	}
	if len(logs) != 0 {
		t.Errorf("logged %q for alerts that arrived", <-logs)
	}
}

func TestWebhookDoesNotRetry4xx(t *testing.T) {
	srv, got, _ := webhookServer(t, http.StatusBadRequest)
	logs := make(chan string, 10)
	w := NewWebhook(srv.URL, WebhookOptions{Backoff: time.Millisecond, Logf: logTo(logs)})
	w.Post([]Alert{testAlert("o-bad"), testAlert("o-good")})
	if p := receive(t, got); p.code != http.StatusBadRequest || p.alert.Data.CorrelationKey != "o-bad" {
		t.Fatalf("first request %+v", p)
	}
	// The next request is the next alert: the refused one is not retried.
	if p := receive(t, got); p.alert.Data.CorrelationKey != "o-good" {
		t.Fatalf("after a 400 came %q, want the next alert", p.alert.Data.CorrelationKey)
	}
	closeWebhook(t, w)
	if w.Sent() != 1 || w.Failed() != 1 {
		t.Errorf("sent %d failed %d, want 1 1", w.Sent(), w.Failed())
	}
	if msg := <-logs; !strings.Contains(msg, "400 Bad Request") || !strings.Contains(msg, "not retried") {
		t.Errorf("log %q, want the 400 and that it is not retried", msg)
	}
}

func TestWebhookTimeout(t *testing.T) {
	srv, got, _ := webhookServer(t, 0, 0) // hang twice
	logs := make(chan string, 10)
	w := NewWebhook(srv.URL, WebhookOptions{Timeout: 100 * time.Millisecond, Retries: 1, Backoff: time.Millisecond, Logf: logTo(logs)})
	w.Post([]Alert{testAlert("o-slow")})
	receive(t, got)
	receive(t, got) // the retry: the first attempt was cut
	closeWebhook(t, w)
	if w.Sent() != 0 || w.Failed() != 1 {
		t.Errorf("sent %d failed %d, want 0 1", w.Sent(), w.Failed())
	}
	if msg := <-logs; !strings.Contains(msg, "after 2 attempts") || !strings.Contains(msg, "deadline exceeded") {
		t.Errorf("log %q, want the timeout after 2 attempts", msg)
	}
}

func TestWebhookQueueDropsOldest(t *testing.T) {
	srv, got, release := webhookServer(t, 0) // the first request waits for release
	logs := make(chan string, 10)
	w := NewWebhook(srv.URL, WebhookOptions{Queue: 2, Backoff: time.Millisecond, Logf: logTo(logs)})
	w.Post([]Alert{testAlert("o-0")})
	receive(t, got) // o-0 is in flight: the queue is empty
	w.Post([]Alert{testAlert("o-1"), testAlert("o-2"), testAlert("o-3")})
	if msg := <-logs; !strings.Contains(msg, "dropped the 1 oldest") {
		t.Errorf("log %q, want the drop", msg)
	}
	release()
	keys := []string{"o-0"}
	for len(keys) < 3 {
		keys = append(keys, receive(t, got).alert.Data.CorrelationKey)
	}
	if want := []string{"o-0", "o-2", "o-3"}; !slices.Equal(keys, want) {
		t.Errorf("posted %v, want %v", keys, want)
	}
	closeWebhook(t, w)
	if w.Sent() != 3 || w.Dropped() != 1 {
		t.Errorf("sent %d dropped %d, want 3 1", w.Sent(), w.Dropped())
	}
}

func TestWebhookCloseGivesUp(t *testing.T) {
	srv, got, _ := webhookServer(t, 0) // hangs past the Close deadline
	w := NewWebhook(srv.URL, WebhookOptions{Timeout: time.Minute})
	w.Post([]Alert{testAlert("o-1"), testAlert("o-2")})
	receive(t, got)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing more can be drained
	err := w.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "2 alerts not posted") {
		t.Fatalf("Close: %v, want 2 alerts not posted", err)
	}
	if w.Dropped() != 2 || w.Sent() != 0 {
		t.Errorf("dropped %d sent %d, want 2 0", w.Dropped(), w.Sent())
	}
}
