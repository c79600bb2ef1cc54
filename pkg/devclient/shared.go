package devclient

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// A responder reads wfctl.records once for many requests: Do reads the
// topic from its end for each command, which costs a round of offset
// lookups and a fetch each; a client sending many commands at once (a
// job worker) shares one reader, which hands each request its records
// and Done marker.
type responder struct {
	mu      sync.Mutex
	waiting map[string]*pending
	err     error // the read failed: every request fails with it
	stop    context.CancelFunc
	stopped chan struct{}
}

type pending struct {
	resp *Response
	done chan struct{}
}

// startResponder starts the shared reader, once, from the end of
// wfctl.records now.
func (c *Client) startResponder(ctx context.Context) (*responder, error) {
	c.respMu.Lock()
	defer c.respMu.Unlock()
	if c.resp != nil {
		return c.resp, nil
	}
	start, err := c.end(ctx, devproto.TopicRecords)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &responder{waiting: map[string]*pending{}, stop: cancel, stopped: make(chan struct{})}
	go func() {
		defer close(r.stopped)
		err := c.read(rctx, start, true, func(rec *kgo.Record) (bool, error) {
			r.take(rec)
			return false, nil
		})
		if err == nil || rctx.Err() != nil {
			err = fmt.Errorf("%w: the client stopped reading %s", ErrNoEngine, devproto.TopicRecords)
		}
		r.fail(err)
	}()
	c.resp = r
	return r, nil
}

// take hands a record to the request it belongs to.
func (r *responder) take(rec *kgo.Record) {
	req := header(rec, devproto.HeaderRequest)
	if req == "" {
		return
	}
	r.mu.Lock()
	p := r.waiting[req]
	if p != nil && header(rec, devproto.HeaderDone) != "" {
		delete(r.waiting, req)
	}
	r.mu.Unlock()
	if p == nil {
		return
	}
	if done, _ := p.resp.add(rec); done { // a record it cannot read is left out, as Do fails on it
		close(p.done)
	}
}

func (r *responder) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
	for id, p := range r.waiting {
		delete(r.waiting, id)
		close(p.done)
	}
}

// DoShared sends a command and waits for its outcome, as Do does, through
// the client's shared reader of wfctl.records: many goroutines may send
// at once, and none reads the topic for itself.
func (c *Client) DoShared(ctx context.Context, cmd engine.Command, routingKey string) (*Response, error) {
	r, err := c.startResponder(ctx)
	if err != nil {
		return nil, err
	}
	value, err := json.Marshal(cmd)
	if err != nil {
		return nil, err
	}
	req := newRequestID()
	p := &pending{resp: &Response{Request: req}, done: make(chan struct{})}
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return nil, r.err
	}
	r.waiting[req] = p
	r.mu.Unlock()
	forget := func() {
		r.mu.Lock()
		delete(r.waiting, req)
		r.mu.Unlock()
	}
	rec := &kgo.Record{Topic: devproto.TopicCommands, Key: []byte(routingKey), Value: value,
		Headers: []kgo.RecordHeader{{Key: devproto.HeaderRequest, Value: []byte(req)}}}
	if err := c.cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		forget()
		return nil, kafka.Classify(fmt.Errorf("send command: %w", err), c.cfg)
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	select {
	case <-p.done:
		r.mu.Lock()
		err := r.err
		r.mu.Unlock()
		if p.resp.Done.Status == "" && err != nil {
			return nil, err
		}
		return p.resp, nil
	case <-ctx.Done():
		forget()
		return nil, fmt.Errorf("%w within %s (request %s): is `wfctl dev` running on %v?", ErrNoEngine, c.Timeout, req, c.cfg.Brokers)
	}
}

// Close stops the shared reader, if one runs.
func (c *Client) Close() {
	c.respMu.Lock()
	r := c.resp
	c.resp = nil
	c.respMu.Unlock()
	if r != nil {
		r.stop()
		<-r.stopped
	}
}
