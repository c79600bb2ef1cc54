package kafka

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// copartitionProtocol is the group protocol name members announce in
// JoinGroup. Every member of a group must offer it for the broker to pick it.
const copartitionProtocol = "wfctl-copartition"

// CopartitionBalancer returns a cooperative group balancer that assigns
// "tasks" (partition numbers 0..n-1 of the co-partitioned topics) as units.
//
// coTopics are topics whose records are keyed by the same key (for wfctl
// trace, the correlation key) with the same partition count n, so that one
// key lands on the same partition number p of every one of them. The
// balancer guarantees that partition p of all of them goes to one member:
// the member that owns task p sees every record of its keys, whatever topic
// they come from. A co-topic that no member subscribes to, or that does not
// exist yet, is left out until it appears. If a co-topic has another
// partition count than the first one (in name order), balancing fails with
// an error naming both topics and counts: the leader's PollFetches returns
// it as a [*kgo.ErrGroupSession] and kgo retries the join with backoff, so
// the group resumes once the counts agree.
//
// A task goes only to a member that subscribes to every co-topic in play; a
// member that subscribes to some of them only gets none of their partitions.
// If no member subscribes to all of them, balancing fails.
//
// Every other subscribed topic is balanced on its own: its partitions are
// spread over the members that subscribe to it, each getting as many as any
// other within one. When a topic's count does not divide evenly, the extra
// partitions go to the members holding the fewest partitions so far (tasks
// first, then topics in name order), so that the group is also even overall.
//
// Balancing is sticky, as [kgo.CooperativeStickyBalancer] is: a member keeps
// the tasks and partitions it owns (the OwnedPartitions of its JoinGroup
// metadata), then counts are evened out (tasks per member differ by at most
// one) moving as few as possible. A member owns task p when it owns
// partition p of any co-topic. When two members claim the same task or
// partition (a member that missed rebalances rejoins with a stale
// assignment), the claim made in the higher generation wins, as in KIP-792;
// between equal generations, the member holding more of the task's
// partitions, then the first member in kgo's order. The output depends only
// on the members (which kgo sorts) and the partition counts.
//
// Rebalances are cooperative (KIP-429): a member that joins or leaves moves
// only what must move. A task that moves from A to B is first revoked from
// A and left unassigned; A's revocation makes it rejoin, and the follow-up
// rebalance gives the task to B. Until then the task's partitions may be
// held by A or by nobody, never by A and B at once: no assignment splits a
// task between two members. A member that leaves gives its tasks to others
// in one rebalance, without revoking anything from the survivors.
//
// Members use the "consumer" protocol's metadata (kmsg.ConsumerMemberMetadata
// version 3 with OwnedPartitions and Generation, as the cooperative-sticky
// balancer does) and assignments (kmsg.ConsumerMemberAssignment); the
// protocol is named "wfctl-copartition", so every member of the group must
// use this balancer.
func CopartitionBalancer(coTopics []string) kgo.GroupBalancer {
	sorted := slices.Clone(coTopics)
	slices.Sort(sorted)
	return &copartitionBalancer{coTopics: slices.Compact(sorted)}
}

type copartitionBalancer struct {
	coTopics []string // sorted, unique
}

func (*copartitionBalancer) ProtocolName() string { return copartitionProtocol }

func (*copartitionBalancer) IsCooperative() bool { return true }

// JoinGroupMetadata encodes what the cooperative-sticky balancer encodes,
// minus its UserData: the owned partitions and their generation are all the
// leader needs.
func (*copartitionBalancer) JoinGroupMetadata(interests []string, current map[string][]int32, generation int32) []byte {
	meta := kmsg.NewConsumerMemberMetadata()
	meta.Version = 3
	meta.Topics = interests
	meta.Generation = generation
	for _, topic := range slices.Sorted(maps.Keys(current)) {
		owned := kmsg.NewConsumerMemberMetadataOwnedPartition()
		owned.Topic = topic
		owned.Partitions = current[topic]
		meta.OwnedPartitions = append(meta.OwnedPartitions, owned)
	}
	return meta.AppendTo(nil)
}

func (*copartitionBalancer) ParseSyncAssignment(assignment []byte) (map[string][]int32, error) {
	return kgo.ParseConsumerSyncAssignment(assignment)
}

func (c *copartitionBalancer) MemberBalancer(members []kmsg.JoinGroupResponseMember) (kgo.GroupMemberBalancer, map[string]struct{}, error) {
	b, err := kgo.NewConsumerBalancer(c, members)
	return b, b.MemberTopics(), err
}

// Balance implements kgo.ConsumerBalancerBalance. kgo calls it through the
// ConsumerBalancer's BalanceOrError, which returns the error set here.
func (c *copartitionBalancer) Balance(b *kgo.ConsumerBalancer, counts map[string]int32) kgo.IntoSyncAssignment {
	g := newCoGroup(b)
	plan := b.NewPlan()
	if err := g.assignTasks(plan, c.coTopics, counts); err != nil {
		b.SetError(err)
		return nil
	}
	for _, topic := range slices.Sorted(maps.Keys(counts)) {
		if !slices.Contains(c.coTopics, topic) && counts[topic] > 0 {
			g.assignTopic(plan, topic, int(counts[topic]))
		}
	}
	plan.AdjustCooperative(b)
	return plan
}

// coGroup is the group being balanced: members in kgo's order, and how many
// partitions each has in the plan so far.
type coGroup struct {
	members []*kmsg.JoinGroupResponseMember
	metas   []*kmsg.ConsumerMemberMetadata
	load    []int
}

func newCoGroup(b *kgo.ConsumerBalancer) *coGroup {
	g := new(coGroup)
	b.EachMember(func(m *kmsg.JoinGroupResponseMember, meta *kmsg.ConsumerMemberMetadata) {
		g.members = append(g.members, m)
		g.metas = append(g.metas, meta)
	})
	g.load = make([]int, len(g.members))
	return g
}

// assignTasks plans the co-topics in play, task by task.
func (g *coGroup) assignTasks(plan *kgo.BalancePlan, coTopics []string, counts map[string]int32) error {
	subscribed := slices.DeleteFunc(slices.Clone(coTopics), func(t string) bool { return len(g.subscribers([]string{t})) == 0 })
	inPlay, n, err := copartitioned(subscribed, counts)
	if err != nil || len(inPlay) == 0 {
		return err
	}
	eligible := g.subscribers(inPlay)
	if len(eligible) == 0 {
		return fmt.Errorf("no member of the group consumes all of the co-partitioned topics %s: replicas of one group must consume the same topics", strings.Join(inPlay, ", "))
	}
	target := spread(g.claims(inPlay, n, eligible), eligible, g.load)
	for i, tasks := range byMember(target, len(g.members)) {
		if len(tasks) == 0 {
			continue
		}
		for _, topic := range inPlay {
			plan.AddPartitions(g.members[i], topic, tasks) // appends: a copy per topic
		}
		g.load[i] += len(tasks) * len(inPlay)
	}
	return nil
}

// assignTopic plans a topic that is not co-partitioned.
func (g *coGroup) assignTopic(plan *kgo.BalancePlan, topic string, n int) {
	eligible := g.subscribers([]string{topic})
	target := spread(g.claims([]string{topic}, n, eligible), eligible, g.load)
	for i, parts := range byMember(target, len(g.members)) {
		if len(parts) == 0 {
			continue
		}
		plan.AddPartitions(g.members[i], topic, parts)
		g.load[i] += len(parts)
	}
}

// copartitioned returns the co-topics that exist (kgo passes the counts of
// the topics members subscribe to, if they exist) and their common
// partition count.
func copartitioned(coTopics []string, counts map[string]int32) (inPlay []string, n int, err error) {
	for _, topic := range coTopics {
		count := int(counts[topic])
		switch {
		case count <= 0:
			continue
		case len(inPlay) == 0:
			n = count
		case count != n:
			return nil, 0, fmt.Errorf("co-partitioned topic %s has %d partitions but %s has %d: co-partitioned topics need the same partition count (re-key %s into a topic with %d partitions, or do not list it as co-partitioned)",
				topic, count, inPlay[0], n, topic, n)
		}
		inPlay = append(inPlay, topic)
	}
	return inPlay, n, nil
}

// subscribers returns the indexes of the members subscribed to every one of
// topics.
func (g *coGroup) subscribers(topics []string) []int {
	var subscribed []int
	for i, meta := range g.metas {
		if !slices.ContainsFunc(topics, func(t string) bool { return !slices.Contains(meta.Topics, t) }) {
			subscribed = append(subscribed, i)
		}
	}
	return subscribed
}

// claims returns, for each unit p in 0..n-1 (partition p of each of
// topics), the eligible member whose claim to it wins, or -1 if none claims
// it. Claims are resolved as KIP-792 does for partitions: higher
// generation, then more of the unit's partitions held, then member order.
func (g *coGroup) claims(topics []string, n int, eligible []int) []int {
	owner := make([]int, n)
	held := make([]int, n)
	for p := range owner {
		owner[p] = -1
	}
	for _, i := range eligible {
		meta := g.metas[i]
		for p, count := range heldCounts(meta, topics, n) {
			if count == 0 {
				continue
			}
			o := owner[p]
			if o < 0 || meta.Generation > g.metas[o].Generation ||
				meta.Generation == g.metas[o].Generation && count > held[p] {
				owner[p], held[p] = i, count
			}
		}
	}
	return owner
}

// heldCounts returns how many of topics' partition p the member owns, for
// each p in 0..n-1.
func heldCounts(meta *kmsg.ConsumerMemberMetadata, topics []string, n int) []int {
	counts := make([]int, n)
	for _, owned := range meta.OwnedPartitions {
		if !slices.Contains(topics, owned.Topic) {
			continue
		}
		for _, p := range owned.Partitions {
			if p >= 0 && int(p) < n {
				counts[p]++
			}
		}
	}
	return counts
}

// spread returns the member each unit goes to, given the current owners
// (-1: none). Members keep what they own up to their quota; what is left
// goes to the members below quota, the emptiest first.
func spread(owner []int, eligible []int, load []int) []int {
	target := make([]int, len(owner))
	if len(eligible) == 0 {
		for u := range target {
			target[u] = -1
		}
		return target
	}
	owned := byMember(owner, len(load))
	quota := quotas(len(owner), eligible, owned, load)
	have := make([]int, len(load))
	for u, o := range owner {
		target[u] = -1
		if o >= 0 && have[o] < quota[o] { // units ascend: a member keeps its lowest
			target[u] = o
			have[o]++
		}
	}
	for u := range target {
		if target[u] >= 0 {
			continue
		}
		best := -1
		for _, i := range eligible {
			if have[i] < quota[i] && (best < 0 || have[i] < have[best]) {
				best = i
			}
		}
		target[u] = best
		have[best]++
	}
	return target
}

// quotas returns how many of n units each eligible member gets: n/len, and
// one more for n%len of them. The extra ones go first to members that own
// more than n/len (each saves one move), then to the members with the
// least load, then by member order. Ownership counts are deliberately not
// compared beyond that: after the cooperative revoke, the follow-up
// rebalance sees different counts and must pick the same members, or the
// second rebalance would move units again.
func quotas(n int, eligible []int, owned [][]int32, load []int) []int {
	base, extra := n/len(eligible), n%len(eligible)
	over := func(i int) bool { return len(owned[i]) > base }
	ranked := slices.Clone(eligible)
	slices.SortFunc(ranked, func(a, b int) int {
		if over(a) != over(b) {
			if over(a) {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(load[a], load[b]), cmp.Compare(a, b))
	})
	quota := make([]int, len(load))
	for k, i := range ranked {
		quota[i] = base
		if k < extra {
			quota[i]++
		}
	}
	return quota
}

// byMember inverts a unit → member mapping: the units of each member, in
// ascending order. Units mapped to -1 are left out.
func byMember(target []int, members int) [][]int32 {
	units := make([][]int32, members)
	for u, i := range target {
		if i >= 0 {
			units[i] = append(units[i], int32(u))
		}
	}
	return units
}
