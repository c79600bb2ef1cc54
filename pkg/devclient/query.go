package devclient

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// Instances asks the engine for the instances q selects (see
// dev.QueryCommand): answered from its state, whatever the length of
// its history.
func (c *Client) Instances(ctx context.Context, q dev.InstanceQuery) (*dev.InstanceList, error) {
	var out dev.InstanceList
	if err := c.query(ctx, dev.QueryInstances, q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Instance asks the engine about one instance; Known is false in the
// answer when it does not know it.
func (c *Client) Instance(ctx context.Context, key int64) (*dev.InstanceDetail, error) {
	var out dev.InstanceDetail
	if err := c.query(ctx, dev.QueryInstance, dev.InstanceQuery{Key: key}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) query(ctx context.Context, intent string, q dev.InstanceQuery, into any) error {
	resp, err := c.do(ctx, dev.Marshal(dev.QueryCommand{ValueType: "QUERY", Intent: intent, Value: dev.Marshal(q)}), "query")
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

// History reads an instance's records from wfctl.records: from when its
// first record was written to its end (or, while it is active, to the
// end of the topic now).
func (c *Client) History(ctx context.Context, in *dev.InstanceSummary) ([]engine.Record, error) {
	var out []engine.Record
	from := kafka.AtTime(time.UnixMilli(in.HistoryFrom))
	_, err := kafka.ReadHistory(ctx, c.cl, kafka.History{Topics: []string{dev.TopicRecords}, From: from}, func(r *kgo.Record) error {
		if hasHeader(r, dev.HeaderDone) || hasHeader(r, dev.HeaderCheckpoint) || hasHeader(r, dev.HeaderFence) {
			return nil
		}
		var rec engine.Record
		if err := json.Unmarshal(r.Value, &rec); err != nil {
			return fmt.Errorf("%s@%d: %w", dev.TopicRecords, r.Offset, err)
		}
		if InstanceKeyOf(rec) != in.Key {
			return nil
		}
		out = append(out, rec)
		if rec.Key == in.Key && rec.IsEvent() && (rec.Intent == engine.IntentElementCompleted || rec.Intent == engine.IntentElementTerminated) {
			return errStop // its last record
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, kafka.Classify(err, c.cfg)
	}
	return out, nil
}

// InstanceKeyOf is the process instance a record is about, or -1.
func InstanceKeyOf(r engine.Record) int64 {
	switch v := r.Value.(type) {
	case *engine.ProcessInstanceValue:
		return v.ProcessInstanceKey
	case *engine.JobValue:
		return v.ProcessInstanceKey
	case *engine.MessageSubscriptionValue:
		return v.ProcessInstanceKey
	case *engine.TimerValue:
		return v.ProcessInstanceKey
	case *engine.VariableValue:
		return v.ProcessInstanceKey
	case *engine.IncidentValue:
		return v.ProcessInstanceKey
	case *engine.ProcessInstanceCreationValue:
		return v.ProcessInstanceKey
	}
	return -1
}
