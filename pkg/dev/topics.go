package dev

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Topic settings. Every wfctl.* topic has one partition, so that the
// commands keep one total order and the records one log. Nothing is ever
// deleted by time: the records are the engine's state, and kfake applies
// retention (Kafka's default of 7 days) to every topic once any topic is
// compacted. wfctl.deployments is compacted (the latest version per
// process id stays). The topics the engine writes take what one input may
// make it write ([Limits].Records); wfctl.commands, like the domain topics
// (the broker's message.max.bytes), what a client may send
// ([Limits].Command).
func protocolTopics(l Limits) []topicSpec {
	records, command := strconv.Itoa(l.Records), strconv.Itoa(l.Command)
	return []topicSpec{
		{TopicCommands, map[string]string{"retention.ms": "-1", "max.message.bytes": command}},
		{TopicRecords, map[string]string{"retention.ms": "-1", "max.message.bytes": records}},
		{TopicDeployments, map[string]string{"retention.ms": "-1", "cleanup.policy": "compact", "max.message.bytes": records}},
		{TopicJobs, map[string]string{"retention.ms": "-1", "max.message.bytes": records}},
	}
}

type topicSpec struct {
	name    string
	configs map[string]string
}

// domainTopicConfigs keep a domain topic the server creates for good, as
// a developer expects of a local broker's data folder.
var domainTopicConfigs = map[string]string{"retention.ms": "-1"}

// createProtocolTopics creates the wfctl.* topics, or sets the limits of
// those a data folder holds (the flags may have changed since).
func createProtocolTopics(ctx context.Context, c *kfake.Cluster, admin *kgo.Client, l Limits) error {
	for _, t := range protocolTopics(l) {
		if len(c.PartitionInfos(t.name)) > 0 {
			if err := setTopicLimit(ctx, admin, t.name, t.configs["max.message.bytes"]); err != nil {
				return err
			}
			continue
		}
		if _, err := ensureTopic(c, t.name, 1, t.configs); err != nil {
			return err
		}
	}
	return nil
}

func setTopicLimit(ctx context.Context, admin *kgo.Client, topic, maxBytes string) error {
	resp, err := kadm.NewClient(admin).AlterTopicConfigs(ctx, []kadm.AlterConfig{{Name: "max.message.bytes", Value: &maxBytes}}, topic)
	if err == nil {
		_, err = resp.On(topic, nil)
	}
	if err == nil {
		for _, r := range resp {
			err = errors.Join(err, r.Err)
		}
	}
	if err != nil {
		return fmt.Errorf("setting max.message.bytes of %s: %w", topic, err)
	}
	return nil
}

// ensureTopic creates a topic unless it exists and returns its partition
// count.
func ensureTopic(c *kfake.Cluster, topic string, partitions int32, configs map[string]string) (int32, error) {
	if n := len(c.PartitionInfos(topic)); n > 0 {
		return int32(n), nil
	}
	err := c.CreateTopic(topic, partitions, configs)
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return 0, fmt.Errorf("creating topic %s: %w", topic, err)
	}
	return int32(len(c.PartitionInfos(topic))), nil
}

// syncTopics starts consuming the domain topics named by the options and
// the deployed models that are not consumed yet (creating them with the
// configured partition count when missing), each partition from its
// checkpointed offset or, never read before, from its beginning.
func (r *runner) syncTopics() error {
	want := map[string]bool{}
	for _, t := range r.opts.Topics {
		want[t] = true
	}
	maps.Copy(want, r.models.topics)
	add := map[string]map[int32]kgo.Offset{}
	for _, t := range slices.Sorted(maps.Keys(want)) {
		if _, ok := r.consumed[t]; ok {
			continue
		}
		if err := checkDomainTopic(t); err != nil {
			r.consumed[t] = 0 // not again
			r.notify(Notice{Kind: TopicInvalid, Topic: t, Message: err.Error()})
			continue
		}
		n, err := ensureTopic(r.cluster, t, int32(r.opts.Partitions), domainTopicConfigs)
		if err != nil {
			return err
		}
		r.consumed[t] = n
		add[t] = map[int32]kgo.Offset{}
		for p := range n {
			add[t][p] = r.startOffset(t, p)
		}
		r.notify(Notice{Kind: TopicAdded, Topic: t})
	}
	if len(add) == 0 {
		return nil
	}
	r.cons.AddConsumePartitions(add)
	r.topicsMu.Lock()
	for t := range add {
		r.topics = append(r.topics, t)
	}
	slices.Sort(r.topics)
	r.topicsMu.Unlock()
	return nil
}
