// Package devclient is the client side of `wfctl dev`: it sends engine
// commands to wfctl.commands and reads their outcome from wfctl.records
// (see pkg/dev for the protocol), and folds wfctl.records into a local
// engine to answer questions about instances.
package devclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// Client talks to a wfctl engine through its Kafka topics.
type Client struct {
	cl  *kgo.Client
	cfg *kafka.Config
	// Timeout bounds the wait for a command's outcome.
	Timeout time.Duration

	respMu sync.Mutex
	resp   *responder // the shared reader of DoShared, once started
}

// New wraps a connected client.
func New(cl *kgo.Client, cfg *kafka.Config) *Client {
	return &Client{cl: cl, cfg: cfg, Timeout: 30 * time.Second}
}

// Response is what a command caused.
type Response struct {
	Request  string
	Records  []engine.Record
	Rejected bool
	// Reason explains a rejection.
	Reason string
	// Done is the command's Done marker.
	Done devproto.Done
}

// ErrNoEngine is returned when no engine answers: wfctl dev is not
// running on the broker, or its topics do not exist.
var ErrNoEngine = errors.New("no wfctl engine answered")

// Do sends a command and waits for the records it caused.
func (c *Client) Do(ctx context.Context, cmd engine.Command, routingKey string) (*Response, error) {
	value, err := json.Marshal(cmd)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, value, routingKey)
}

// Clock sends a clock control command (see devproto.ClockAdd) and waits for
// its outcome; the Done marker's Clock is the clock after it.
func (c *Client) Clock(ctx context.Context, intent string, value devproto.ClockCommandValue) (*Response, error) {
	return c.do(ctx, devproto.Marshal(devproto.ClockCommand{ValueType: "CLOCK", Intent: intent, Value: value}), "clock")
}

func (c *Client) do(ctx context.Context, value []byte, routingKey string) (*Response, error) {
	start, err := c.end(ctx, devproto.TopicRecords)
	if err != nil {
		return nil, err
	}
	req, err := c.send(ctx, value, routingKey)
	if err != nil {
		return nil, err
	}
	resp := &Response{Request: req}
	finished := false
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	err = c.read(ctx, start, true, func(r *kgo.Record) (bool, error) {
		if header(r, devproto.HeaderRequest) != req {
			return false, nil
		}
		done, err := resp.add(r)
		finished = done
		return done, err
	})
	if err == nil && !finished || errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w within %s (request %s): is `wfctl dev` running on %v?", ErrNoEngine, c.Timeout, req, c.cfg.Brokers)
	}
	return resp, err
}

// add takes a record of the response's request: an engine record, or the
// Done marker that ends it (done true).
func (resp *Response) add(r *kgo.Record) (done bool, err error) {
	if status := header(r, devproto.HeaderDone); status != "" {
		resp.Rejected = status == devproto.DoneRejected
		// A command refused before the engine ran it (over a limit, not
		// JSON, set aside, a raw tick ahead of the dev clock) has no
		// rejection record: the reason is the Done marker's.
		if err := json.Unmarshal(r.Value, &resp.Done); err != nil {
			return true, fmt.Errorf("%s@%d: %w", devproto.TopicRecords, r.Offset, err)
		}
		if resp.Reason == "" {
			resp.Reason = resp.Done.Reason
		}
		return true, nil
	}
	var rec engine.Record
	if err := json.Unmarshal(r.Value, &rec); err != nil {
		return false, fmt.Errorf("%s@%d: %w", devproto.TopicRecords, r.Offset, err)
	}
	if rec.RecordType == engine.RecordRejection {
		resp.Reason = rec.RejectionReason
	}
	resp.Records = append(resp.Records, rec)
	return false, nil
}

// Send produces a command without waiting for its outcome and returns
// its request id.
func (c *Client) Send(ctx context.Context, cmd engine.Command, routingKey string) (string, error) {
	value, err := json.Marshal(cmd)
	if err != nil {
		return "", err
	}
	return c.send(ctx, value, routingKey)
}

func (c *Client) send(ctx context.Context, value []byte, routingKey string) (string, error) {
	req := newRequestID()
	rec := &kgo.Record{Topic: devproto.TopicCommands, Key: []byte(routingKey), Value: value,
		Headers: []kgo.RecordHeader{{Key: devproto.HeaderRequest, Value: []byte(req)}}}
	if err := c.cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return "", kafka.Classify(fmt.Errorf("send command: %w", err), c.cfg)
	}
	return req, nil
}

// Records reads wfctl.records from the beginning (or, with follow, on and
// on) and hands every record with its headers to fn until it returns
// true, or the history ends.
func (c *Client) Records(ctx context.Context, follow bool, fn func(rec engine.Record, r *kgo.Record) (bool, error)) error {
	return c.RecordsFrom(ctx, kafka.Beginning(), follow, fn)
}

// RecordsFrom is Records from a position of wfctl.records.
func (c *Client) RecordsFrom(ctx context.Context, from kafka.Position, follow bool, fn func(rec engine.Record, r *kgo.Record) (bool, error)) error {
	return c.readAt(ctx, from, follow, func(r *kgo.Record) (bool, error) {
		if hasHeader(r, devproto.HeaderDone) || hasHeader(r, devproto.HeaderCheckpoint) || hasHeader(r, devproto.HeaderFence) {
			return false, nil
		}
		var rec engine.Record
		if err := json.Unmarshal(r.Value, &rec); err != nil {
			return false, fmt.Errorf("%s@%d: %w", devproto.TopicRecords, r.Offset, err)
		}
		return fn(rec, r)
	})
}

// State folds every event of wfctl.records into a fresh engine: the
// engine's state as of now, to query.
func (c *Client) State(ctx context.Context) (*engine.Engine, error) {
	eng := engine.New(engine.WithoutRecords())
	err := c.Records(ctx, false, func(rec engine.Record, _ *kgo.Record) (bool, error) {
		if rec.IsEvent() {
			if err := eng.Apply(rec); err != nil {
				return false, fmt.Errorf("fold record %d: %w", rec.Position, err)
			}
		}
		return false, nil
	})
	return eng, err
}

// errStop ends a read early.
var errStop = errors.New("stop")

// read consumes wfctl.records from offset from, up to the end offsets
// taken first or, with follow, on and on, until fn returns true.
func (c *Client) read(ctx context.Context, from int64, follow bool, fn func(*kgo.Record) (bool, error)) error {
	return c.readAt(ctx, kafka.AtOffset(from), follow, fn)
}

func (c *Client) readAt(ctx context.Context, from kafka.Position, follow bool, fn func(*kgo.Record) (bool, error)) error {
	h := kafka.History{Topics: []string{devproto.TopicRecords}, From: from, Follow: follow}
	_, err := kafka.ReadHistory(ctx, c.cl, h, func(r *kgo.Record) error {
		stop, err := fn(r)
		if err == nil && stop {
			return errStop
		}
		return err
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// end returns the end (last stable) offset of a topic's partition 0.
func (c *Client) end(ctx context.Context, topic string) (int64, error) {
	offs, err := kadm.NewClient(c.cl).ListCommittedOffsets(ctx, topic)
	if err != nil {
		return 0, kafka.Classify(err, c.cfg)
	}
	o, ok := offs.Lookup(topic, 0)
	if !ok || o.Err != nil {
		return 0, fmt.Errorf("%w: topic %s does not exist on %v: start `wfctl dev` first", ErrNoEngine, topic, c.cfg.Brokers)
	}
	return o.Offset, nil
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func hasHeader(r *kgo.Record, key string) bool {
	for _, h := range r.Headers {
		if h.Key == key {
			return true
		}
	}
	return false
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand never fails on supported systems
	return hex.EncodeToString(b)
}
