package trace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/duration"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// GroupOptions configure a tracking group: `wfctl trace --follow --group`.
type GroupOptions struct {
	// Group is the Kafka consumer group; replicas with the same group
	// share the work. It also names the group's internal topics:
	// wfctl.trace.GROUP.repartition and wfctl.trace.GROUP.state.
	Group string
	// Topics are the input topics.
	Topics []string
	// AlertsTopic receives the alerts (CloudEvents JSON), created with
	// one partition when missing.
	AlertsTopic string
	// ReplicaID names this replica for its transactional ID; a replica
	// restarted with the same ID fences and aborts what its previous
	// run left open at once (default: the host name and process ID).
	ReplicaID string
	// Static makes the replica a static member of the group (KIP-345,
	// group.instance.id = ReplicaID): a run started again with the same
	// ID, even after a crash, takes over the previous run's partitions
	// at once, without waiting SessionTimeout for the dead run to be
	// dropped and without moving any other replica's partitions. A clean
	// stop leaves the group explicitly (LeaveGroup by instance ID), so
	// that its partitions move at once. Set it when ReplicaID is stable
	// across restarts (a systemd instance, a StatefulSet pod), never
	// when two live replicas could share an ID.
	Static bool
	// CheckpointEvery and CheckpointRecords bound how much work a
	// transaction covers (default 10s and 100,000 records); a
	// transaction with alerts ends within AlertDelay (default 50ms) so
	// that alerts are not held back.
	CheckpointEvery   time.Duration
	CheckpointRecords int64
	AlertDelay        time.Duration
	// IdleAfter is the grace the wall clock gives when no input holds a
	// task's event time back (every input caught up): stalls are judged
	// as of now less IdleAfter (default 5s), so a stall on a quiet
	// partition is alerted at most IdleAfter after it falls due.
	IdleAfter time.Duration
	// Every is how often stalls are checked (default 100ms).
	Every time.Duration
	// SessionTimeout is the consumer group session timeout (default
	// 10s): how soon the partitions of a replica that died and was not
	// started again move.
	SessionTimeout time.Duration
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Logf, when set, is told about rebalances, restores and aborts.
	Logf func(format string, args ...any)
	// Observer, when set, is told what the group does (metrics).
	Observer GroupObserver
	// Alerted, when set, gets every alert once its transaction
	// committed (the webhook).
	Alerted func([]Alert)
}

// GroupObserver is told what a tracking group does, for metrics and
// readiness.
type GroupObserver interface {
	// Committed is called after each committed transaction with the
	// group's state then, and when the replica's readiness changes
	// between commits (tasks restored, inputs caught up).
	Committed(GroupStatus)
}

// GroupStatus is what a replica holds after a committed transaction.
type GroupStatus struct {
	Tasks       []int32
	Records     int64 // records run by this replica's tasks, in total
	Watermark   time.Time
	Instances   int64
	Stalled     map[[2]string]int // by process and element
	TimedOut    int64
	AlertsTotal map[string]int64 // by type, written since start
	Checkpoint  time.Duration    // the last checkpoint's duration
	Lag         map[string]int64 // topic/partition → records behind
	Ready       bool             // every owned task restored and caught up
}

// Group topic names.
func repartitionTopic(group string) string { return "wfctl.trace." + group + ".repartition" }
func stateTopic(group string) string       { return "wfctl.trace." + group + ".state" }

// groupLayout is how a group's topics divide into tasks.
type groupLayout struct {
	tasks int32 // the co-partitioned topics' partition count
	// co are the topics read by the tasks directly: the inputs with the
	// first input's partition count, and the repartition topic.
	co []string
	// other are inputs re-keyed into the repartition topic.
	other       []string
	repartition string
	state       string
	// parts are the input topics' partition counts.
	parts map[string]int32
}

// layout reads the topics' partition counts and creates the group's
// internal topics and the alerts topic when they are missing.
func layout(ctx context.Context, adm *kadm.Client, o *GroupOptions) (*groupLayout, error) {
	details, err := adm.ListTopics(ctx, o.Topics...)
	if err != nil {
		return nil, err
	}
	l := &groupLayout{repartition: repartitionTopic(o.Group), state: stateTopic(o.Group), parts: map[string]int32{}}
	for i, tp := range o.Topics {
		d, ok := details[tp]
		if !ok || d.Err != nil {
			return nil, fmt.Errorf("topic %s: not found (create it, or check --topic)", tp)
		}
		n := int32(len(d.Partitions))
		l.parts[tp] = n
		if i == 0 {
			l.tasks = n
		}
		if n == l.tasks {
			l.co = append(l.co, tp)
		} else {
			l.other = append(l.other, tp)
		}
	}
	l.co = append(l.co, l.repartition)
	// Forwarded records keep their own (event) time, which may be months
	// old: a time-based retention would delete them before a task reads
	// them. As Kafka Streams does with its repartition topics, nothing
	// expires by time; what every task has committed is purged (purge).
	retention := "-1"
	compact := "compact"
	internal := []struct {
		name  string
		parts int32
		cfg   map[string]*string
	}{
		{l.repartition, l.tasks, map[string]*string{"retention.ms": &retention}},
		{l.state, l.tasks, map[string]*string{"cleanup.policy": &compact}},
		{o.AlertsTopic, 1, nil},
	}
	existing, err := adm.ListTopics(ctx, l.repartition, l.state, o.AlertsTopic)
	if err != nil {
		return nil, err
	}
	for _, it := range internal {
		if d, ok := existing[it.name]; ok && d.Err == nil {
			if it.name != o.AlertsTopic && int32(len(d.Partitions)) != it.parts {
				return nil, fmt.Errorf("topic %s has %d partitions, but %s has %d: the group's topics no longer match its inputs (start a new --group)",
					it.name, len(d.Partitions), o.Topics[0], it.parts)
			}
			continue
		}
		resp, err := adm.CreateTopic(ctx, it.parts, -1, it.cfg, it.name)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !strings.Contains(err.Error(), "TOPIC_ALREADY_EXISTS") {
			return nil, fmt.Errorf("create topic %s: %w", it.name, err)
		}
	}
	return l, nil
}

// isCo is true for a topic the tasks read directly.
func (l *groupLayout) isCo(topic string) bool { return slices.Contains(l.co, topic) }

// topics are every topic the group reads.
func (l *groupLayout) topics() []string { return append(slices.Clone(l.co), l.other...) }

// taskOf is the task of a correlation key: the partition Kafka's default
// partitioner (murmur2, as Java's and franz-go's) gives it.
func (l *groupLayout) taskOf(key string) int32 {
	return int32(keyPartitioner.Partition(&kgo.Record{Key: []byte(key)}, int(l.tasks)))
}

var keyPartitioner = kgo.StickyKeyPartitioner(nil).ForTopic("")

// originHeader carries a repartitioned record's own topic, partition and
// offset, so that alerts name the record as it was produced.
const originHeader = "wfctl-origin"

// watermarkHeader marks a watermark record of the repartition topic; its
// value names the source partition ("topic/partition"), the record's
// value is a watermarkValue.
const watermarkHeader = "wfctl-watermark"

// watermarkValue is what a watermark record says of its source: every
// record read from it up to event time At (Unix ms), and below offset
// Next, has been forwarded.
type watermarkValue struct {
	At   int64 `json:"at"`
	Next int64 `json:"next"`
}

// srcKey names a source partition.
type srcKey struct {
	topic     string
	partition int32
}

func (k srcKey) String() string { return k.topic + "/" + strconv.Itoa(int(k.partition)) }

// source is an input partition this replica reads: where it is, for the
// watermark records it writes to the tasks its records may go to. As a
// Flink source sends its watermark to every downstream channel, the
// replica writes, at each transaction's end, the watermark of each source
// it reads to every repartition partition that may get its records (when
// it changed): those tasks learn that everything the source had for them,
// up to that event time and offset, is ahead of it in their partition.
// (This replica's own tasks learn it in memory; the records to them keep
// the next reader of the source right, see local.)
type source struct {
	key      srcKey
	latest   int64 // the latest event time read, Unix ms
	seen     bool
	next     int64
	caughtUp bool
	// start is the group's committed offset when this replica began
	// reading the source (fetched stable: no transaction of the
	// previous reader is pending): every record below it was handled by
	// earlier readers, and forwarded in committed transactions.
	start int64
	// fwd is, per task, the offset of the last record forwarded to it
	// through the repartition topic.
	fwd map[int32]int64
	// sent is, per task, the watermark last written to it in a committed
	// transaction; unsent what the open one wrote.
	sent, unsent map[int32]watermarkValue
}

func newSource(k srcKey) *source {
	return &source{key: k, fwd: map[int32]int64{}, sent: map[int32]watermarkValue{}, unsent: map[int32]watermarkValue{}}
}

func (s *source) watermark() watermarkValue {
	return watermarkValue{At: s.latest, Next: s.next}
}

// member is one replica of a tracking group.
type member struct {
	t    *Tracer
	o    GroupOptions
	l    *groupLayout
	sess *kgo.GroupTransactSession
	base []kgo.Opt
	adm  *kadm.Client

	mu       sync.Mutex
	assigned map[string][]int32 // newly assigned, not yet taken by the loop
	revoked  map[string][]int32
	// produceErr is the transaction's first failed produce.
	produceErr error

	// sources are the input partitions this replica reads.
	sources map[srcKey]*source
	// ends are the inputs' stable ends, as last listed.
	ends      kadm.ListedOffsets
	forwarded int64 // records forwarded in the open transaction
	// assignedOnce is set once the group gave this replica partitions.
	assignedOnce bool
	wasReady     bool // as last told to the Observer
	purgedAt     time.Time

	tasks     map[int32]*task
	committed map[int32][]byte // each task's last committed checkpoint
	txnStart  time.Time
	txnRecs   int64
	alertAt   time.Time // when the transaction's first alert came
	pending   alerts
	totals    map[string]int64
	records   int64
	lastCkpt  time.Duration
}

// Serve runs this replica of a tracking group until ctx ends: it joins
// the consumer group, restores the tasks it is given from their
// checkpoints, runs their records through their engines in event-time
// order, and writes alerts and checkpoints in Kafka transactions. base
// are the client options (brokers, TLS, SASL) every client starts from.
func (t *Tracer) Serve(ctx context.Context, base []kgo.Opt, o GroupOptions) error {
	if t.single != "" {
		return fmt.Errorf("--group shares instances out by correlation key, but %s: run trace --follow without --group", t.single)
	}
	o.defaults()
	adminCl, err := kgo.NewClient(base...)
	if err != nil {
		return err
	}
	defer adminCl.Close()
	l, err := layout(ctx, kadm.NewClient(adminCl), &o)
	if err != nil {
		return err
	}
	m := &member{t: t, o: o, l: l, base: base, adm: kadm.NewClient(adminCl), assigned: map[string][]int32{}, revoked: map[string][]int32{},
		tasks: map[int32]*task{}, committed: map[int32][]byte{}, pending: alerts{group: o.Group}, totals: map[string]int64{},
		sources: map[srcKey]*source{}, purgedAt: time.Now()}
	opts := append(slices.Clone(base),
		kgo.ConsumerGroup(o.Group),
		kgo.ConsumeTopics(l.topics()...),
		kgo.Balancers(kafka.CopartitionBalancer(l.co)),
		kgo.TransactionalID("wfctl.trace."+o.Group+"."+o.ReplicaID),
		kgo.TransactionTimeout(transactionTimeout(o)),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(), // transaction markers take offsets: a position past them is caught up
		kgo.RequireStableFetchOffsets(),
		kgo.SessionTimeout(o.SessionTimeout),
		kgo.HeartbeatInterval(min(3*time.Second, o.SessionTimeout/3)), // Kafka's default, or a third of a shorter session
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.RecordPartitioner(kgo.BasicConsistentPartitioner(m.partitionFor)),
		kgo.OnPartitionsAssigned(m.onAssigned),
		kgo.OnPartitionsRevoked(m.onRevoked),
		kgo.OnPartitionsLost(m.onLost),
	)
	if o.Static {
		opts = append(opts, kgo.InstanceID(o.ReplicaID))
	}
	m.sess, err = kgo.NewGroupTransactSession(opts...)
	if err != nil {
		return err
	}
	err = m.run(ctx)
	// Abort what is open now rather than leave it to the transaction
	// timeout: read_committed readers of the alerts and the tasks' next
	// owners wait on an open transaction. (A clean stop has committed
	// it already.)
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	m.sess.End(actx, kgo.TryAbort) //nolint:errcheck // best effort on the way out
	memberID, _ := m.sess.Client().GroupMetadata()
	m.sess.Close()
	if err != nil && ctx.Err() == nil {
		return explain(err, o)
	}
	if o.Static {
		m.leave(actx, adminCl, memberID)
	}
	return nil // ctx ended the replica; what it had not committed is aborted
}

// leave takes a static member out of the group after a clean stop (a
// static member's client does not leave when it closes), naming both its
// member ID and its instance ID so that the broker refuses it if another
// run with the same instance ID has taken over since (kadm's LeaveGroup
// names the instance ID alone).
func (m *member) leave(ctx context.Context, cl *kgo.Client, memberID string) {
	if memberID == "" {
		return
	}
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group = m.o.Group
	lm := kmsg.NewLeaveGroupRequestMember()
	lm.MemberID, lm.InstanceID, lm.Reason = memberID, kmsg.StringPtr(m.o.ReplicaID), kmsg.StringPtr("wfctl trace: replica stopped")
	req.Members = append(req.Members, lm)
	resp, err := req.RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if err == nil && len(resp.Members) > 0 {
		err = kerr.ErrorForCode(resp.Members[0].ErrorCode)
	}
	if err != nil {
		m.o.Logf("leaving group %s as %s: %v (its partitions move after the session timeout, %s)", m.o.Group, m.o.ReplicaID, err, m.o.SessionTimeout)
		return
	}
	m.o.Logf("left group %s as %s", m.o.Group, m.o.ReplicaID)
}

// explain says in words what three of Kafka's errors mean here: another
// run took this replica's ID over (a fenced instance or producer), or the
// broker refuses the session timeout or the transaction timeout that
// CheckpointEvery sets (usage errors).
func explain(err error, o GroupOptions) error {
	switch {
	case errors.Is(err, kerr.FencedInstanceID) || errors.Is(err, kerr.ProducerFenced) || errors.Is(err, kerr.InvalidProducerEpoch):
		return fmt.Errorf("another run of replica %q joined group %s and took its place (each live replica needs its own --replica-id): %w", o.ReplicaID, o.Group, err)
	case errors.Is(err, kerr.InvalidSessionTimeout):
		return &kafka.ConfigError{Err: fmt.Errorf("session.timeout.ms=%d: the broker does not allow it (by default it allows 6000 to 1800000): %w", o.SessionTimeout.Milliseconds(), err)}
	case errors.Is(err, kerr.InvalidTransactionTimeout):
		return &kafka.ConfigError{Err: fmt.Errorf("--checkpoint-every %s: a transaction may then last %s, longer than the broker allows (transaction.max.timeout.ms, by default 15 minutes): %w", duration.Format(o.CheckpointEvery), duration.Format(transactionTimeout(o)), err)}
	}
	return err
}

// transactionTimeout is how long a replica's transaction may stay open
// before the broker aborts it: a checkpoint's interval and time to write.
func transactionTimeout(o GroupOptions) time.Duration { return o.CheckpointEvery + 20*time.Second }

func (o *GroupOptions) defaults() {
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 10 * time.Second
	}
	if o.CheckpointRecords <= 0 {
		o.CheckpointRecords = 100_000
	}
	if o.AlertDelay <= 0 {
		o.AlertDelay = 50 * time.Millisecond
	}
	if o.IdleAfter <= 0 {
		o.IdleAfter = 5 * time.Second
	}
	if o.Every <= 0 {
		o.Every = 100 * time.Millisecond
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// partitionFor places the group's records: checkpoints in their task's
// partition of the state topic, forwarded records and watermarks in
// their task's partition of the repartition topic, everything else by
// key.
func (m *member) partitionFor(topic string) func(*kgo.Record, int) int {
	if topic == m.l.state || topic == m.l.repartition {
		return func(r *kgo.Record, _ int) int { return int(r.Partition) }
	}
	return func(r *kgo.Record, n int) int {
		if r.Key == nil {
			return 0
		}
		return keyPartitioner.Partition(r, n)
	}
}

func (m *member) onAssigned(_ context.Context, _ *kgo.Client, got map[string][]int32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.assignedOnce = true
	for tp, ps := range got {
		m.assigned[tp] = append(m.assigned[tp], ps...)
	}
}

func (m *member) onRevoked(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for tp, ps := range lost {
		m.revoked[tp] = append(m.revoked[tp], ps...)
	}
}

// onLost is onRevoked's: the transaction aborts, the tasks go.
func (m *member) onLost(ctx context.Context, cl *kgo.Client, lost map[string][]int32) {
	m.onRevoked(ctx, cl, lost)
}

// run is the replica's loop: one transaction after another.
func (m *member) run(ctx context.Context) error {
	tick := time.Now()
	for ctx.Err() == nil {
		if err := m.sess.Begin(); err != nil {
			return err
		}
		m.txnStart, m.txnRecs, m.alertAt, m.forwarded = time.Now(), 0, time.Time{}, 0
		for ctx.Err() == nil && !m.shouldEnd() {
			if err := m.takeAssignment(ctx); err != nil {
				return err
			}
			pollCtx, cancel := context.WithTimeout(ctx, m.o.Every)
			fs := m.sess.PollRecords(pollCtx, 10_000)
			cancel()
			if err := fetchErr(fs); err != nil {
				return err
			}
			if err := m.takeAssignment(ctx); err != nil { // assignments that came during the poll
				return err
			}
			if err := m.route(ctx, fs); err != nil {
				return err
			}
			m.release()
			if time.Since(tick) >= m.o.Every {
				tick = time.Now()
				if err := m.check(ctx, m.o.Now()); err != nil {
					return err
				}
			}
		}
		ectx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			// A clean stop (Ctrl-C, SIGTERM) commits what the open
			// transaction covers, so that the next run, here or on
			// another replica, does not run it again.
			ectx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		}
		err := m.end(ectx)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// fetchErr is the first error of a poll that is not the poll's own end.
func fetchErr(fs kgo.Fetches) error {
	var err error
	fs.EachError(func(topic string, p int32, e error) {
		if err == nil && !errors.Is(e, context.DeadlineExceeded) && !errors.Is(e, context.Canceled) {
			err = e
			if topic != "" { // not an error of the group session
				err = fmt.Errorf("%s/%d: %w", topic, p, e)
			}
		}
	})
	if errors.Is(err, kgo.ErrClientClosed) {
		return context.Canceled
	}
	return err
}

// shouldEnd says when the transaction has covered enough.
func (m *member) shouldEnd() bool {
	m.mu.Lock()
	rebalanced := len(m.revoked) > 0
	m.mu.Unlock()
	now := time.Now()
	return rebalanced || now.Sub(m.txnStart) >= m.o.CheckpointEvery || m.txnRecs >= m.o.CheckpointRecords ||
		!m.alertAt.IsZero() && now.Sub(m.alertAt) >= m.o.AlertDelay ||
		now.Sub(m.txnStart) >= m.forwardCommit() && (m.forwarded > 0 || m.watermarksDue() || m.txnRecs > 0 && m.sourcesCaughtUp())
}

// forwardCommit is how soon a transaction that forwarded records, or has
// watermarks to write, or has caught up (so that the tail of a catch-up
// is committed, and the replica ready, without waiting for
// CheckpointEvery), ends: what it forwarded reaches other replicas'
// tasks only once committed, and a task whose sources are all caught up
// judges stalls at the wall clock less IdleAfter, so forwarded records
// must arrive well within it (Kafka Streams commits every 100 ms under
// exactly-once for the same reason).
func (m *member) forwardCommit() time.Duration {
	return min(m.o.CheckpointEvery, max(100*time.Millisecond, min(time.Second, m.o.IdleAfter/2)))
}

// watermarksDue says whether a source's watermark changed for a task
// another replica runs (this replica's own tasks learn it in memory).
func (m *member) watermarksDue() bool {
	for _, src := range m.sources {
		wm := src.watermark()
		for id := range m.l.tasks {
			if m.tasks[id] == nil && m.owes(src, id, wm) {
				return true
			}
		}
	}
	return false
}

// takeAssignment restores the tasks of newly assigned partitions, and
// starts reading the newly assigned sources.
func (m *member) takeAssignment(ctx context.Context) error {
	m.mu.Lock()
	got := m.assigned
	m.assigned = map[string][]int32{}
	m.mu.Unlock()
	var ids []int32
	var srcs []srcKey
	for tp, ps := range got {
		if m.l.isCo(tp) {
			ids = append(ids, ps...)
		}
		if tp == m.l.repartition {
			continue
		}
		for _, p := range ps {
			if k := (srcKey{tp, p}); m.sources[k] == nil {
				m.sources[k] = newSource(k)
				srcs = append(srcs, k)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var fresh []int32
	for _, id := range ids {
		if m.tasks[id] != nil {
			continue
		}
		fresh = append(fresh, id)
		start := time.Now()
		data, err := readCheckpoint(ctx, m.base, m.l.state, id, m.o.CheckpointEvery+30*time.Second)
		if err != nil {
			return fmt.Errorf("task %d: restore from %s: %w", id, m.l.state, err)
		}
		tk, err := m.taskFrom(data, id)
		if err != nil {
			return err
		}
		m.tasks[id], m.committed[id] = tk, data
		m.o.Logf("task %d: restored (%d bytes of checkpoint) in %s", id, len(data), time.Since(start).Round(time.Millisecond))
	}
	if len(fresh) == 0 && len(srcs) == 0 {
		return nil
	}
	if err := m.settle(ctx, fresh, srcs); err != nil {
		return err
	}
	// Restored from committed checkpoints: ready (when caught up) now,
	// not at the end of the first transaction.
	m.observe()
	return nil
}

// observe tells the Observer the replica's status.
func (m *member) observe() {
	if m.o.Observer != nil {
		st := m.status()
		m.wasReady = st.Ready
		m.o.Observer.Committed(st)
	}
}

// settle learns where new tasks' inputs and new sources stand: their
// committed offsets against their partitions' stable ends (fetches say
// nothing of partitions with nothing to read, so an empty partition is
// caught up from the start). The committed offsets are fetched stable
// (KIP-447): a previous reader's transaction that is committing is
// waited for, and one still open will abort (kgo's transact session
// aborts a transaction that saw its partitions revoked).
func (m *member) settle(ctx context.Context, ids []int32, srcs []srcKey) error {
	committed, err := m.adm.FetchOffsets(kadm.RequireStable(ctx), m.o.Group)
	if err != nil {
		return fmt.Errorf("group %s: committed offsets: %w", m.o.Group, err)
	}
	ends, err := m.adm.ListCommittedOffsets(ctx, m.l.topics()...)
	if err != nil {
		return fmt.Errorf("end offsets: %w", err)
	}
	position := func(topic string, p int32) (next, end int64, ok bool) {
		e, ok := ends.Lookup(topic, p)
		if !ok || e.Err != nil {
			return 0, 0, false
		}
		if c, ok := committed.Lookup(topic, p); ok && c.Err == nil {
			next = c.At
		}
		return next, e.Offset, true
	}
	for _, id := range ids {
		for _, in := range m.tasks[id].inputs {
			if in.via {
				continue
			}
			if next, end, ok := position(in.topic, in.partition); ok && len(in.pending) == 0 {
				in.next = max(in.next, next)
				in.caughtUp = in.next >= end
			}
		}
	}
	for _, k := range srcs {
		src := m.sources[k]
		if next, end, ok := position(k.topic, k.partition); ok {
			src.start = next
			src.next = max(src.next, next)
			src.caughtUp = src.next >= end
		}
	}
	m.ends = ends
	return nil
}

// taskFrom is a task restored from a checkpoint, or a new one.
func (m *member) taskFrom(data []byte, id int32) (*task, error) {
	inputs := m.l.inputsOf(id)
	var tk *task
	var err error
	if data == nil {
		tk, err = m.t.newTask(id, inputs)
	} else {
		tk, err = m.t.restoreTask(data, id, inputs, m.toEvent)
	}
	if tk != nil {
		tk.idle = m.o.IdleAfter
	}
	return tk, err
}

// toEvent maps a record; a repartitioned one is named by its origin.
func (m *member) toEvent(kr *kgo.Record) event {
	var rec correlate.Record
	correlate.FromKafka(kr, &rec)
	var ev event
	toEvent(m.t.mapper, &rec, &ev)
	if kr.Topic == m.l.repartition {
		for _, h := range kr.Headers {
			if h.Key == originHeader {
				if loc, ok := parseOrigin(string(h.Value)); ok {
					ev.loc = loc
				}
			}
		}
	}
	return ev
}

// parseOrigin reads "topic/partition@offset".
func parseOrigin(s string) (correlate.Location, bool) {
	rest, off, ok := strings.Cut(s, "@")
	loc, okp := parsePartition(rest)
	o, err := strconv.ParseInt(off, 10, 64)
	loc.Offset = o
	return loc, ok && okp && err == nil
}

// parsePartition reads "topic/partition" (a watermark record's source).
func parsePartition(s string) (correlate.Location, bool) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return correlate.Location{}, false
	}
	p, err := strconv.ParseInt(s[i+1:], 10, 32)
	return correlate.Location{Topic: s[:i], Partition: int32(p)}, err == nil
}

// route hands each record to its task, or re-keys it into the
// repartition topic when its task is another one; a record of the
// repartition topic goes to the input of its source.
func (m *member) route(ctx context.Context, fs kgo.Fetches) error {
	var err error
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if err != nil || len(p.Records) == 0 {
			return
		}
		if p.Topic == m.l.repartition {
			err = m.routeCarrier(p)
			return
		}
		src := m.sources[srcKey{p.Topic, p.Partition}]
		if src == nil {
			err = fmt.Errorf("%s/%d: records of a partition this replica does not read", p.Topic, p.Partition)
			return
		}
		co := m.l.isCo(p.Topic)
		var tk *task
		var in *taskInput
		if co {
			if tk = m.tasks[p.Partition]; tk == nil {
				err = fmt.Errorf("%s/%d: records of a task this replica does not hold", p.Topic, p.Partition)
				return
			}
			in = tk.input(p.Topic, p.Partition)
		}
		for _, r := range p.Records {
			src.next = r.Offset + 1
			if r.Attrs.IsControl() {
				continue
			}
			ev := m.toEvent(r)
			m.txnRecs++
			src.latest, src.seen = max(src.latest, ev.at), true
			if co && (ev.kind != evMessage || m.l.taskOf(ev.key) == p.Partition) {
				tk.add(in, ev, r)
				continue
			}
			m.forward(ctx, src, r, ev)
		}
		src.caughtUp = src.next >= p.LastStableOffset
		if in != nil {
			in.next, in.caughtUp = src.next, src.caughtUp
		}
	})
	return err
}

// routeCarrier hands the records of a task's repartition partition to
// their sources' inputs, and takes the watermark records.
func (m *member) routeCarrier(p kgo.FetchTopicPartition) error {
	tk := m.tasks[p.Partition]
	if tk == nil || tk.carrier == nil {
		return fmt.Errorf("%s/%d: records of a task this replica does not hold", p.Topic, p.Partition)
	}
	car := tk.carrier
	for _, r := range p.Records {
		car.next = r.Offset + 1
		if r.Attrs.IsControl() {
			continue
		}
		if src, wm, ok := watermarkOf(r); ok {
			tk.punctuate(src, wm)
			continue
		}
		ev := m.toEvent(r)
		m.txnRecs++
		in := tk.input(ev.loc.Topic, ev.loc.Partition)
		if in == nil || !in.via {
			in = car // a source no longer among the inputs: ordered by its own records
		}
		tk.add(in, ev, r)
	}
	car.next = p.Records[len(p.Records)-1].Offset + 1
	car.caughtUp = car.next >= p.LastStableOffset
	return nil
}

// watermarkOf reads a watermark record.
func watermarkOf(r *kgo.Record) (correlate.Location, watermarkValue, bool) {
	for _, h := range r.Headers {
		if h.Key != watermarkHeader {
			continue
		}
		var wm watermarkValue
		loc, ok := parsePartition(string(h.Value))
		if !ok || json.Unmarshal(r.Value, &wm) != nil {
			return correlate.Location{}, wm, false
		}
		return loc, wm, true
	}
	return correlate.Location{}, watermarkValue{}, false
}

// forward sends a record to the task of its correlation key: in memory
// when this replica runs that task and has nothing of the source on its
// way to it through Kafka (see local); otherwise re-keyed into the
// repartition topic, in the transaction, keeping its time and headers.
func (m *member) forward(ctx context.Context, src *source, r *kgo.Record, ev event) {
	key := r.Key
	if ev.kind == evMessage {
		key = []byte(ev.key)
	}
	target := int32(0)
	if key != nil {
		target = m.l.taskOf(string(key))
	}
	if tk := m.tasks[target]; tk != nil {
		if in := tk.input(src.key.topic, src.key.partition); in != nil && m.local(src, tk, in) {
			tk.add(in, ev, r)
			return
		}
	}
	src.fwd[target] = r.Offset
	m.forwarded++
	m.produce(ctx, &kgo.Record{Topic: m.l.repartition, Partition: target, Key: key, Value: r.Value, Timestamp: r.Timestamp,
		Headers: append(slices.Clone(r.Headers), kgo.RecordHeader{Key: originHeader, Value: []byte(ev.loc.String())})})
}

// local says whether a source this replica reads may hand a task it
// runs its records in memory, and speak for the task's input of it: the
// task has received everything of the source below where this replica
// began reading it (from earlier readers: through Kafka, with their
// watermark records, or in their memory, committed in its checkpoint),
// and everything this replica forwarded to it through Kafka since.
func (m *member) local(src *source, tk *task, in *taskInput) bool {
	if in.through < src.start {
		return false
	}
	f, ok := src.fwd[tk.id]
	return !ok || in.through > f
}

// localSources updates the via inputs of the sources this replica reads
// from where the sources are: a source that may speak for the input
// (local) gives it its event time and caught-up state; one that has
// records on their way to it through Kafka holds it where it is.
func (m *member) localSources(tk *task) {
	for _, in := range tk.inputs {
		if !in.via {
			continue
		}
		src := m.sources[srcKey{in.topic, in.partition}]
		if src == nil {
			in.local = false
			continue
		}
		if !m.local(src, tk, in) {
			in.local = false
			continue
		}
		if !in.local || src.latest > in.latest || src.seen && !in.seen || src.next > in.through {
			tk.dirty = true
		}
		in.local = true
		in.latest, in.seen = max(in.latest, src.latest), in.seen || src.seen
		in.through = max(in.through, src.next)
	}
}

// produce writes a record in the transaction; a failure aborts it.
func (m *member) produce(ctx context.Context, r *kgo.Record) {
	m.sess.Produce(ctx, r, func(r *kgo.Record, err error) {
		if err != nil {
			m.mu.Lock()
			if m.produceErr == nil {
				m.produceErr = fmt.Errorf("produce to %s: %w", r.Topic, err)
			}
			m.mu.Unlock()
		}
	})
}

// release runs what each task's watermark lets through.
func (m *member) release() {
	end := func(topic string, p int32) (int64, bool) {
		e, ok := m.ends.Lookup(topic, p)
		return e.Offset, ok && e.Err == nil
	}
	for _, id := range slices.Sorted(maps.Keys(m.tasks)) {
		tk := m.tasks[id]
		m.localSources(tk)
		tk.viaCaughtUp(end)
		m.records += int64(tk.release(&m.pending))
	}
	m.noteAlerts()
}

func (m *member) noteAlerts() {
	if len(m.pending.list) > 0 && m.alertAt.IsZero() {
		m.alertAt = time.Now()
	}
}

// check judges each task's instances at its event time: the watermark;
// when no input holds it back (every input caught up: the task's own
// partitions with their stable ends, every source through the
// repartition topic by its last watermark), the wall clock less
// IdleAfter: producers' clocks and records on their way get that much
// grace.
func (m *member) check(ctx context.Context, now time.Time) error {
	if err := m.refresh(ctx); err != nil {
		return err
	}
	m.release()
	for _, id := range slices.Sorted(maps.Keys(m.tasks)) {
		tk := m.tasks[id]
		wm, bounded := tk.watermark()
		asOf := max(wm, tk.merge.clock)
		if !bounded {
			asOf = max(asOf, now.Add(-m.o.IdleAfter).UnixMilli())
		}
		if _, err := tk.check(time.UnixMilli(asOf).UTC(), &m.pending); err != nil {
			return fmt.Errorf("task %d: %w", id, err)
		}
	}
	m.noteAlerts()
	// Readiness is told when it changes, not only at commits: a replica
	// restored and caught up with nothing new to read commits only after
	// CheckpointEvery.
	if m.ready() != m.wasReady {
		m.observe()
	}
	return nil
}

// refresh learns whether each input is caught up: the tasks' direct
// inputs and carriers, and the sources this replica reads, by their
// positions against the stable ends.
func (m *member) refresh(ctx context.Context) error {
	ends, err := m.adm.ListCommittedOffsets(ctx, m.l.topics()...)
	if err != nil {
		return fmt.Errorf("end offsets: %w", err)
	}
	m.ends = ends
	for _, tk := range m.tasks {
		for _, in := range tk.inputs {
			if end, ok := ends.Lookup(in.topic, in.partition); ok && end.Err == nil && !in.via {
				in.caughtUp = in.next >= end.Offset
			}
		}
	}
	for k, src := range m.sources {
		if end, ok := ends.Lookup(k.topic, k.partition); ok && end.Err == nil {
			src.caughtUp = src.next >= end.Offset
		}
	}
	return nil
}

// owes says whether task id may get the source's records (a
// co-partitioned partition's own task reads it directly) and was last
// sent another watermark than wm.
func (m *member) owes(src *source, id int32, wm watermarkValue) bool {
	return !(m.l.isCo(src.key.topic) && id == src.key.partition) && src.sent[id] != wm
}

// writeWatermarks writes, for each source this replica reads, its
// watermark to every repartition partition whose task may get the
// source's records, when it changed since the last committed one there.
// Its own tasks learn it in memory, but the record tells whoever runs a
// task next where the source was read up to (see local).
func (m *member) writeWatermarks(ctx context.Context) {
	for _, k := range slices.SortedFunc(maps.Keys(m.sources), func(a, b srcKey) int { return strings.Compare(a.String(), b.String()) }) {
		src := m.sources[k]
		clear(src.unsent)
		wm := src.watermark() // the zero value, nothing to say, is never written
		v, _ := json.Marshal(wm)
		for id := range m.l.tasks {
			if !m.owes(src, id, wm) {
				continue
			}
			m.produce(ctx, &kgo.Record{Topic: m.l.repartition, Partition: id, Value: v, Timestamp: time.Now(),
				Headers: []kgo.RecordHeader{{Key: watermarkHeader, Value: []byte(k.String())}}})
			src.unsent[id] = wm
		}
	}
}

// end writes the alerts and the changed tasks' checkpoints and ends the
// transaction. When it aborts (a rebalance), every task goes back to its
// last committed checkpoint, as the group's offsets go back to theirs.
func (m *member) end(ctx context.Context) error {
	start := time.Now()
	written := map[int32][]byte{}
	produce := func(r *kgo.Record) { m.produce(ctx, r) }
	m.writeWatermarks(ctx)
	for _, a := range m.pending.list {
		v, err := a.MarshalValue()
		if err != nil {
			return err
		}
		produce(&kgo.Record{Topic: m.o.AlertsTopic, Key: []byte(a.Subject), Value: v, Timestamp: m.o.Now(),
			Headers: []kgo.RecordHeader{{Key: "content-type", Value: []byte(ContentTypeCloudEvents)}}})
	}
	for _, id := range slices.Sorted(maps.Keys(m.tasks)) {
		tk := m.tasks[id]
		if !tk.dirty {
			continue
		}
		data, err := tk.encode()
		if err != nil {
			return fmt.Errorf("task %d: checkpoint: %w", id, err)
		}
		for _, r := range checkpointRecords(id, data, m.l.state) {
			produce(r)
		}
		written[id] = data
	}
	if err := m.sess.Client().Flush(ctx); err != nil {
		return nil // ctx ended
	}
	m.mu.Lock()
	perr := m.produceErr
	m.produceErr = nil
	m.mu.Unlock()
	try := kgo.TryCommit
	if perr != nil {
		m.o.Logf("aborting the transaction: %v", perr)
		try = kgo.TryAbort
	}
	committed, err := m.sess.End(ctx, try)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("end transaction: %w", err)
	}
	if committed {
		for _, src := range m.sources {
			maps.Copy(src.sent, src.unsent)
			clear(src.unsent)
		}
		for id, data := range written {
			m.committed[id] = data
			m.tasks[id].dirty = false
		}
		for _, a := range m.pending.list {
			m.totals[a.Type]++
		}
		if m.o.Alerted != nil && len(m.pending.list) > 0 {
			m.o.Alerted(slices.Clone(m.pending.list))
		}
		m.lastCkpt = time.Since(start)
		if len(m.pending.list) > 0 || len(written) > 0 {
			m.o.Logf("committed: %d alerts, %d checkpoints, %d records run", len(m.pending.list), len(written), m.records)
		}
		m.purge(ctx)
	} else {
		m.o.Logf("transaction aborted (rebalance): %d alerts dropped, tasks back to their checkpoints", len(m.pending.list))
		if err := m.rollback(ctx); err != nil {
			return err
		}
	}
	m.pending.list = m.pending.list[:0]
	m.dropRevoked()
	if committed {
		m.observe()
	}
	return nil
}

// purgeEvery is how often a replica deletes what its tasks have
// committed of their repartition partitions.
const purgeEvery = 30 * time.Second

// purge deletes, every purgeEvery, the records of the repartition
// partitions of this replica's tasks below what they have committed (as
// Kafka Streams purges its repartition topics): the topic keeps only what
// is on its way. Best effort: a failure is logged and tried again later.
func (m *member) purge(ctx context.Context) {
	if time.Since(m.purgedAt) < purgeEvery {
		return
	}
	m.purgedAt = time.Now()
	offsets := kadm.Offsets{}
	for id, tk := range m.tasks {
		if tk.carrier != nil && tk.carrier.next > 0 && len(tk.carrier.pending) == 0 {
			offsets.AddOffset(m.l.repartition, id, tk.carrier.next, -1)
		}
	}
	if len(offsets) == 0 {
		return
	}
	resp, err := m.adm.DeleteRecords(ctx, offsets)
	if err == nil {
		err = resp.Error()
	}
	if err != nil && ctx.Err() == nil {
		m.o.Logf("purging %s: %v", m.l.repartition, err)
	}
}

// rollback restores every task from its last committed checkpoint, and
// every source to its committed offset: the records the aborted
// transaction forwarded are gone, and each source is read again from
// there (kgo's positions went back to the committed offsets).
func (m *member) rollback(ctx context.Context) error {
	for id := range m.tasks {
		tk, err := m.taskFrom(m.committed[id], id)
		if err != nil {
			return err
		}
		m.tasks[id] = tk
	}
	for k := range m.sources {
		m.sources[k] = newSource(k)
	}
	err := m.settle(ctx, slices.Collect(maps.Keys(m.tasks)), slices.Collect(maps.Keys(m.sources)))
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}

// dropRevoked forgets the tasks of revoked partitions.
func (m *member) dropRevoked() {
	m.mu.Lock()
	rev := m.revoked
	m.revoked = map[string][]int32{}
	m.mu.Unlock()
	for tp, ps := range rev {
		for _, p := range ps {
			delete(m.sources, srcKey{tp, p})
		}
		if !m.l.isCo(tp) {
			continue
		}
		for _, p := range ps {
			if m.tasks[p] != nil {
				m.o.Logf("task %d: handed over", p)
			}
			delete(m.tasks, p)
			delete(m.committed, p)
		}
	}
}

// ready says whether the replica has its partitions, every task restored,
// and every input caught up. Not before the group gave it partitions
// (after a kill, a restart waits for its previous run's session to
// expire).
func (m *member) ready() bool {
	m.mu.Lock()
	joined := m.assignedOnce
	m.mu.Unlock()
	if !joined {
		return false
	}
	for _, tk := range m.tasks {
		for _, in := range tk.inputs {
			if !in.via && !in.caughtUp {
				return false
			}
		}
	}
	return m.sourcesCaughtUp()
}

// sourcesCaughtUp says whether every partition this replica reads is
// at its stable end.
func (m *member) sourcesCaughtUp() bool {
	for _, src := range m.sources {
		if !src.caughtUp {
			return false
		}
	}
	return true
}

func (m *member) status() GroupStatus {
	st := GroupStatus{Records: m.records, Stalled: map[[2]string]int{}, AlertsTotal: maps.Clone(m.totals), Checkpoint: m.lastCkpt, Ready: m.ready()}
	var wm int64
	for _, id := range slices.Sorted(maps.Keys(m.tasks)) {
		tk := m.tasks[id]
		st.Tasks = append(st.Tasks, id)
		st.Instances += int64(len(tk.sh.byKey))
		st.TimedOut += int64(len(tk.timedOut))
		for _, s := range tk.stalled {
			st.Stalled[[2]string{s.Instance.ProcessID, s.Instance.ElementID}]++
		}
		if wm == 0 || tk.merge.clock < wm {
			wm = tk.merge.clock
		}
	}
	st.Lag = map[string]int64{}
	lag := func(topic string, p int32, next int64) {
		if end, ok := m.ends.Lookup(topic, p); ok && end.Err == nil {
			st.Lag[topic+"/"+strconv.Itoa(int(p))] = max(end.Offset-next, 0)
		}
	}
	for k, src := range m.sources {
		lag(k.topic, k.partition, src.next)
	}
	for id, tk := range m.tasks {
		if tk.carrier != nil {
			lag(m.l.repartition, id, tk.carrier.next)
		}
	}
	if wm > 0 {
		st.Watermark = time.UnixMilli(wm).UTC()
	}
	return st
}
