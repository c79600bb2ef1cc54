// Command tracegroupbench is scripts/bench-trace-group.sh's helper: it
// produces order records the way a shop's services would (keyed by order
// id, franz-go's default partitioner: murmur2, as Kafka's), watches a
// tracking group through kadm and the replicas' /metrics, and reads the
// alerts topic back. It is a measuring tool, not part of wfctl.
//
//	tracegroupbench produce -b ADDR -topic T -orders N [-from I] [-rate R] [-batch M -metrics URL,...]
//	tracegroupbench wait    -b ADDR -topic T -group G -metrics URL,... -records N [-timeout D]
//	tracegroupbench live    -b ADDR -topic T -group G -metrics URL -rate R -duration D
//	tracegroupbench latency -b ADDR -topic T -alerts TOPIC -n N -threshold D -spread D
//	tracegroupbench stat    -metrics URL,...   (one line per replica: records, CPU seconds, RSS, tasks)
//	tracegroupbench ready   -log FILE -start UNIX_NS -tasks N [-pid PID]
//	                        (seconds from start to the first /readyz 200, and to /readyz 200 with N tasks owned;
//	                        records processed by then)
//	tracegroupbench state   -b ADDR -topic wfctl.trace.G.state
//	                        (checkpoints written: how many, bytes in all, the largest)
//
// Records: {"orderId","occurredAt","type",...} JSON as pkg/demo writes
// them (a quarter of the payments carry the type in a ce_type header,
// CloudEvents binary mode, instead). Each order goes OrderPlaced,
// PaymentReceived, GoodsShipped, OrderDelivered; the events of order i
// are produced interleaved with those of later orders (window -window),
// so that a run of orders [from, from+N) is complete when produce
// returns, and record timestamps are the wall clock at production (live
// event time). One order in -unpaid-every is never paid: it stays in
// flight, so checkpoints carry some instances.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tracegroupbench produce|wait|live|latency|stat [flags]")
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "produce":
		err = cmdProduce(args)
	case "wait":
		err = cmdWait(args)
	case "live":
		err = cmdLive(args)
	case "latency":
		err = cmdLatency(args)
	case "stat":
		err = cmdStat(args)
	case "ready":
		err = cmdReady(args)
	case "state":
		err = cmdState(args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracegroupbench "+cmd+":", err)
		os.Exit(1)
	}
}

// common flags
type common struct {
	brokers, topic, group, metrics string
	partitions                     int
}

func (c *common) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.brokers, "b", "127.0.0.1:9092", "broker")
	fs.StringVar(&c.topic, "topic", "orders", "input topic")
	fs.StringVar(&c.group, "group", "", "tracking group")
	fs.StringVar(&c.metrics, "metrics", "", "replicas' /metrics URLs, comma separated")
	fs.IntVar(&c.partitions, "partitions", 6, "partitions of the topic when it is created")
}

func (c *common) urls() []string {
	if c.metrics == "" {
		return nil
	}
	return strings.Split(c.metrics, ",")
}

func (c *common) admin() (*kgo.Client, *kadm.Client, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers))
	if err != nil {
		return nil, nil, err
	}
	return cl, kadm.NewClient(cl), nil
}

// ensureTopic creates the topic with c.partitions partitions when missing.
func (c *common) ensureTopic(ctx context.Context, adm *kadm.Client) error {
	d, err := adm.ListTopics(ctx, c.topic)
	if err != nil {
		return err
	}
	if t, ok := d[c.topic]; ok && t.Err == nil {
		return nil
	}
	resp, err := adm.CreateTopic(ctx, int32(c.partitions), -1, nil, c.topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !strings.Contains(err.Error(), "TOPIC_ALREADY_EXISTS") {
		return err
	}
	return nil
}

func producer(brokers string) (*kgo.Client, error) {
	// Defaults but for a bigger buffer and a short linger: a shop's
	// services produce with the Java client's defaults, which batch.
	return kgo.NewClient(kgo.SeedBrokers(brokers), kgo.MaxBufferedRecords(200_000),
		kgo.ProducerLinger(5*time.Millisecond), kgo.ProducerBatchMaxBytes(1<<20))
}

// ---- order records

var stages = []string{"OrderPlaced", "PaymentReceived", "GoodsShipped", "OrderDelivered"}

func orderID(i int64) string { return "o-" + strconv.FormatInt(i, 10) }

// orderRecord is stage s of order i at time at.
func orderRecord(topic string, i int64, s int, at time.Time) *kgo.Record {
	id := orderID(i)
	typ := stages[s]
	b := make([]byte, 0, 160)
	b = append(b, `{"orderId":"`...)
	b = append(b, id...)
	b = append(b, `","occurredAt":"`...)
	b = at.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	r := &kgo.Record{Topic: topic, Key: []byte(id), Timestamp: at}
	if s == 1 && i%4 == 0 {
		r.Headers = []kgo.RecordHeader{{Key: "ce_type", Value: []byte(typ)}, {Key: "ce_source", Value: []byte("/payments")},
			{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte(id + "-" + typ)}}
	} else {
		b = append(b, `,"type":"`...)
		b = append(b, typ...)
		b = append(b, '"')
	}
	switch s {
	case 0:
		b = append(b, `,"customer":"c-`...)
		b = strconv.AppendInt(b, i%40000, 10)
		b = append(b, `","amount":`...)
		b = strconv.AppendInt(b, 5+i%500, 10)
		b = append(b, `.99,"items":`...)
		b = strconv.AppendInt(b, 1+i%5, 10)
	case 1:
		b = append(b, `,"amount":`...)
		b = strconv.AppendInt(b, 5+i%500, 10)
		b = append(b, `.99,"method":"card"`...)
	case 2:
		b = append(b, `,"carrier":"DHL"`...)
	case 3:
		b = append(b, `,"signedBy":"customer"`...)
	}
	r.Value = append(b, '}')
	return r
}

// orderStream yields, for orders [from, from+n) (n < 0: unbounded), the
// records in production order: step k is stage 0 of order from+k, stage
// 1 of order from+k-w, ..., so each order's events come in order, w
// orders apart; the tail is flushed so every order is complete.
type orderStream struct {
	from, n, w, unpaidEvery int64
	k                       int64
	s                       int
}

// next is the next (order, stage), false at the end.
func (o *orderStream) next() (int64, int, bool) {
	for {
		if o.n >= 0 && o.k >= o.n+3*o.w {
			return 0, 0, false
		}
		i, s := o.k-int64(o.s)*o.w, o.s
		o.s++
		if o.s == len(stages) {
			o.s, o.k = 0, o.k+1
		}
		if i < 0 || o.n >= 0 && i >= o.n {
			continue
		}
		i += o.from
		if s > 0 && o.unpaidEvery > 0 && i%o.unpaidEvery == 0 {
			continue // never paid: waits at AwaitPayment
		}
		return i, s, true
	}
}

// ---- metrics scraping

type sample map[string]float64

// scrape reads a Prometheus text page: series name (labels included) →
// value.
func scrape(ctx context.Context, url string) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := sample{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return out, sc.Err()
}

func ready(ctx context.Context, metricsURL string) bool {
	u := strings.TrimSuffix(metricsURL, "/metrics") + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// processed sums records_processed_total over the replicas; a replica
// that does not answer counts 0.
func processed(ctx context.Context, urls []string) float64 {
	var n float64
	for _, u := range urls {
		if s, err := scrape(ctx, u); err == nil {
			n += s["wfctl_trace_records_processed_total"]
		}
	}
	return n
}

// offsetLag is the topic's end offsets less the group's committed ones,
// summed over partitions.
func offsetLag(ctx context.Context, adm *kadm.Client, group, topic string) (end, committed int64, err error) {
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return 0, 0, err
	}
	offs, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		return 0, 0, err
	}
	ends.Each(func(o kadm.ListedOffset) {
		end += o.Offset
		if c, ok := offs.Lookup(topic, o.Partition); ok && c.Err == nil && c.At >= 0 {
			committed += c.At
		}
	})
	return end, committed, nil
}

// ---- produce

func cmdProduce(args []string) error {
	fs := flag.NewFlagSet("produce", flag.ExitOnError)
	var c common
	c.bind(fs)
	from := fs.Int64("from", 0, "first order index")
	orders := fs.Int64("orders", 1000, "orders to produce")
	window := fs.Int64("window", 1000, "orders between an order's events")
	unpaid := fs.Int64("unpaid-every", 200, "one order in this many is never paid (0: none)")
	rate := fs.Float64("rate", 0, "records/s (0: as fast as it goes)")
	batch := fs.Int64("batch", 0, "with -metrics: after each batch of this many orders, wait until the replicas processed every record produced")
	base := fs.Float64("base", 0, "records the replicas had processed before this run (with -batch)")
	fs.Parse(args)
	ctx := context.Background()
	acl, adm, err := c.admin()
	if err != nil {
		return err
	}
	defer acl.Close()
	if err := c.ensureTopic(ctx, adm); err != nil {
		return err
	}
	cl, err := producer(c.brokers)
	if err != nil {
		return err
	}
	defer cl.Close()
	var perr atomic.Value
	cb := func(_ *kgo.Record, err error) {
		if err != nil {
			perr.CompareAndSwap(nil, err)
		}
	}
	start := time.Now()
	var total int64
	step := *orders
	if *batch > 0 {
		step = *batch
	}
	for b := int64(0); b < *orders; b += step {
		st := &orderStream{from: *from + b, n: min(step, *orders-b), w: min(*window, step), unpaidEvery: *unpaid}
		bstart := time.Now()
		var n int64
		for {
			i, s, ok := st.next()
			if !ok {
				break
			}
			if *rate > 0 && n%256 == 0 {
				if ahead := time.Duration(float64(total+n)/(*rate)*1e9) - time.Since(start); ahead > 0 {
					time.Sleep(ahead)
				}
			}
			cl.Produce(ctx, orderRecord(c.topic, i, s, time.Now()), cb)
			n++
		}
		if err := cl.Flush(ctx); err != nil {
			return err
		}
		if e, _ := perr.Load().(error); e != nil {
			return e
		}
		total += n
		if *batch > 0 && c.metrics != "" {
			for processed(ctx, c.urls()) < *base+float64(total) {
				time.Sleep(100 * time.Millisecond)
			}
			fmt.Fprintf(os.Stderr, "  batch of %d records produced and processed in %.1fs (%d in all, %.0fs)\n",
				n, time.Since(bstart).Seconds(), total, time.Since(start).Seconds())
		}
	}
	el := time.Since(start).Seconds()
	fmt.Printf("produced %d %.3f %.0f\n", total, el, float64(total)/el)
	return nil
}

// ---- wait: a group has caught up

func cmdWait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ExitOnError)
	var c common
	c.bind(fs)
	records := fs.Float64("records", 0, "records the replicas must have processed, in all")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after")
	fs.Parse(args)
	ctx := context.Background()
	acl, adm, err := c.admin()
	if err != nil {
		return err
	}
	defer acl.Close()
	// The processed count moves at each committed transaction; the
	// steady rate is taken between 10% and 90% of the records, the
	// whole time until every replica is ready with every offset
	// committed.
	start := time.Now()
	var t10, t90 float64
	for {
		el := time.Since(start)
		if el > *timeout {
			return fmt.Errorf("not caught up after %s: processed %.0f of %.0f", *timeout, processed(ctx, c.urls()), *records)
		}
		n := processed(ctx, c.urls())
		if t10 == 0 && n >= *records*0.1 {
			t10 = el.Seconds()
		}
		if t90 == 0 && n >= *records*0.9 {
			t90 = el.Seconds()
		}
		if n >= *records {
			end, committed, err := offsetLag(ctx, adm, c.group, c.topic)
			allReady := err == nil && end == committed
			for _, u := range c.urls() {
				allReady = allReady && ready(ctx, u)
			}
			if allReady {
				steady := 0.0
				if t90 > t10 {
					steady = *records * 0.8 / (t90 - t10)
				}
				fmt.Printf("caught-up %.3f steady %.0f t10 %.3f t90 %.3f\n", time.Since(start).Seconds(), steady, t10, t90)
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond) // a scrape costs the replica CPU too
	}
}

// ---- stat: each replica's records and CPU

func cmdStat(args []string) error {
	fs := flag.NewFlagSet("stat", flag.ExitOnError)
	var c common
	c.bind(fs)
	fs.Parse(args)
	for _, u := range c.urls() {
		s, err := scrape(context.Background(), u)
		if err != nil {
			return err
		}
		fmt.Printf("%s %.0f %.2f %.0f %.0f\n", u, s["wfctl_trace_records_processed_total"], s["process_cpu_seconds_total"],
			s["process_resident_memory_bytes"]/(1<<20), s["wfctl_trace_tasks_owned"])
	}
	return nil
}

// ---- state: what the checkpoints written weigh

func cmdState(args []string) error {
	fs := flag.NewFlagSet("state", flag.ExitOnError)
	var c common
	c.bind(fs)
	fs.Parse(args)
	ctx := context.Background()
	acl, adm, err := c.admin()
	if err != nil {
		return err
	}
	defer acl.Close()
	ends, err := adm.ListEndOffsets(ctx, c.topic)
	if err != nil {
		return err
	}
	want := map[int32]int64{}
	starts := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
			starts[o.Partition] = kgo.NewOffset().AtStart()
		}
	})
	if len(want) == 0 {
		fmt.Println("checkpoints 0 bytes 0 max 0 mean 0")
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.topic: starts}))
	if err != nil {
		return err
	}
	defer cl.Close()
	// A checkpoint is one "state" record, or "chunk" records and an
	// "index" one (pkg/trace/changelog.go).
	var n, total, biggest, cur int64
	pctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for len(want) > 0 && pctx.Err() == nil {
		qctx, qcancel := context.WithTimeout(pctx, time.Second)
		fs := cl.PollFetches(qctx)
		qcancel()
		fs.EachRecord(func(r *kgo.Record) {
			if r.Offset+1 >= want[r.Partition] {
				delete(want, r.Partition)
			}
			kind := ""
			for _, h := range r.Headers {
				if h.Key == "wfctl-kind" {
					kind = string(h.Value)
				}
			}
			switch kind {
			case "chunk":
				cur += int64(len(r.Value))
			case "state", "index":
				if kind == "state" {
					cur = int64(len(r.Value))
				}
				n++
				total += cur
				biggest = max(biggest, cur)
				cur = 0
			}
		})
		// Transaction markers take the last offsets: a partition whose
		// last record came is done once a fetch brings nothing more.
		if fs.NumRecords() == 0 {
			break
		}
	}
	fmt.Printf("checkpoints %d bytes %d max %d mean %d\n", n, total, biggest, total/max(n, 1))
	return nil
}

// ---- ready: how long a replica takes to be ready

func cmdReady(args []string) error {
	fs := flag.NewFlagSet("ready", flag.ExitOnError)
	logFile := fs.String("log", "", "the replica's stderr, where it prints its metrics URL")
	startNS := fs.Int64("start", 0, "when the process was started, Unix ns")
	tasks := fs.Float64("tasks", 6, "tasks the replica must own to count as resumed")
	pid := fs.Int("pid", 0, "the replica's process id (stop when it dies)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after")
	fs.Parse(args)
	ctx := context.Background()
	start := time.Unix(0, *startNS)
	deadline := time.Now().Add(*timeout)
	alive := func() bool { return *pid <= 0 || syscall.Kill(*pid, 0) == nil }
	var url string
	for url == "" {
		b, _ := os.ReadFile(*logFile)
		if i := strings.Index(string(b), "http://"); i >= 0 {
			if j := strings.Index(string(b[i:]), "/metrics"); j >= 0 {
				url = string(b[i : i+j+len("/metrics")])
			}
		}
		if !alive() || time.Now().After(deadline) {
			return errors.New("no metrics URL in " + *logFile)
		}
		time.Sleep(2 * time.Millisecond)
	}
	first := -1.0
	for time.Now().Before(deadline) && alive() {
		if ready(ctx, url) {
			at := time.Since(start).Seconds()
			if first < 0 {
				first = at
			}
			if s, err := scrape(ctx, url); err == nil && s["wfctl_trace_tasks_owned"] >= *tasks && ready(ctx, url) {
				// processed: records run since this process started (a
				// restart that reads checkpoints runs none of the history).
				fmt.Printf("ready %.3f resumed %.3f processed %.0f\n", first, at, s["wfctl_trace_records_processed_total"])
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("not ready with %.0f tasks (first /readyz 200 at %.3fs)", *tasks, first)
}

// ---- live: produce at a rate and sample the lag every second

func cmdLive(args []string) error {
	fs := flag.NewFlagSet("live", flag.ExitOnError)
	var c common
	c.bind(fs)
	rate := fs.Float64("rate", 200_000, "records/s to produce")
	dur := fs.Duration("duration", 60*time.Second, "how long")
	window := fs.Int64("window", 1000, "orders between an order's events")
	maxRSS := fs.Float64("max-rss-mb", 8000, "stop early when the replica's RSS passes this (MB)")
	brokerPID := fs.Int("broker-pid", 0, "the broker's process id, to sample its RSS and CPU")
	replicaPID := fs.Int("replica-pid", 0, "the replica's process id, to sample its CPU")
	maxBrokerRSS := fs.Float64("max-broker-rss-mb", 8000, "stop early when the broker's RSS passes this (MB)")
	fs.Parse(args)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	acl, adm, err := c.admin()
	if err != nil {
		return err
	}
	defer acl.Close()
	if err := c.ensureTopic(ctx, adm); err != nil {
		return err
	}
	base0 := processed(ctx, c.urls())
	cl, err := producer(c.brokers)
	if err != nil {
		return err
	}
	defer cl.Close()
	var produced atomic.Int64
	var perr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	start := time.Now()
	go func() {
		defer wg.Done()
		st := &orderStream{n: -1, w: *window, unpaidEvery: 0}
		cb := func(_ *kgo.Record, err error) {
			if err != nil {
				perr.CompareAndSwap(nil, err)
			}
		}
		var n int64
		for {
			if n%256 == 0 {
				select {
				case <-stop:
					cl.Flush(ctx)
					return
				default:
				}
				if ahead := time.Duration(float64(n)/(*rate)*1e9) - time.Since(start); ahead > 0 {
					time.Sleep(ahead)
				}
				produced.Store(n)
			}
			i, s, _ := st.next()
			cl.Produce(ctx, orderRecord(c.topic, i, s, time.Now()), cb)
			n++
		}
	}()
	fmt.Println("# t_s: seconds; produced, produce_rate: this generator; end_offset: the topic's, summed over partitions; committed: the group's")
	fmt.Println("# offsets; offset_lag = end - committed; processed: records_processed_total; processed_lag = produced - processed;")
	fmt.Println("# metric_lag: sum of wfctl_trace_consumer_lag_records; wm_lag: watermark_lag_seconds; rss in MB; cpu: cores busy in")
	fmt.Println("# the last second (replica, broker, this generator, the whole machine); commits: transactions committed in the last")
	fmt.Println("# second and their mean duration (checkpoint_duration_seconds)")
	fmt.Println("# t_s   produced  rate   end_offset   committed  offset_lag  processed  processed_lag  metric_lag  wm_lag  rss_replica  rss_broker  cpu_replica  cpu_broker  cpu_gen  cpu_machine  commits  commit_ms")
	var maxLag, lastLag, maxPLag, lastPLag int64
	var maxWM float64
	stopped := ""
	tick := time.NewTicker(time.Second)
	lastN, lastT := int64(0), start
	rc0, bc0, gc0 := procCPU(*replicaPID), procCPU(*brokerPID), procCPU(os.Getpid())
	mb0, mt0 := machineCPU()
	var ck0, cs0 float64
	if s, err := scrape(ctx, c.urls()[0]); err == nil {
		ck0, cs0 = s["wfctl_trace_checkpoint_duration_seconds_count"], s["wfctl_trace_checkpoint_duration_seconds_sum"]
	}
	ckFirst, csFirst := ck0, cs0
	var rcpu, bcpu, gcpu float64
	for t := 1; ; t++ {
		<-tick.C
		now := time.Now()
		n := produced.Load()
		end, committed, err := offsetLag(ctx, adm, c.group, c.topic)
		if err != nil {
			return err
		}
		var s sample
		for _, u := range c.urls() {
			s, _ = scrape(ctx, u)
		}
		proc := s["wfctl_trace_records_processed_total"] - base0
		var mlag float64
		for k, v := range s {
			if strings.HasPrefix(k, "wfctl_trace_consumer_lag_records{") {
				mlag += v
			}
		}
		lag := end - committed
		plag := n - int64(proc)
		rss := s["process_resident_memory_bytes"] / (1 << 20)
		brss := procRSS(*brokerPID)
		wm := s["wfctl_trace_watermark_lag_seconds"]
		dt := now.Sub(lastT).Seconds()
		rc, bc, gc := procCPU(*replicaPID), procCPU(*brokerPID), procCPU(os.Getpid())
		mb, mt := machineCPU()
		ck, cs := s["wfctl_trace_checkpoint_duration_seconds_count"], s["wfctl_trace_checkpoint_duration_seconds_sum"]
		commitMS := 0.0
		if ck > ck0 {
			commitMS = (cs - cs0) / (ck - ck0) * 1000
		}
		fmt.Printf("%4d %10d %6.0f %11d %11d %10d %10.0f %10d %10.0f %7.1f %7.0f %7.0f %10.2f %10.2f %8.2f %8.2f %8.0f %8.0f\n", t, n, float64(n-lastN)/dt,
			end, committed, lag, proc, plag, mlag, wm, rss, brss, (rc-rc0)/dt, (bc-bc0)/dt, (gc-gc0)/dt, (mb-mb0)/(mt-mt0)*float64(runtime.NumCPU()), ck-ck0, commitMS)
		rcpu, bcpu, gcpu = rcpu+rc-rc0, bcpu+bc-bc0, gcpu+gc-gc0
		rc0, bc0, gc0, mb0, mt0, ck0, cs0 = rc, bc, gc, mb, mt, ck, cs
		lastN, lastT = n, now
		maxLag, lastLag = max(maxLag, lag), lag
		maxPLag, lastPLag = max(maxPLag, plag), plag
		if wm > maxWM {
			maxWM = wm
		}
		if rss > *maxRSS {
			stopped = fmt.Sprintf("stopped at %ds: replica RSS %.0f MB > %.0f MB", t, rss, *maxRSS)
		}
		if brss > *maxBrokerRSS {
			stopped = fmt.Sprintf("stopped at %ds: broker RSS %.0f MB > %.0f MB", t, brss, *maxBrokerRSS)
		}
		if now.Sub(start) >= *dur || stopped != "" {
			break
		}
	}
	close(stop)
	wg.Wait()
	el := time.Since(start).Seconds()
	if e, _ := perr.Load().(error); e != nil {
		return e
	}
	n := produced.Load()
	if stopped != "" {
		fmt.Println("# " + stopped)
	}
	commitMS := 0.0
	if ck0 > ckFirst {
		commitMS = (cs0 - csFirst) / (ck0 - ckFirst) * 1000
	}
	fmt.Printf("summary produced=%d seconds=%.1f rate=%.0f max_offset_lag=%d final_offset_lag=%d max_processed_lag=%d final_processed_lag=%d max_watermark_lag_s=%.1f cpu_replica=%.2f cpu_broker=%.2f cpu_gen=%.2f commits=%.0f commit_ms=%.0f stopped=%q\n",
		n, el, float64(n)/el, maxLag, lastLag, maxPLag, lastPLag, maxWM, rcpu/el, bcpu/el, gcpu/el, ck0-ckFirst, commitMS, stopped)
	return nil
}

// procCPU is a process's user+system CPU seconds (0 when unknown).
func procCPU(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / 100 // USER_HZ
}

// machineCPU is the machine's busy and total jiffies (/proc/stat).
func machineCPU() (busy, total float64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	for i, f := range strings.Fields(line)[1:] {
		v, _ := strconv.ParseFloat(f, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// procRSS is a process's resident set in MB (0 when unknown).
func procRSS(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize()) / (1 << 20)
}

// ---- latency: stalls alerted how long after they fall due

func cmdLatency(args []string) error {
	fs := flag.NewFlagSet("latency", flag.ExitOnError)
	var c common
	c.bind(fs)
	alertsTopic := fs.String("alerts", "", "the group's alerts topic")
	n := fs.Int("n", 1000, "orders placed (each stalls)")
	threshold := fs.Duration("threshold", 35*time.Second, "the --stall-after AwaitPayment threshold the replica runs with")
	spread := fs.Duration("spread", 20*time.Second, "due times spread over this long")
	timeout := fs.Duration("timeout", 0, "give up waiting for alerts after (default threshold+spread+30s)")
	fs.Parse(args)
	if *timeout == 0 {
		*timeout = *threshold + *spread + 30*time.Second
	}
	ctx := context.Background()
	acl, adm, err := c.admin()
	if err != nil {
		return err
	}
	defer acl.Close()
	if err := c.ensureTopic(ctx, adm); err != nil {
		return err
	}
	// The alerts reader starts at the topic's end, read_committed.
	ends, err := adm.ListEndOffsets(ctx, *alertsTopic)
	if err != nil {
		return err
	}
	starts := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) { starts[o.Partition] = kgo.NewOffset().At(o.Offset) })
	rd, err := kgo.NewClient(kgo.SeedBrokers(c.brokers), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{*alertsTopic: starts}), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		return err
	}
	defer rd.Close()
	cl, err := producer(c.brokers)
	if err != nil {
		return err
	}
	defer cl.Close()
	// Orders lat-TAG-0 .. lat-TAG-(n-1), a fresh key space per run.
	tag := strconv.FormatInt(time.Now().UnixMilli()%1_000_000, 36)
	prefix := "lat-" + tag + "-"
	// Staggered creation: order k is placed live (timestamp now) at
	// t0 + k*spread/n, so due times spread over -spread. (Timestamps put
	// back in time would not do: a task judged as of now less
	// --idle-after stamps an older record at its clock, as late.) The
	// alerts are read meanwhile, as they come.
	t0 := time.Now()
	perr := make(chan error, 1)
	var placedAt sync.Map // id → the record's timestamp
	go func() {
		for k := range *n {
			time.Sleep(time.Until(t0.Add(time.Duration(k) * *spread / time.Duration(*n))))
			id := prefix + strconv.Itoa(k)
			at := time.Now()
			placedAt.Store(id, at.Truncate(time.Millisecond))
			v := fmt.Sprintf(`{"orderId":%q,"occurredAt":%q,"type":"OrderPlaced","customer":"c-1","amount":10.99,"items":1}`, id, at.UTC().Format(time.RFC3339))
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: c.topic, Key: []byte(id), Value: []byte(v), Timestamp: at}).FirstErr(); err != nil {
				perr <- err
				return
			}
		}
		fmt.Fprintf(os.Stderr, "  placed %d orders in %.1fs; due from %s to %s after the first was placed\n", *n, time.Since(t0).Seconds(),
			*threshold, *threshold+*spread)
		perr <- nil
	}()
	type seen struct{ commit, write float64 }
	got := map[string]seen{}
	deadline := time.Now().Add(*timeout)
	var dueMismatch int
	var sinceOff []float64 // record timestamp - waiting_since, where they differ
	for len(got) < *n && time.Now().Before(deadline) {
		select {
		case err := <-perr:
			if err != nil {
				return err
			}
		default:
		}
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		fs := rd.PollFetches(pctx)
		cancel()
		now := time.Now()
		fs.EachRecord(func(r *kgo.Record) {
			var a struct {
				Type string    `json:"type"`
				Time time.Time `json:"time"`
				Data struct {
					CorrelationKey string     `json:"correlation_key"`
					WaitingSince   *time.Time `json:"waiting_since"`
				} `json:"data"`
			}
			if json.Unmarshal(r.Value, &a) != nil || a.Type != "wfctl.instance.stalled" || a.Data.WaitingSince == nil {
				return
			}
			if !strings.HasPrefix(a.Data.CorrelationKey, prefix) {
				return
			}
			due := a.Data.WaitingSince.Add(*threshold)
			if !due.Equal(a.Time) {
				dueMismatch++
			}
			if at, ok := placedAt.Load(a.Data.CorrelationKey); ok && !at.(time.Time).Equal(*a.Data.WaitingSince) {
				sinceOff = append(sinceOff, at.(time.Time).Sub(*a.Data.WaitingSince).Seconds())
			}
			got[a.Data.CorrelationKey] = seen{commit: now.Sub(due).Seconds(), write: r.Timestamp.Sub(due).Seconds()}
		})
	}
	var commit, write []float64
	for _, s := range got {
		commit, write = append(commit, s.commit), append(write, s.write)
	}
	slices.Sort(commit)
	slices.Sort(write)
	if len(sinceOff) > 0 {
		slices.Sort(sinceOff)
		fmt.Fprintf(os.Stderr, "  note: %d alerts' waiting_since differs from their record's timestamp: by %.3f..%.3fs (record later)\n",
			len(sinceOff), sinceOff[0], sinceOff[len(sinceOff)-1])
	}
	if dueMismatch > 0 {
		fmt.Fprintf(os.Stderr, "  note: %d alerts' time differs from waiting_since+threshold\n", dueMismatch)
	}
	fmt.Printf("latency alerts=%d of=%d commit_p50=%.3f commit_p99=%.3f commit_max=%.3f write_p50=%.3f write_p99=%.3f write_max=%.3f min=%.3f\n",
		len(got), *n, pct(commit, 50), pct(commit, 99), pct(commit, 100), pct(write, 50), pct(write, 99), pct(write, 100), pct(commit, 0))
	if len(got) < *n {
		return errors.New("not every stall was alerted before the timeout")
	}
	return nil
}

// pct is the p-th percentile (nearest rank) of sorted xs; NaN when empty.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	if p <= 0 {
		return xs[0]
	}
	i := int(math.Ceil(p/100*float64(len(xs)))) - 1
	return xs[max(0, min(i, len(xs)-1))]
}
