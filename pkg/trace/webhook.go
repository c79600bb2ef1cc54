package trace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// WebhookOptions configure a Webhook; zero values take the defaults.
type WebhookOptions struct {
	// Timeout bounds one request, from dialling to the end of the
	// answer (default 5s). A request cut by it is retried.
	Timeout time.Duration
	// Retries is how often an alert is posted again after a network
	// error, a timeout, a 5xx, a 408 or a 429 (default 5; negative:
	// never).
	Retries int
	// Backoff is the wait before the first retry, doubled for each
	// next one up to MaxBackoff (defaults 200ms and 5s). A Retry-After
	// header in seconds lengthens the wait, up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Queue is how many alerts may wait to be posted (default 10,000).
	// When it is full, the oldest waiting alert is dropped for the new
	// one, and counted (Dropped).
	Queue int
	// Client sends the requests (default: one that does not follow
	// redirects, so that a moved webhook is reported, not posted to as
	// a GET).
	Client *http.Client
	// Logf, when set, is told about alerts given up on or dropped.
	Logf func(format string, args ...any)
}

func (o *WebhookOptions) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	switch {
	case o.Retries == 0:
		o.Retries = 5
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.Queue <= 0 {
		o.Queue = 10_000
	}
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// Webhook posts alerts to a URL (`--alerts-webhook`), each as its own
// request whose body is the alert's CloudEvents JSON (structured mode,
// Content-Type application/cloudevents+json). Delivery is at least once
// within the retries: an alert whose answer was lost is posted again, so
// a receiver that must not act twice deduplicates by the CloudEvents id,
// which is the same on every replica and every retry. Alerts are posted
// one at a time, in the order they were committed.
//
// Post never blocks the tracking group: alerts wait in a bounded queue,
// and a webhook that is down for long loses the oldest of them (the
// alerts topic still has every one). Close must be called to stop the
// goroutine that posts.
type Webhook struct {
	url string
	o   WebhookOptions

	mu      sync.Mutex
	queue   []Alert
	closing bool
	wake    chan struct{} // a Post or Close happened
	done    chan struct{} // the poster ended
	ctx     context.Context
	abort   context.CancelFunc // Close gave up: cut what is in flight

	sent, failed, dropped atomic.Int64
}

// NewWebhook starts posting alerts to url.
func NewWebhook(url string, o WebhookOptions) *Webhook {
	o.defaults()
	w := &Webhook{url: url, o: o, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.ctx, w.abort = context.WithCancel(context.Background())
	go w.run()
	return w
}

// Post queues alerts to be posted, without waiting; it matches
// GroupOptions.Alerted. Alerts posted after Close are dropped.
func (w *Webhook) Post(alerts []Alert) {
	if len(alerts) == 0 {
		return
	}
	w.mu.Lock()
	closing := w.closing
	var dropped int
	if !closing {
		for _, a := range alerts {
			if len(w.queue) >= w.o.Queue {
				w.queue[0] = Alert{}
				w.queue = w.queue[1:]
				dropped++
			}
			w.queue = append(w.queue, a)
		}
	}
	w.mu.Unlock()
	switch {
	case closing:
		w.dropped.Add(int64(len(alerts)))
		w.o.Logf("webhook: closed, %d alerts not posted", len(alerts))
		return
	case dropped > 0:
		w.dropped.Add(int64(dropped))
		w.o.Logf("webhook: queue full (%d alerts waiting), dropped the %d oldest (%d in all)", w.o.Queue, dropped, w.dropped.Load())
	}
	w.signal()
}

// Close posts what is still queued until ctx ends, then cuts what is in
// flight and drops the rest (counted in Dropped, and said in the error).
func (w *Webhook) Close(ctx context.Context) error {
	w.mu.Lock()
	w.closing = true
	w.mu.Unlock()
	w.signal()
	select {
	case <-w.done:
		w.abort()
		return nil
	case <-ctx.Done():
	}
	before := w.dropped.Load()
	w.abort()
	<-w.done
	w.mu.Lock()
	left := len(w.queue)
	w.queue = nil
	w.mu.Unlock()
	w.dropped.Add(int64(left))
	return fmt.Errorf("webhook: %d alerts not posted: %w", w.dropped.Load()-before, ctx.Err())
}

// Sent is how many alerts the webhook accepted (a 2xx answer).
func (w *Webhook) Sent() int64 { return w.sent.Load() }

// Failed is how many alerts were given up on: answered with a 4xx other
// than 408 and 429, or still failing after every retry.
func (w *Webhook) Failed() int64 { return w.failed.Load() }

// Dropped is how many alerts were never posted: pushed out of a full
// queue, posted after Close, or still waiting when Close gave up.
func (w *Webhook) Dropped() int64 { return w.dropped.Load() }

func (w *Webhook) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run posts the queued alerts one by one until Close.
func (w *Webhook) run() {
	defer close(w.done)
	for {
		a, ok := w.next()
		if !ok {
			return
		}
		w.deliver(a)
	}
}

// next waits for an alert to post; false when closing with an empty
// queue, or aborted.
func (w *Webhook) next() (Alert, bool) {
	for {
		if w.ctx.Err() != nil {
			return Alert{}, false
		}
		w.mu.Lock()
		if len(w.queue) > 0 {
			a := w.queue[0]
			w.queue[0] = Alert{}
			w.queue = w.queue[1:]
			w.mu.Unlock()
			return a, true
		}
		closing := w.closing
		w.mu.Unlock()
		if closing {
			return Alert{}, false
		}
		select {
		case <-w.wake:
		case <-w.ctx.Done():
		}
	}
}

// deliver posts one alert, retrying what may pass next time.
func (w *Webhook) deliver(a Alert) {
	body, err := a.MarshalValue()
	if err != nil {
		w.failed.Add(1)
		w.o.Logf("webhook: alert %s: %v", a.ID, err)
		return
	}
	backoff := w.o.Backoff
	for attempt := 1; ; attempt++ {
		retry, after, err := w.post(body)
		switch {
		case err == nil:
			w.sent.Add(1)
			return
		case w.ctx.Err() != nil:
			w.dropped.Add(1)
			return
		case !retry:
			w.failed.Add(1)
			w.o.Logf("webhook: %s alert %s refused, not retried: %v", a.Type, a.ID, err)
			return
		case attempt > w.o.Retries:
			w.failed.Add(1)
			w.o.Logf("webhook: %s alert %s given up after %d attempts: %v", a.Type, a.ID, attempt, err)
			return
		}
		if !w.wait(min(max(backoff, after), w.o.MaxBackoff)) {
			w.dropped.Add(1)
			return
		}
		backoff = min(2*backoff, w.o.MaxBackoff)
	}
}

// wait waits d, or false if Close gave up first.
func (w *Webhook) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// post makes one request. retry says whether another attempt may pass,
// after how long the server asked to wait.
func (w *Webhook) post(body []byte) (retry bool, after time.Duration, err error) {
	ctx, cancel := context.WithTimeout(w.ctx, w.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return false, 0, fmt.Errorf("--alerts-webhook %q: %w", w.url, err)
	}
	req.Header.Set("Content-Type", ContentTypeCloudEvents)
	req.Header.Set("User-Agent", "wfctl-trace")
	resp, err := w.o.Client.Do(req)
	if err != nil {
		return true, 0, err
	}
	defer resp.Body.Close()
	said, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection is reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, 0, nil
	}
	err = errors.New(resp.Status)
	if s := strings.Join(strings.Fields(string(said)), " "); s != "" {
		err = fmt.Errorf("%s: %s", resp.Status, s)
	}
	switch code := resp.StatusCode; {
	case code >= 500, code == http.StatusTooManyRequests, code == http.StatusRequestTimeout:
		return true, retryAfter(resp.Header), err
	case code >= 300 && code < 400:
		return false, 0, fmt.Errorf("%w (moved to %s: set --alerts-webhook to it)", err, resp.Header.Get("Location"))
	}
	return false, 0, err
}

// retryAfter reads a Retry-After header given in seconds (the HTTP-date
// form is rare for webhooks and is ignored).
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}
