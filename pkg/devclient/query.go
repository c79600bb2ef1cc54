package devclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// Instances asks the engine for the instances q selects (see
// devproto.QueryCommand): answered from its state, whatever the length of
// its history.
func (c *Client) Instances(ctx context.Context, q devproto.InstanceQuery) (*devproto.InstanceList, error) {
	var out devproto.InstanceList
	if err := c.query(ctx, devproto.QueryInstances, q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Instance asks the engine about one instance; Known is false in the
// answer when it does not know it.
func (c *Client) Instance(ctx context.Context, key int64) (*devproto.InstanceDetail, error) {
	var out devproto.InstanceDetail
	if err := c.query(ctx, devproto.QueryInstance, devproto.InstanceQuery{Key: key}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) query(ctx context.Context, intent string, q devproto.InstanceQuery, into any) error {
	resp, err := c.do(ctx, devproto.Marshal(devproto.QueryCommand{ValueType: "QUERY", Intent: intent, Value: devproto.Marshal(q)}), "query")
	if err != nil {
		return err
	}
	if resp.Rejected {
		return fmt.Errorf("the engine refused the query: %s", resp.Reason)
	}
	if len(resp.Done.Result) == 0 {
		return fmt.Errorf("%w: the engine on %v answers no queries (an older wfctl dev?)", ErrNoEngine, c.cfg.Brokers)
	}
	return json.Unmarshal(resp.Done.Result, into)
}

// History reads an instance's records from wfctl.records: span by span
// (the answer's Spans: a batch found by its Kafka timestamp with
// ListOffsets, and the positions of the instance's records in it), up to
// its end. Without Spans (an older server), from the time of its first
// record to its end, or the end of the topic.
func (c *Client) History(ctx context.Context, in *devproto.InstanceDetail) ([]engine.Record, error) {
	var out []engine.Record
	ended := false
	keyText := []byte(strconv.FormatInt(in.Key, 10))
	read := func(h kafka.History) error {
		_, err := kafka.ReadHistory(ctx, c.cl, h, func(r *kgo.Record) error {
			if hasHeader(r, devproto.HeaderDone) || hasHeader(r, devproto.HeaderCheckpoint) || hasHeader(r, devproto.HeaderFence) ||
				!bytes.Contains(r.Value, keyText) { // a batch holds many instances' records: decode only the instance's
				return nil
			}
			var rec engine.Record
			if err := json.Unmarshal(r.Value, &rec); err != nil {
				return fmt.Errorf("%s@%d: %w", devproto.TopicRecords, r.Offset, err)
			}
			if devproto.InstanceKeyOf(rec) != in.Key {
				return nil
			}
			out = append(out, rec)
			if rec.Key == in.Key && rec.IsEvent() && (rec.Intent == engine.IntentElementCompleted || rec.Intent == engine.IntentElementTerminated) {
				ended = true
				return errStop // its last record
			}
			return nil
		})
		if err != nil && err != errStop {
			return kafka.Classify(err, c.cfg)
		}
		return nil
	}
	topics := []string{devproto.TopicRecords}
	if len(in.Spans) == 0 {
		return out, read(kafka.History{Topics: topics, From: kafka.AtTime(time.UnixMilli(in.HistoryFrom))})
	}
	adm := kadm.NewClient(c.cl)
	// Fetches of one batch at a time: the broker sends at least the batch
	// that holds the offset asked for, and with the default limits the
	// batches after it too, up to megabytes the client would decompress
	// and decode for nothing.
	oneBatch := []kgo.Opt{kgo.FetchMaxBytes(1), kgo.FetchMaxPartitionBytes(1)}
	for _, sp := range in.Spans {
		if ended {
			break
		}
		listed, err := adm.ListOffsetsAfterMilli(ctx, sp.TS, devproto.TopicRecords)
		if err == nil {
			err = listed.Error()
		}
		if err != nil {
			return nil, kafka.Classify(err, c.cfg)
		}
		base, ok := listed.Lookup(devproto.TopicRecords, 0)
		if !ok || base.Offset < 0 {
			continue // no such batch any more
		}
		from, to := base.Offset+int64(sp.First), base.Offset+int64(sp.Last)+1+devproto.SpanSlack
		if err := read(kafka.History{Topics: topics, From: kafka.AtOffset(from), To: kafka.AtOffset(to), Consumer: oneBatch}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Status asks the engine how it is (see devproto.Status).
func (c *Client) Status(ctx context.Context) (*devproto.Status, error) {
	var out devproto.Status
	if err := c.query(ctx, devproto.QueryStatus, devproto.InstanceQuery{}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EndOffsets are the end offsets of the partitions of topics, by
// "topic/partition".
func (c *Client) EndOffsets(ctx context.Context, topics ...string) (map[string]int64, error) {
	ends, err := kadm.NewClient(c.cl).ListEndOffsets(ctx, topics...)
	if err != nil {
		return nil, kafka.Classify(err, c.cfg)
	}
	out := map[string]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err == nil {
			out[fmt.Sprintf("%s/%d", o.Topic, o.Partition)] = o.Offset
		}
	})
	return out, nil
}
