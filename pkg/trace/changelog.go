package trace

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A task's checkpoint is written to its partition of the group's state
// topic (compacted), keyed "task-N". A checkpoint larger than chunkSize
// is written as chunks (keyed "task-N/chunk-I") followed by an index
// record under the task's key; one transaction writes them all, so a
// reader sees all of a checkpoint or none of it. Only the task's owner
// writes its partition, so a checkpoint's chunks come right before its
// index.
const chunkSize = 512 << 10

const (
	kindHeader  = "wfctl-kind"
	kindState   = "state"
	kindChunk   = "chunk"
	kindIndex   = "index"
	checkpointH = "wfctl-checkpoint"
)

type chunkIndex struct {
	ID     string `json:"id"`
	Chunks int    `json:"chunks"`
}

var checkpointSeq atomic.Int64

func taskKey(id int32) string { return "task-" + strconv.Itoa(int(id)) }

// checkpointRecords are the records of one checkpoint.
func checkpointRecords(id int32, data []byte, topic string) []*kgo.Record {
	key := []byte(taskKey(id))
	if len(data) <= chunkSize {
		return []*kgo.Record{{Topic: topic, Partition: id, Key: key, Value: data,
			Headers: []kgo.RecordHeader{{Key: kindHeader, Value: []byte(kindState)}}}}
	}
	cid := strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(checkpointSeq.Add(1), 36)
	var recs []*kgo.Record
	for i := 0; len(data) > 0; i++ {
		n := min(len(data), chunkSize)
		recs = append(recs, &kgo.Record{Topic: topic, Partition: id, Key: []byte(fmt.Sprintf("%s/chunk-%d", key, i)), Value: data[:n],
			Headers: []kgo.RecordHeader{{Key: kindHeader, Value: []byte(kindChunk)}, {Key: checkpointH, Value: []byte(cid)}}})
		data = data[n:]
	}
	idx, _ := json.Marshal(chunkIndex{ID: cid, Chunks: len(recs)})
	return append(recs, &kgo.Record{Topic: topic, Partition: id, Key: key, Value: idx,
		Headers: []kgo.RecordHeader{{Key: kindHeader, Value: []byte(kindIndex)}}})
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// readCheckpoint reads a task's latest committed checkpoint (nil when it
// has none). It first waits, up to wait, for the partition to have no
// open transaction (a replica that died mid-transaction, until the
// broker aborts it), so that the checkpoint read is the one the group's
// committed offsets go with. It reads backwards from the end in growing
// windows, so its cost is the checkpoint's size, not the topic's.
func readCheckpoint(ctx context.Context, base []kgo.Opt, topic string, id int32, wait time.Duration) ([]byte, error) {
	cl, err := kgo.NewClient(base...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	start, end, err := settledRange(ctx, adm, topic, id, wait)
	if err != nil || end <= start {
		return nil, err
	}
	for w := int64(64); ; w *= 8 {
		from := max(start, end-w)
		recs, err := readRange(ctx, base, topic, id, from, end)
		if err != nil {
			return nil, err
		}
		if data, ok := latestCheckpoint(recs, taskKey(id)); ok {
			return data, nil
		}
		if from == start {
			return nil, nil
		}
	}
}

// settledRange waits until the partition has no open transaction and
// returns its start and end offsets.
func settledRange(ctx context.Context, adm *kadm.Client, topic string, id int32, wait time.Duration) (int64, int64, error) {
	deadline := time.Now().Add(wait)
	for {
		ends, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			return 0, 0, err
		}
		stable, err := adm.ListCommittedOffsets(ctx, topic)
		if err != nil {
			return 0, 0, err
		}
		e, ok1 := ends.Lookup(topic, id)
		s, ok2 := stable.Lookup(topic, id)
		if !ok1 || !ok2 || e.Err != nil || s.Err != nil {
			return 0, 0, fmt.Errorf("%s/%d: end offsets unknown", topic, id)
		}
		if e.Offset == s.Offset || time.Now().After(deadline) {
			starts, err := adm.ListStartOffsets(ctx, topic)
			if err != nil {
				return 0, 0, err
			}
			st, _ := starts.Lookup(topic, id)
			return st.Offset, s.Offset, nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// readRange reads the committed records of [from, end).
func readRange(ctx context.Context, base []kgo.Opt, topic string, id int32, from, end int64) ([]*kgo.Record, error) {
	// Control records kept: a checkpoint written in a transaction ends
	// with its commit marker, the partition's last offset; without it the
	// read would learn it is done only from a poll that times out.
	opts := append(slices.Clone(base), kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {id: kgo.NewOffset().At(from)}}))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var recs []*kgo.Record
	for {
		pctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		fs := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		done := false
		var ferr error
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			if p.Err != nil && ferr == nil && !isTimeout(p.Err) {
				ferr = p.Err
			}
			for _, r := range p.Records {
				if r.Offset < end && !r.Attrs.IsControl() {
					recs = append(recs, r)
				}
			}
			if n := len(p.Records); n > 0 && p.Records[n-1].Offset+1 >= end || p.LastStableOffset >= end && n == 0 && p.Err == nil {
				done = true
			}
		})
		if ferr != nil {
			return nil, fmt.Errorf("%s/%d: %w", topic, id, ferr)
		}
		if done || fs.NumRecords() == 0 {
			return recs, nil
		}
	}
}

func isTimeout(err error) bool {
	return err == context.DeadlineExceeded || err == context.Canceled
}

// latestCheckpoint finds the last whole checkpoint among records.
func latestCheckpoint(recs []*kgo.Record, key string) ([]byte, bool) {
	for i := len(recs) - 1; i >= 0; i-- {
		r := recs[i]
		if string(r.Key) != key {
			continue
		}
		switch header(r, kindHeader) {
		case kindState:
			return r.Value, true
		case kindIndex:
			var idx chunkIndex
			if json.Unmarshal(r.Value, &idx) != nil || idx.Chunks > i {
				return nil, false // the window does not reach back to its chunks
			}
			var data []byte
			for _, c := range recs[i-idx.Chunks : i] {
				if header(c, checkpointH) != idx.ID {
					return nil, false
				}
				data = append(data, c.Value...)
			}
			return data, true
		}
	}
	return nil, false
}
