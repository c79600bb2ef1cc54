package dev

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// runner is the engine attached to the broker: it owns the engine and
// every piece of state next to it, and runs on one goroutine (loop).
type runner struct {
	opts    Options
	notify  func(Notice)
	cluster *kfake.Cluster
	cfg     *kafka.Config
	admin   *kgo.Client // plain client: recovery reads
	prod    *kgo.Client // transactional producer
	cons    *kgo.Client // wfctl.commands and the domain topics
	dial    kgo.Opt     // every client dials the broker's own socket
	eng     *engine.Engine

	// offsets maps "topic/partition" to the next offset to consume: the
	// checkpoint's content.
	offsets map[string]int64
	// consumed maps the domain topics consumed to their partitions.
	consumed map[string]int32
	models   *modelSet
	due      dueSet
	clock    devClock // the clock control; the engine follows clockNow
	requests *requestLog
	watch    *watcher

	// out is the batch being built; inflight the one being committed,
	// by the committer goroutine (commits, results); spare the other.
	out, spare, inflight *batch
	commits              chan *batch
	results              chan error
	committerDone        chan struct{}
	// snapWriter writes the snapshots (see SnapshotFileName); lastCP is
	// the checkpoint of the last batch committed (written by the
	// committer before it hands back its result).
	snapWriter *snapshotWriter
	// lastStamp is the Kafka timestamp of the last batch (see
	// batch.stamp), Unix ms.
	lastStamp int64
	lastCP    committedCheckpoint

	deploys chan []modelFile
	inspect chan inspection

	counts   Stats // owned by loop; published to stats after each commit
	stats    *statsBox
	recovery Recovery

	topicsMu sync.Mutex
	topics   []string // consumed domain topics, for DomainTopics

	// sinceSnapshot counts the records written to wfctl.records since the
	// last snapshot, taken at lastSnapshot (see SnapshotFileName);
	// deployed are the process versions deployed, for the snapshot.
	sinceSnapshot int64
	lastSnapshot  time.Time
	// snapTook is how long the last snapshot took to take, snapAt when
	// (the real clock), snapWrite to write: see snapshotPace.
	snapTook  time.Duration
	snapAt    time.Time
	snapWrite atomic.Int64 // how long the last write took (ns), by the writer
	// batchInputs counts the inputs of the batch being built.
	batchInputs int
	deployed    []*engine.ProcessValue
	// snapSide are the last batch's jobs and deployments as the snapshot
	// recovery restored holds them.
	snapSide []*kgo.Record
	// index is every instance in flight and the last that ended, for
	// queries (see QueryCommand).
	index *instanceIndex

	// skip are the quarantined inputs, by position (see
	// QuarantineFileName), with the reason.
	skip map[string]string
}

// startRunner starts the engine on the broker: it rebuilds the state from
// wfctl.records and starts consuming. prev, when set, is the runner that
// set an input aside: the new one takes over its quarantine list (kept
// in memory too, for a server without a data folder), its stats and the
// channels the server reads.
func startRunner(ctx context.Context, b *broker.Broker, opts Options, prev *runner) (*runner, error) {
	r := &runner{opts: opts, cluster: b.Cluster(), eng: engine.New(), offsets: map[string]int64{},
		consumed: map[string]int32{}, models: newModelSet(), due: newDueSet(), requests: newRequestLog(), index: newInstanceIndex(),
		deploys: make(chan []modelFile), inspect: make(chan inspection), stats: newStatsBox(),
		out: &batch{}, spare: &batch{}, commits: make(chan *batch), results: make(chan error, 1), committerDone: make(chan struct{})}
	r.notify = serialized(opts.Notify)
	r.out.stamps, r.spare.stamps = &r.lastStamp, &r.lastStamp
	r.snapWriter = newSnapshotWriter(r)
	if prev != nil {
		r.notify, r.inspect, r.stats, r.skip = prev.notify, prev.inspect, prev.stats, prev.skip
		r.counts = prev.stats.get()
	} else {
		skip, err := readQuarantine(opts.DataDir)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", QuarantineFileName, err)
		}
		r.skip = skip
	}
	if opts.ModelsDir != "" {
		w, err := newWatcher(opts.ModelsDir, opts.Now)
		if err != nil {
			return nil, err
		}
		r.watch = w
	}
	go r.committer()
	if err := r.connect(ctx, b); err != nil {
		r.close()
		return nil, err
	}
	if err := r.start(ctx); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// connect builds the clients. They dial the broker's own socket whatever
// address it advertises: a container's advertised host name need not
// resolve inside the container.
func (r *runner) connect(ctx context.Context, b *broker.Broker) error {
	r.cfg = &kafka.Config{Brokers: []string{b.Addr()}, ClientID: "wfctl-dev", DialTimeout: kafka.DefaultDialTimeout}
	if len(r.opts.Users) > 0 {
		r.cfg.SASLMechanism, r.cfg.SASLUser, r.cfg.SASLPassword = "SCRAM-SHA-256", r.opts.Users[0].Name, r.opts.Users[0].Password
	}

	target := loopback(b.ListenAddr())
	useTLS := r.opts.TLS != nil
	r.dial = kgo.Dialer(func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, target)
		if err != nil || !useTLS {
			return conn, err
		}
		// The server dials its own socket: the certificate is its own.
		tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	})
	var err error
	if r.admin, err = kafka.NewClient(ctx, r.cfg, r.dial); err != nil {
		return err
	}
	if err := createProtocolTopics(ctx, r.cluster, r.admin, r.opts.Limits); err != nil {
		return kafka.Classify(err, r.cfg)
	}
	end, err := endOffset(ctx, r.admin, TopicRecords)
	if err != nil {
		return kafka.Classify(err, r.cfg)
	}
	r.prod, err = kafka.NewClient(ctx, r.cfg, r.dial,
		kgo.TransactionalID(TransactionalIDPrefix+strconv.FormatInt(end, 10)+"-"+strconv.FormatInt(time.Now().UnixNano(), 36)),
		kgo.TransactionTimeout(time.Minute),
		// A record may be as large as one input's records together.
		kgo.ProducerBatchMaxBytes(int32(r.opts.Limits.Records)),
		// Compressed: the records are JSON and shrink to a fraction, which
		// costs less CPU than writing, checksumming and syncing them whole
		// (BenchmarkEndToEnd: about half the CPU per instance). Snappy, not
		// lz4, which costs the same here: franz-go decompresses lz4 through
		// a growing buffer, and instance show spent 250 ms of its 350 in
		// that for one large batch; snappy decodes into one allocation.
		kgo.ProducerBatchCompression(kgo.SnappyCompression()),
		kgo.MaxBufferedRecords(1<<20),
		kgo.ProducerLinger(0),
	)
	return err
}

// start rebuilds the state, starts consuming, and deploys the models.
func (r *runner) start(ctx context.Context) error {
	if err := r.recover(ctx); err != nil {
		return err
	}
	var err error
	r.cons, err = kafka.NewClient(ctx, r.cfg, r.dial,
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{TopicCommands: {0: r.startOffset(TopicCommands, 0)}}),
		kgo.FetchMaxWait(time.Second),
	)
	if err != nil {
		return err
	}
	if r.watch != nil {
		files, notices := r.watch.scan(0)
		for _, n := range notices {
			r.notify(n)
		}
		if err := r.deployModels(files); err != nil {
			return err
		}
	}
	if err := r.syncTopics(); err != nil {
		return err
	}
	return r.awaitCommit()
}

// startOffset is where consumption of a partition resumes: after the
// last checkpoint, or at the beginning for a partition it never read.
func (r *runner) startOffset(topic string, partition int32) kgo.Offset {
	if o, ok := r.offsets[partitionName(topic, partition)]; ok {
		return kgo.NewOffset().At(o)
	}
	return kgo.NewOffset().AtStart()
}

func partitionName(topic string, partition int32) string {
	return fmt.Sprintf("%s/%d", topic, partition)
}

// loop consumes until ctx ends: each poll batch, each due tick and each
// models change is one transaction.
func (r *runner) loop(parent context.Context) error {
	// ctx ends the runner's goroutines when it returns, also when it
	// returns for an input set aside and a new runner takes over.
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	polls := make(chan kgo.Fetches)
	go r.poll(ctx, polls)
	if r.watch != nil {
		go r.watch.run(ctx, r.deploys, r.notify)
	}
	ticker := time.NewTicker(TickEvery)
	defer ticker.Stop()
	for {
		var results <-chan error
		if r.inflight != nil {
			results = r.results
		}
		var err error
		select {
		case <-parent.Done():
			if err := r.awaitCommit(); err != nil {
				return err
			}
			r.finalSnapshot()
			return nil
		case err = <-results:
			err = r.committed(err)
		case f := <-polls:
			err = r.consume(f)
		case <-ticker.C:
			if r.due.ready(r.clockNow()) {
				err = r.tickOnly()
			}
		case files := <-r.deploys:
			err = r.deployModels(files)
		case q := <-r.inspect:
			if err = r.awaitCommit(); err == nil {
				q.fn(r.eng)
			}
			close(q.done)
		}
		if err != nil {
			return err
		}
	}
}

// poll hands the consumed records to loop, a batch at a time, fetching
// the next batch while loop commits the last.
func (r *runner) poll(ctx context.Context, out chan<- kgo.Fetches) {
	for {
		f := r.cons.PollRecords(ctx, MaxBatch)
		if ctx.Err() != nil || f.IsClientClosed() {
			return
		}
		if f.NumRecords() == 0 {
			continue
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return
		}
	}
}

// endOffset is the end offset of a topic's partition 0.
func endOffset(ctx context.Context, cl *kgo.Client, topic string) (int64, error) {
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return 0, err
	}
	o, ok := ends.Lookup(topic, 0)
	if !ok {
		return 0, fmt.Errorf("no end offset for %s", topic)
	}
	return o.Offset, o.Err
}

func (r *runner) close() {
	close(r.commits)
	select { // the committer finishes its last commit and snapshot write
	case <-r.committerDone:
	case <-time.After(30 * time.Second):
	}
	r.snapWriter.close() // the last snapshot taken is written before the runner is done
	for _, cl := range []*kgo.Client{r.cons, r.prod, r.admin} {
		if cl != nil {
			cl.Close()
		}
	}
}

func (r *runner) topicList() []string {
	r.topicsMu.Lock()
	defer r.topicsMu.Unlock()
	return slices.Clone(r.topics)
}

// loopback turns a listen address into one to dial: an unspecified host
// (0.0.0.0, ::, "") is this machine's loopback.
func loopback(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	ip := net.ParseIP(host)
	switch {
	case host == "" || ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// serialized makes notify safe to call from several goroutines.
func serialized(notify func(Notice)) func(Notice) {
	var mu sync.Mutex
	return func(n Notice) {
		mu.Lock()
		defer mu.Unlock()
		notify(n)
	}
}
