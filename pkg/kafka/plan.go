package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// History says what a history read covers.
type History struct {
	// Topics are topic names; every one must exist. Or:
	Topics []string
	// Pattern selects every topic whose name it matches (anchor it with
	// ^...$ for whole names; internal topics are never selected). At
	// least one topic must match.
	Pattern *regexp.Regexp

	// From and To bound each partition: [From, To). Their zero values
	// are the beginning and the end of the snapshot.
	From, To Position

	// Follow keeps reading after the snapshot end, records produced
	// since, until the context ends. To must be left at its default.
	Follow bool

	// Consumer are options added to the consumer the read builds (fetch
	// sizes, say).
	Consumer []kgo.Opt
}

// PartitionRange is one partition's part of a history read: the offsets
// [Start, End) as resolved when the snapshot was taken.
type PartitionRange struct {
	Topic     string
	Partition int32
	Start     int64
	End       int64
	// Delivered counts the records handed to the caller: fewer than
	// End-Start when the range holds transaction markers or aborted
	// records. Zero in a plan.
	Delivered int64
}

func (r PartitionRange) String() string {
	return fmt.Sprintf("%s/%d [%d, %d)", r.Topic, r.Partition, r.Start, r.End)
}

// Snapshot is the plan of a history read: every selected partition, sorted
// by topic and partition, with its range.
type Snapshot struct {
	Partitions []PartitionRange
	// ReadCommitted says the ends are last stable offsets (isolation
	// level read_committed) rather than high watermarks.
	ReadCommitted bool
}

// Records is how many records the snapshot delivered.
func (s *Snapshot) Records() int64 {
	var n int64
	for _, p := range s.Partitions {
		n += p.Delivered
	}
	return n
}

// Plan takes the snapshot a history read starts from, without reading:
// it resolves the topics, lists each partition's end offset (first, so that
// "history" means what was there at that moment), its start offset, and the
// offsets of any --from/--to time, and clamps the range into the log.
//
// With read_committed (wfctl's default) the ends are the last stable
// offsets: a transaction still open at the snapshot is not history, and
// reading up to the high watermark would wait for it to end.
func Plan(ctx context.Context, cl *kgo.Client, h History) (*Snapshot, error) {
	if h.Follow && !h.To.IsDefault() && h.To.kind != posEnd {
		return nil, configErrorf("--to %s cannot be combined with --follow, which reads on past the end", h.To)
	}
	adm := kadm.NewClient(cl)
	topics, err := selectTopics(ctx, adm, cl, h)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{ReadCommitted: readCommitted(cl)}
	list := adm.ListEndOffsets
	if snap.ReadCommitted {
		list = adm.ListCommittedOffsets
	}
	ends, err := listOffsets(ctx, cl, "end", func() (kadm.ListedOffsets, error) { return list(ctx, topics...) })
	if err != nil {
		return nil, err
	}
	starts, err := listOffsets(ctx, cl, "start", func() (kadm.ListedOffsets, error) { return adm.ListStartOffsets(ctx, topics...) })
	if err != nil {
		return nil, err
	}
	from, err := offsetsAt(ctx, adm, cl, h.From, topics)
	if err != nil {
		return nil, err
	}
	to, err := offsetsAt(ctx, adm, cl, h.To, topics)
	if err != nil {
		return nil, err
	}
	ends.Each(func(o kadm.ListedOffset) {
		logStart, _ := starts.Lookup(o.Topic, o.Partition)
		bounds := partitionBounds{o.Topic, o.Partition, logStart.Offset, o.Offset}
		start := bounds.resolve(h.From, Beginning(), from)
		end := max(bounds.resolve(h.To, End(), to), start)
		snap.Partitions = append(snap.Partitions, PartitionRange{Topic: o.Topic, Partition: o.Partition, Start: start, End: end})
	})
	slices.SortFunc(snap.Partitions, func(a, b PartitionRange) int {
		return cmp.Or(strings.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	return snap, nil
}

type partitionBounds struct {
	topic         string
	partition     int32
	logStart, end int64
}

// resolve turns a position into an offset within [logStart, end]. byTime
// holds the offsets listed for a time position.
func (b partitionBounds) resolve(p, def Position, byTime kadm.ListedOffsets) int64 {
	if p.IsDefault() {
		p = def
	}
	var at int64
	switch p.kind {
	case posBeginning:
		at = b.logStart
	case posEnd:
		at = b.end
	case posOffset:
		at = p.offset
	case posFromEnd:
		at = b.end - p.offset
	case posTime:
		at = b.end // no record at or after that time
		if o, ok := byTime.Lookup(b.topic, b.partition); ok && o.Offset >= 0 {
			at = o.Offset
		}
	}
	return min(max(at, b.logStart), b.end)
}

func readCommitted(cl *kgo.Client) bool {
	level, _ := cl.OptValue(kgo.FetchIsolationLevel).(int8)
	return level == 1
}

func selectTopics(ctx context.Context, adm *kadm.Client, cl *kgo.Client, h History) ([]string, error) {
	switch {
	case len(h.Topics) > 0 && h.Pattern != nil:
		return nil, configErrorf("give topic names or a pattern, not both")
	case len(h.Topics) == 0 && h.Pattern == nil:
		return nil, configErrorf("no topic to read: give a topic name or a pattern")
	}
	details, err := adm.ListTopics(ctx, h.Topics...)
	if err != nil {
		return nil, classify(err, seedBrokers(cl), nil)
	}
	if h.Pattern != nil {
		topics := slices.DeleteFunc(details.Names(), func(t string) bool { return !h.Pattern.MatchString(t) })
		if len(topics) == 0 {
			return nil, infraErrorf(ErrTopicNotFound, nil, "no topic on %s matches %s", seedList(cl), h.Pattern)
		}
		return topics, nil
	}
	var missing []string
	for _, t := range h.Topics {
		d, ok := details[t]
		switch {
		case !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition):
			missing = append(missing, t)
		case d.Err != nil:
			return nil, classify(fmt.Errorf("topic %s: %w", t, d.Err), seedBrokers(cl), nil)
		}
	}
	switch len(missing) {
	case 0:
		return slices.Compact(slices.Sorted(slices.Values(h.Topics))), nil
	case 1:
		return nil, infraErrorf(ErrTopicNotFound, kerr.UnknownTopicOrPartition, "topic %s does not exist on %s", missing[0], seedList(cl))
	}
	return nil, infraErrorf(ErrTopicNotFound, kerr.UnknownTopicOrPartition, "topics %s do not exist on %s", strings.Join(missing, ", "), seedList(cl))
}

// offsetsAt lists, for a time position, each partition's first offset at
// or after that time (the end offset where there is none); nil otherwise.
func offsetsAt(ctx context.Context, adm *kadm.Client, cl *kgo.Client, p Position, topics []string) (kadm.ListedOffsets, error) {
	if p.kind != posTime {
		return nil, nil
	}
	return listOffsets(ctx, cl, "time "+p.String(), func() (kadm.ListedOffsets, error) {
		return adm.ListOffsetsAfterMilli(ctx, p.at.UnixMilli(), topics...)
	})
}

func listOffsets(ctx context.Context, cl *kgo.Client, what string, list func() (kadm.ListedOffsets, error)) (kadm.ListedOffsets, error) {
	listed, err := list()
	if err == nil {
		err = listed.Error()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, classify(fmt.Errorf("listing %s offsets: %w", what, err), seedBrokers(cl), nil)
	}
	return listed, nil
}

func seedBrokers(cl *kgo.Client) []string {
	seeds, _ := cl.OptValue(kgo.SeedBrokers).([]string)
	return seeds
}

func seedList(cl *kgo.Client) string { return strings.Join(seedBrokers(cl), ",") }
