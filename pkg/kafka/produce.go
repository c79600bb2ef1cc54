package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// EnsureTopic creates topic with the given number of partitions unless it
// exists. It returns the number of partitions the topic has.
func EnsureTopic(ctx context.Context, cl *kgo.Client, c *Config, topic string, partitions int32) (int32, error) {
	adm := kadm.NewClient(cl)
	details, err := adm.ListTopics(ctx, topic)
	if err != nil {
		return 0, Classify(err, c)
	}
	if d, ok := details[topic]; ok && d.Err == nil {
		return int32(len(d.Partitions)), nil
	}
	resp, err := adm.CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return 0, Classify(fmt.Errorf("create topic %s: %w", topic, err), c)
	}
	return partitions, nil
}

// ProduceAll produces records and waits until the broker acknowledged
// every one. Records keep the partition they name when the client was
// built with kgo.RecordPartitioner(kgo.ManualPartitioner()).
func ProduceAll(ctx context.Context, cl *kgo.Client, c *Config, records []*kgo.Record) error {
	var first error
	done := make(chan struct{})
	pending := len(records)
	if pending == 0 {
		return nil
	}
	results := make(chan error, 1024)
	go func() {
		for range records {
			if err := <-results; err != nil && first == nil {
				first = err
			}
		}
		close(done)
	}()
	for _, r := range records {
		cl.Produce(ctx, r, func(_ *kgo.Record, err error) { results <- err })
	}
	<-done
	if first != nil {
		return Classify(fmt.Errorf("produce: %w", first), c)
	}
	return nil
}
