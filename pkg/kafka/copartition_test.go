package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/wfctl/wfctl/pkg/broker"
)

// simMember is a group member as the leader sees it: what it subscribes to,
// what it owns and the generation it last synced in.
type simMember struct {
	id     string
	topics []string
	owned  map[string][]int32
	gen    int32
}

// simGroup drives the balancer the way kgo's leader and cooperative members
// do, without a broker.
type simGroup struct {
	t        *testing.T
	bal      kgo.GroupBalancer
	coTopics []string
	counts   map[string]int32
	gen      int32
	members  []*simMember // sorted by id, as kgo sorts them
	joins    int
}

func newSimGroup(t *testing.T, coTopics []string, counts map[string]int32) *simGroup {
	return &simGroup{t: t, bal: CopartitionBalancer(coTopics), coTopics: coTopics, counts: maps.Clone(counts)}
}

func (g *simGroup) add(m *simMember) *simMember {
	slices.Sort(m.topics)
	g.members = append(g.members, m)
	slices.SortFunc(g.members, func(a, b *simMember) int { return strings.Compare(a.id, b.id) })
	return m
}

func (g *simGroup) join(id string, topics ...string) *simMember {
	return g.add(&simMember{id: id, topics: topics, gen: -1})
}

func (g *simGroup) leave(id string) {
	g.members = slices.DeleteFunc(g.members, func(m *simMember) bool { return m.id == id })
}

func (g *simGroup) member(id string) *simMember {
	for _, m := range g.members {
		if m.id == id {
			return m
		}
	}
	g.t.Fatalf("no member %s", id)
	return nil
}

// balance runs the leader's part of one JoinGroup/SyncGroup round and
// returns each member's assignment, decoded as members decode it.
func (g *simGroup) balance() (map[string]map[string][]int32, error) {
	var joined []kmsg.JoinGroupResponseMember
	for _, m := range g.members {
		owned := map[string][]int32{}
		for topic, parts := range m.owned {
			owned[topic] = slices.Sorted(slices.Values(parts))
		}
		joined = append(joined, kmsg.JoinGroupResponseMember{
			MemberID:         m.id,
			ProtocolMetadata: g.bal.JoinGroupMetadata(m.topics, owned, m.gen),
		})
	}
	mb, topics, err := g.bal.MemberBalancer(joined)
	if err != nil {
		return nil, err
	}
	counts := map[string]int32{} // kgo passes the subscribed topics' counts only
	for topic := range topics {
		if n, ok := g.counts[topic]; ok {
			counts[topic] = n
		}
	}
	into, err := mb.(kgo.GroupMemberBalancerOrError).BalanceOrError(counts)
	if err != nil {
		return nil, err
	}
	assigned := map[string]map[string][]int32{}
	for _, a := range into.IntoSyncAssignment() {
		if assigned[a.MemberID], err = g.bal.ParseSyncAssignment(a.MemberAssignment); err != nil {
			g.t.Fatal(err)
		}
	}
	return assigned, nil
}

// rebalance runs rounds until no member has to revoke anything, as kgo's
// cooperative members do (a member that loses partitions revokes them and
// rejoins), checks every round and the end state, and returns the number
// of rounds.
func (g *simGroup) rebalance() int {
	g.t.Helper()
	for round := 1; ; round++ {
		g.gen++
		assigned, err := g.balance()
		if err != nil {
			g.t.Fatalf("round %d: %v", round, err)
		}
		if again, _ := g.balance(); !reflect.DeepEqual(again, assigned) {
			g.t.Fatalf("round %d: same input, different plans:\n%v\n%v", round, assigned, again)
		}
		g.checkExclusive(assigned)
		g.checkHandovers(assigned)
		revoked := false
		for _, m := range g.members {
			for topic, parts := range m.owned {
				revoked = revoked || slices.ContainsFunc(parts, func(p int32) bool { return !slices.Contains(assigned[m.id][topic], p) })
			}
			m.owned, m.gen = assigned[m.id], g.gen
		}
		if !revoked {
			g.checkComplete()
			return round
		}
		if round == 2 {
			g.t.Fatalf("the follow-up rebalance revoked again: %v", assigned)
		}
	}
}

// checkExclusive fails if a partition is assigned to two members or a
// task's partitions to more than one member.
func (g *simGroup) checkExclusive(assigned map[string]map[string][]int32) {
	g.t.Helper()
	holder := map[string]string{}    // topic/p → member
	taskHolder := map[int32]string{} // p → member
	for id, topics := range assigned {
		for topic, parts := range topics {
			for _, p := range parts {
				key := fmt.Sprintf("%s/%d", topic, p)
				if other, ok := holder[key]; ok {
					g.t.Fatalf("%s assigned to %s and %s", key, other, id)
				}
				holder[key] = id
				if !slices.Contains(g.coTopics, topic) {
					continue
				}
				if other, ok := taskHolder[p]; ok && other != id {
					g.t.Fatalf("task %d split: %s on %s, another co-topic's on %s", p, key, id, other)
				}
				taskHolder[p] = id
			}
		}
	}
}

// checkHandovers fails if a member is given a partition that another
// member owns from a later generation than its own claim (or owns at all,
// if it has no claim): cooperative rebalancing must first revoke it there,
// or both would consume it. A stale claim (KIP-792) does not block.
func (g *simGroup) checkHandovers(assigned map[string]map[string][]int32) {
	g.t.Helper()
	claimGen := func(m *simMember, topic string, p int32) (int32, bool) {
		return m.gen, slices.Contains(m.owned[topic], p)
	}
	for _, x := range g.members {
		for topic, parts := range assigned[x.id] {
			for _, p := range parts {
				xGen, xClaims := claimGen(x, topic, p)
				for _, y := range g.members {
					if yGen, yClaims := claimGen(y, topic, p); y != x && yClaims && (!xClaims || yGen > xGen) {
						g.t.Fatalf("%s/%d given to %s while %s holds it", topic, p, x.id, y.id)
					}
				}
			}
		}
	}
}

// checkComplete fails unless every partition is held once by a member that
// subscribes to it, every task is whole, and each topic's partitions are
// spread evenly (within one) over the members that may hold them.
func (g *simGroup) checkComplete() {
	g.t.Helper()
	owners := g.owners()
	for topic, n := range g.counts {
		eligible := g.subscribers(topic)
		if slices.Contains(g.coTopics, topic) {
			eligible = g.taskMembers()
		}
		perMember := map[string]int{}
		for p := range n {
			owner := owners[fmt.Sprintf("%s/%d", topic, p)]
			if len(eligible) == 0 && owner != "" || len(eligible) > 0 && !slices.Contains(eligible, owner) {
				g.t.Fatalf("%s/%d held by %q, eligible: %v", topic, p, owner, eligible)
			}
			perMember[owner]++
			for _, co := range g.coTopics {
				if other := owners[fmt.Sprintf("%s/%d", co, p)]; slices.Contains(g.coTopics, topic) && other != owner {
					g.t.Fatalf("task %d: %s/%d on %s, %s/%d on %s", p, topic, p, owner, co, p, other)
				}
			}
		}
		for _, id := range eligible {
			if c := perMember[id]; c < int(n)/len(eligible) || c > (int(n)+len(eligible)-1)/len(eligible) {
				g.t.Fatalf("%s (%d partitions) uneven over %v: %v", topic, n, eligible, perMember)
			}
		}
	}
}

// owners maps "topic/p" to the member that owns it.
func (g *simGroup) owners() map[string]string {
	owners := map[string]string{}
	for _, m := range g.members {
		for topic, parts := range m.owned {
			for _, p := range parts {
				owners[fmt.Sprintf("%s/%d", topic, p)] = m.id
			}
		}
	}
	return owners
}

func (g *simGroup) subscribers(topic string) []string {
	var ids []string
	for _, m := range g.members {
		if slices.Contains(m.topics, topic) {
			ids = append(ids, m.id)
		}
	}
	return ids
}

// taskMembers are the members that subscribe to every co-topic.
func (g *simGroup) taskMembers() []string {
	var ids []string
	for _, m := range g.members {
		if !slices.ContainsFunc(g.coTopics, func(t string) bool { return !slices.Contains(m.topics, t) }) {
			ids = append(ids, m.id)
		}
	}
	return ids
}

// moves returns the partitions whose owner changed from before to now,
// leaving out those whose owner is gone: "topic/p" → "from→to".
func (g *simGroup) moves(before map[string]string) map[string]string {
	moved := map[string]string{}
	now := g.owners()
	for key, from := range before {
		if to := now[key]; to != from && slices.ContainsFunc(g.members, func(m *simMember) bool { return m.id == from }) {
			moved[key] = from + "→" + to
		}
	}
	return moved
}

var copartitionCounts = map[string]int32{"a": 6, "b": 6, "c": 4}

func TestCopartitionJoinsMoveOnlyWhatMust(t *testing.T) {
	g := newSimGroup(t, []string{"a", "b"}, copartitionCounts)
	// Moves of tasks (a/p and b/p each) and of c's partitions when the
	// n-th member joins an even group: 6 tasks 6 → 3+3 → 2+2+2 → 2+2+1+1,
	// c 4 → 2+2 → 2+1+1 → 1+1+1+1.
	for _, step := range []struct {
		joiner        string
		tasks, cMoves int
		rounds        int
	}{
		{"m1", 0, 0, 1},
		{"m2", 3, 2, 2},
		{"m3", 2, 1, 2},
		{"m4", 1, 1, 2},
	} {
		before := g.owners()
		g.join(step.joiner, "a", "b", "c")
		if rounds := g.rebalance(); rounds != step.rounds {
			t.Errorf("%s joining: %d rounds, want %d", step.joiner, rounds, step.rounds)
		}
		moved := g.moves(before)
		byTopic := map[string]int{}
		for key, move := range moved {
			byTopic[strings.Split(key, "/")[0]]++
			if !strings.HasSuffix(move, "→"+step.joiner) {
				t.Errorf("%s joining moved %s %s: only the joiner should gain", step.joiner, key, move)
			}
		}
		if byTopic["a"] != step.tasks || byTopic["b"] != step.tasks || byTopic["c"] != step.cMoves {
			t.Errorf("%s joining moved %v, want %d tasks and %d of c", step.joiner, moved, step.tasks, step.cMoves)
		}
	}
}

func TestCopartitionLeaveMovesOnlyTheLeaversTasks(t *testing.T) {
	g := newSimGroup(t, []string{"a", "b"}, copartitionCounts)
	for _, id := range []string{"m1", "m2", "m3", "m4"} {
		g.join(id, "a", "b", "c")
		g.rebalance()
	}
	before := g.owners()
	g.leave("m2")
	if rounds := g.rebalance(); rounds != 1 {
		t.Errorf("a member leaving took %d rounds: survivors should revoke nothing", rounds)
	}
	if moved := g.moves(before); len(moved) > 0 {
		t.Errorf("m2 leaving moved survivors' partitions: %v", moved)
	}
}

func TestCopartitionStaleClaimLosesToHigherGeneration(t *testing.T) {
	g := newSimGroup(t, []string{"a", "b"}, map[string]int32{"a": 1, "b": 1})
	g.add(&simMember{id: "m1", topics: []string{"a", "b"}, gen: 5, owned: map[string][]int32{"a": {0}, "b": {0}}})
	// m0 sorts first and claims the same task from generation 2: it
	// missed rebalances and the task has moved on to m1 since.
	g.add(&simMember{id: "m0", topics: []string{"a", "b"}, gen: 2, owned: map[string][]int32{"a": {0}, "b": {0}}})
	assigned, err := g.balance()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string][]int32{"m0": {}, "m1": {"a": {0}, "b": {0}}}
	if !reflect.DeepEqual(assigned, want) {
		t.Errorf("got %v, want %v", assigned, want)
	}
}

func TestCopartitionStaleMemberRejoinsAsANewOne(t *testing.T) {
	g := newSimGroup(t, []string{"a", "b"}, copartitionCounts)
	g.join("m1", "a", "b", "c")
	g.join("m2", "a", "b", "c")
	g.rebalance()
	staleClaim := maps.Clone(g.member("m1").owned)
	staleGen := g.gen
	g.rebalance()
	g.rebalance()
	before := g.owners()
	// m0 sorts first and rejoins with m1's assignment of two
	// generations ago.
	g.add(&simMember{id: "m0", topics: []string{"a", "b", "c"}, gen: staleGen, owned: staleClaim})
	g.rebalance()
	moved := g.moves(before)
	for key, move := range moved {
		if !strings.HasSuffix(move, "→m0") {
			t.Errorf("moved %s %s", key, move)
		}
	}
	if len(moved) != 2+2+1 { // 3+3 → 2+2+2 tasks, 2+2 → 2+1+1 of c
		t.Errorf("moved %v, want 2 tasks and 1 of c, as for any joiner", moved)
	}
}

func TestCopartitionSplitTaskIsReunitedWithoutOverlap(t *testing.T) {
	// m1 and m2 hold halves of task 0 in the same generation (the group
	// ran another balancer before): m1 wins it by member order, b/0 is
	// revoked from m2 and unassigned for one round, then given to m1.
	g := newSimGroup(t, []string{"a", "b"}, map[string]int32{"a": 1, "b": 1})
	g.add(&simMember{id: "m1", topics: []string{"a", "b"}, gen: 3, owned: map[string][]int32{"a": {0}}})
	g.add(&simMember{id: "m2", topics: []string{"a", "b"}, gen: 3, owned: map[string][]int32{"b": {0}}})
	assigned, err := g.balance()
	if err != nil {
		t.Fatal(err)
	}
	if want := (map[string]map[string][]int32{"m1": {"a": {0}}, "m2": {}}); !reflect.DeepEqual(assigned, want) {
		t.Errorf("first round: got %v, want %v", assigned, want)
	}
	g.rebalance()
	if got := g.member("m1").owned; !reflect.DeepEqual(got, map[string][]int32{"a": {0}, "b": {0}}) {
		t.Errorf("after the follow-up round m1 holds %v, want all of task 0", got)
	}
}

func TestCopartitionEvensOutAnInheritedGroup(t *testing.T) {
	// m1 holds tasks 0-4 and m2 task 5, as another balancer left them:
	// m2 keeps task 5 and gains 3 and 4 once m1 has revoked them.
	g := newSimGroup(t, []string{"a", "b"}, map[string]int32{"a": 6, "b": 6})
	g.add(&simMember{id: "m1", topics: []string{"a", "b"}, gen: 1, owned: map[string][]int32{"a": {0, 1, 2, 3, 4}, "b": {0, 1, 2, 3, 4}}})
	g.add(&simMember{id: "m2", topics: []string{"a", "b"}, gen: 1, owned: map[string][]int32{"a": {5}, "b": {5}}})
	assigned, err := g.balance()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string][]int32{"m1": {"a": {0, 1, 2}, "b": {0, 1, 2}}, "m2": {"a": {5}, "b": {5}}}
	if !reflect.DeepEqual(assigned, want) {
		t.Errorf("first round: got %v, want %v", assigned, want)
	}
	g.rebalance()
	if got := g.member("m2").owned; !reflect.DeepEqual(got, map[string][]int32{"a": {3, 4, 5}, "b": {3, 4, 5}}) {
		t.Errorf("m2 ends with %v, want tasks 3, 4 and 5", got)
	}
}

func TestCopartitionSpreadsRemaindersOverDifferentMembers(t *testing.T) {
	g := newSimGroup(t, []string{"a", "b"}, map[string]int32{"a": 6, "b": 6, "c": 4, "d": 4})
	for _, id := range []string{"m1", "m2", "m3"} {
		g.join(id, "a", "b", "c", "d")
	}
	g.rebalance()
	var totals []int
	for _, m := range g.members {
		total := 0
		for _, parts := range m.owned {
			total += len(parts)
		}
		totals = append(totals, total)
	}
	if slices.Max(totals)-slices.Min(totals) > 1 {
		t.Errorf("20 partitions over 3 members: %v, want 7, 7, 6 in some order", totals)
	}
}

func TestCopartitionPartialSubscriberGetsNoTasks(t *testing.T) {
	g := newSimGroup(t, []string{"a", "b"}, copartitionCounts)
	g.join("m1", "a", "b", "c")
	g.join("m2", "a", "c") // an older replica, say, that does not read b
	g.rebalance()
	want := map[string]map[string][]int32{
		"m1": {"a": {0, 1, 2, 3, 4, 5}, "b": {0, 1, 2, 3, 4, 5}, "c": {0, 2}},
		"m2": {"c": {1, 3}},
	}
	for id, owned := range want {
		if got := g.member(id).owned; !reflect.DeepEqual(got, owned) {
			t.Errorf("%s holds %v, want %v", id, got, owned)
		}
	}
}

func TestCopartitionErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		counts  map[string]int32
		members map[string][]string
		want    []string
	}{
		{"different partition counts", map[string]int32{"a": 6, "b": 4},
			map[string][]string{"m1": {"a", "b"}},
			[]string{"co-partitioned topic b has 4 partitions but a has 6"}},
		{"nobody consumes every co-topic", map[string]int32{"a": 6, "b": 6},
			map[string][]string{"m1": {"a"}, "m2": {"b"}},
			[]string{"no member", "a, b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newSimGroup(t, []string{"b", "a"}, tc.counts)
			for id, topics := range tc.members {
				g.join(id, topics...)
			}
			_, err := g.balance()
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want one containing %q", err, want)
				}
			}
		})
	}
}

// TestCopartitionProperties runs random histories of joins, leaves, stale
// rejoins, subscription changes and partition increases, half of them in a
// group taken over from another balancer (any split, tasks too). Every
// round must keep tasks whole and partitions exclusive, every rebalance
// must converge in two rounds to a complete, even assignment, moving no
// more than the least possible.
func TestCopartitionProperties(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 0))
		g := newSimGroup(t, []string{"a", "b"}, map[string]int32{"a": 6, "b": 6, "c": 4, "d": 3})
		if seed%2 == 1 {
			inherit(g, rng)
			g.rebalance()
		}
		for range 15 {
			before := randomEvent(g, rng)
			want := minMoves(before)
			g.rebalance()
			if moved := g.moves(before); len(moved) != want(g) {
				t.Fatalf("seed %d: moved %v, the least possible is %d", seed, moved, want(g))
			}
		}
	}
}

var simSubscriptions = [][]string{{"a", "b", "c"}, {"a", "b", "c", "d"}, {"c", "d"}}

// inherit makes g a group of 2 to 4 members in generation 1 that split
// every partition at random among the members subscribed to it, as a group
// that ran another balancer would.
func inherit(g *simGroup, rng *rand.Rand) {
	for i := range 2 + rng.IntN(3) {
		g.join(fmt.Sprintf("i%d", i), simSubscriptions[rng.IntN(len(simSubscriptions))]...).gen = 1
	}
	g.gen = 1
	for topic, n := range g.counts {
		subscribers := g.subscribers(topic)
		if len(subscribers) == 0 {
			continue
		}
		for p := range n {
			m := g.member(subscribers[rng.IntN(len(subscribers))])
			if m.owned == nil {
				m.owned = map[string][]int32{}
			}
			m.owned[topic] = append(m.owned[topic], p)
		}
	}
}

// randomEvent changes g and returns the ownership that the next rebalance
// is measured against: what members held, less what the event forces to
// move.
func randomEvent(g *simGroup, rng *rand.Rand) map[string]string {
	before := g.owners()
	g.joins++
	id := fmt.Sprintf("m%03d.%d", rng.IntN(1000), g.joins) // unique, anywhere in kgo's order
	switch event := rng.IntN(12); {
	case event < 4 || len(g.members) == 0:
		g.join(id, simSubscriptions[rng.IntN(len(simSubscriptions))]...)
	case event < 7:
		g.leave(g.members[rng.IntN(len(g.members))].id)
	case event < 9: // kicked; others take over; rejoins with what it had
		m := g.members[rng.IntN(len(g.members))]
		g.leave(m.id)
		g.rebalance()
		before = g.owners()
		g.add(&simMember{id: id, topics: m.topics, owned: m.owned, gen: m.gen})
	case event < 11: // rejoins with other topics, still owning the old ones
		m := g.members[rng.IntN(len(g.members))]
		m.topics = slices.Clone(simSubscriptions[rng.IntN(len(simSubscriptions))])
		for key, owner := range before {
			topic := strings.Split(key, "/")[0]
			if owner == m.id && (!slices.Contains(m.topics, topic) || slices.Contains(g.coTopics, topic) && !slices.Contains(g.taskMembers(), m.id)) {
				delete(before, key)
			}
		}
	default:
		grow := int32(rng.IntN(2) + 1)
		for _, topic := range [][]string{{"a", "b"}, {"c"}, {"d"}}[rng.IntN(3)] {
			g.counts[topic] += grow
		}
	}
	return before
}

// minMoves returns a function that, given the group after an event,
// computes the fewest partition moves that could even it out from the
// ownership before: per topic, with quotas n/len and the extra ones given
// to the members that own most.
func minMoves(before map[string]string) func(*simGroup) int {
	return func(g *simGroup) int {
		total := 0
		for topic, n := range g.counts {
			members := g.subscribers(topic)
			weight := 1
			if slices.Contains(g.coTopics, topic) {
				if topic != g.coTopics[0] {
					continue
				}
				members, weight = g.taskMembers(), len(g.coTopics)
			}
			if len(members) == 0 {
				continue
			}
			var owned []int
			for _, id := range members {
				count := 0
				for p := range n {
					if before[fmt.Sprintf("%s/%d", topic, p)] == id {
						count++
					}
				}
				owned = append(owned, count)
			}
			slices.SortFunc(owned, func(a, b int) int { return b - a })
			base, extra := int(n)/len(owned), int(n)%len(owned)
			for i, count := range owned {
				quota := base
				if i < extra {
					quota++
				}
				total += weight * max(0, count-quota)
			}
		}
		return total
	}
}

// ownership tracks what each client of a group holds, from its
// OnPartitionsAssigned, Revoked and Lost callbacks, and records any moment
// at which two clients hold the same partition or split a task.
type ownership struct {
	mu         sync.Mutex
	held       map[string]map[string][]int32 // client → topic → partitions
	revokes    map[string]int
	violations []string
}

func (o *ownership) opts(name string) []kgo.Opt {
	return []kgo.Opt{
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
			o.update(name, assigned, true)
		}),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, revoked map[string][]int32) {
			o.update(name, revoked, false)
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
			o.update(name, lost, false)
		}),
	}
}

func (o *ownership) update(name string, parts map[string][]int32, add bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	held := o.held[name]
	if held == nil {
		held = map[string][]int32{}
		o.held[name] = held
	}
	for topic, ps := range parts {
		if add {
			held[topic] = append(held[topic], ps...)
			continue
		}
		if len(ps) > 0 {
			o.revokes[name]++
		}
		held[topic] = slices.DeleteFunc(held[topic], func(p int32) bool { return slices.Contains(ps, p) })
	}
	if err := o.check(nil); err != nil {
		o.violations = append(o.violations, err.Error())
	}
}

// check returns an error unless every partition of counts is held by
// exactly one client, a and b's partition p by the same one, and tasks
// and c's partitions spread evenly over the clients named. With no
// clients, it only looks for overlaps and split tasks.
func (o *ownership) check(clients []string) error {
	holder := map[string]string{}
	for name, topics := range o.held {
		for topic, parts := range topics {
			for _, p := range parts {
				key := fmt.Sprintf("%s/%d", topic, p)
				if other, ok := holder[key]; ok {
					return fmt.Errorf("%s held by %s and %s", key, other, name)
				}
				holder[key] = name
			}
		}
	}
	for p := range copartitionCounts["a"] {
		a, b := holder[fmt.Sprintf("a/%d", p)], holder[fmt.Sprintf("b/%d", p)]
		if a != "" && b != "" && a != b {
			return fmt.Errorf("task %d split: a/%d on %s, b/%d on %s", p, p, a, p, b)
		}
	}
	if clients == nil {
		return nil
	}
	for topic, n := range copartitionCounts {
		perClient := map[string]int{}
		for p := range n {
			name, ok := holder[fmt.Sprintf("%s/%d", topic, p)]
			if !ok {
				return fmt.Errorf("%s/%d unassigned", topic, p)
			}
			perClient[name]++
		}
		for _, name := range clients {
			if c := perClient[name]; c < int(n)/len(clients) || c > (int(n)+len(clients)-1)/len(clients) {
				return fmt.Errorf("%s uneven over %v: %v", topic, clients, perClient)
			}
		}
	}
	return nil
}

// waitUntil polls until cond returns nil, failing with its last error
// after a deadline.
func waitUntil(t *testing.T, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("group never settled: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCopartitionGroupOverKfake(t *testing.T) {
	br := startBroker(t, broker.WithTopics("a", "b"), broker.WithPartitions(6))
	ctx := testContext(t)
	adm := kadm.NewClient(producer(t, br.Addr()))
	if _, err := adm.CreateTopic(ctx, 4, 1, nil, "c"); err != nil {
		t.Fatalf("creating c: %v", err)
	}
	own := &ownership{held: map[string]map[string][]int32{}, revokes: map[string]int{}}
	clients := map[string]*kgo.Client{}
	start := func(name string) {
		cl, err := kgo.NewClient(append(own.opts(name),
			kgo.SeedBrokers(br.Addr()),
			kgo.ConsumerGroup("trace"),
			kgo.ConsumeTopics("a", "b", "c"),
			kgo.Balancers(CopartitionBalancer([]string{"a", "b"})),
			kgo.HeartbeatInterval(50*time.Millisecond), // members learn of a rebalance at their next heartbeat
		)...)
		if err != nil {
			t.Fatal(err)
		}
		clients[name] = cl
		go func() {
			for !cl.PollFetches(ctx).IsClientClosed() && ctx.Err() == nil {
			}
		}()
	}
	t.Cleanup(func() {
		var wg sync.WaitGroup
		for _, cl := range clients {
			wg.Go(cl.Close)
		}
		wg.Wait()
	})
	// settled: the group is stable with these members on our protocol,
	// and their callbacks add up to a complete, even, co-located
	// assignment.
	settled := func(names ...string) func() error {
		return func() error {
			groups, err := adm.DescribeGroups(ctx, "trace")
			if err != nil {
				return err
			}
			if g := groups["trace"]; g.State != "Stable" || g.Protocol != "wfctl-copartition" || len(g.Members) != len(names) {
				return fmt.Errorf("group %s on %q with %d members, want Stable on wfctl-copartition with %d", g.State, g.Protocol, len(g.Members), len(names))
			}
			own.mu.Lock()
			defer own.mu.Unlock()
			return own.check(names)
		}
	}

	for _, name := range []string{"r1", "r2", "r3"} {
		start(name)
	}
	waitUntil(t, settled("r1", "r2", "r3"))

	own.mu.Lock()
	revokesBefore := maps.Clone(own.revokes)
	own.mu.Unlock()
	clients["r2"].Close()
	delete(clients, "r2")
	waitUntil(t, settled("r1", "r3"))
	own.mu.Lock()
	for _, name := range []string{"r1", "r3"} {
		if own.revokes[name] != revokesBefore[name] {
			t.Errorf("%s revoked partitions when r2 left; survivors should only gain", name)
		}
	}
	own.mu.Unlock()

	start("r4")
	start("r5")
	waitUntil(t, settled("r1", "r3", "r4", "r5"))

	own.mu.Lock()
	defer own.mu.Unlock()
	if len(own.violations) > 0 {
		t.Errorf("at some moment ownership overlapped or split a task:\n%s", strings.Join(own.violations, "\n"))
	}
}

func TestCopartitionCountMismatchReachesPollFetches(t *testing.T) {
	br := startBroker(t, broker.WithTopics("a"), broker.WithPartitions(6))
	ctx, cancel := context.WithTimeout(testContext(t), 8*time.Second)
	defer cancel()
	if _, err := kadm.NewClient(producer(t, br.Addr())).CreateTopic(ctx, 4, 1, nil, "c"); err != nil {
		t.Fatalf("creating c: %v", err)
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(br.Addr()),
		kgo.ConsumerGroup("trace"),
		kgo.ConsumeTopics("a", "c"),
		kgo.Balancers(CopartitionBalancer([]string{"a", "c"})),
	)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatal("no error reached PollFetches")
		}
		var session *kgo.ErrGroupSession
		for _, fe := range fetches.Errors() {
			if errors.As(fe.Err, &session) {
				if want := "co-partitioned topic c has 4 partitions but a has 6"; !strings.Contains(session.Error(), want) {
					t.Errorf("error %q, want one containing %q", session, want)
				}
				return
			}
		}
	}
}
