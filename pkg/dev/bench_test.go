package dev

import (
	"context"
	"encoding/json"

	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// BenchmarkEndToEnd measures instances per second through the broker:
// b.N create-instance commands produced to wfctl.commands by one
// franz-go client, each instance's job read from wfctl.jobs and completed
// by a franz-go worker with a COMPLETE command, until the server has seen
// every instance complete. Everything runs in this process (broker,
// engine, clients) and shares the machine's cores. The data-dir case
// syncs every write to disk, as `wfctl dev` does by default (and
// snapshots the state; data-dir-no-snapshots does not, to show what they
// cost).
//
//	go test ./pkg/dev -run '^$' -bench EndToEnd -benchtime 200000x
func BenchmarkEndToEnd(b *testing.B) {
	for _, mode := range []struct {
		name    string
		dataDir bool
		every   int
	}{{"data-dir", true, 0}, {"data-dir-no-snapshots", true, -1}, {"in-memory", false, 0}} {
		b.Run(mode.name, func(b *testing.B) {
			opts := Options{SnapshotEvery: mode.every}
			if mode.dataDir {
				opts.DataDir = b.TempDir()
			}
			s := startServer(b, opts)
			ctx := testContext(b)
			cl := newClient(b, s.Addr(), kgo.ProducerLinger(time.Millisecond), kgo.MaxBufferedRecords(1<<16))
			produce(b, cl, commandRecord(b, "deploy", deployCommand("work.bpmn", readModel(b, "work.bpmn"))))
			if err := s.Await(ctx, func(st Stats) bool { return st.Commands == 1 }); err != nil {
				b.Fatal(err)
			}
			worker := startWorker(b, s.Addr(), "work")
			create := commandRecord(b, "", createCommand("work", map[string]any{"n": 1})).Value
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				cl.Produce(ctx, &kgo.Record{Topic: TopicCommands, Value: create,
					Headers: []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte(strconv.Itoa(i))}}}, nil)
			}
			if err := s.Await(ctx, func(st Stats) bool { return st.Completed >= int64(b.N) }); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "instances/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/instance")
			st := s.Stats()
			b.ReportMetric(float64(st.Batches)/b.Elapsed().Seconds(), "batches/s")
			b.ReportMetric(float64(st.Records)/float64(b.N), "records/instance")
			worker()
		})
	}
}

// startWorker completes every job of a type it reads from wfctl.jobs with
// a COMPLETE command, as a Kafka job worker does; the returned func stops
// it.
func startWorker(tb testing.TB, addr, typ string) func() {
	cl := newClient(tb, addr, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{TopicJobs: {0: kgo.NewOffset().AtStart()}}),
		kgo.ProducerLinger(time.Millisecond), kgo.MaxBufferedRecords(1<<16))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for ctx.Err() == nil {
			cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
				if string(r.Key) != typ {
					return
				}
				var job struct {
					Key int64 `json:"key"`
				}
				if err := json.Unmarshal(r.Value, &job); err != nil {
					tb.Errorf("job %d: %v", r.Offset, err)
					return
				}
				cmd := `{"valueType":"JOB","intent":"COMPLETE","key":` + strconv.FormatInt(job.Key, 10) + `,"value":{}}`
				cl.Produce(ctx, &kgo.Record{Topic: TopicCommands, Key: r.Key, Value: []byte(cmd)}, nil)
			})
		}
	}()
	return func() { cancel(); <-stopped }
}

// BenchmarkRestart measures a restart on a data folder that holds
// completed instances (20,000 by default, about half a million records;
// WFCTL_BENCH_INSTANCES sets how many): the time from Start to ready,
// side by side from the folder's snapshot (see SnapshotFileName) and
// folding the whole of wfctl.records, and the records folded per second.
//
//	go test ./pkg/dev -run '^$' -bench Restart -benchtime 5x
func BenchmarkRestart(b *testing.B) {
	instances := 20000
	if n, err := strconv.Atoi(os.Getenv("WFCTL_BENCH_INSTANCES")); err == nil && n > 0 {
		instances = n
	}
	dir := b.TempDir()
	s := startServer(b, Options{DataDir: dir})
	cl := newClient(b, s.Addr(), kgo.ProducerLinger(time.Millisecond), kgo.MaxBufferedRecords(1<<16))
	ctx := testContext(b)
	produce(b, cl, commandRecord(b, "deploy", deployCommand("work.bpmn", readModel(b, "work.bpmn"))))
	stop := startWorker(b, s.Addr(), "work")
	create := commandRecord(b, "", createCommand("work", map[string]any{"n": 1})).Value
	for range instances {
		cl.Produce(ctx, &kgo.Record{Topic: TopicCommands, Value: create}, nil)
	}
	if err := s.Await(ctx, func(st Stats) bool { return st.Completed >= int64(instances) }); err != nil {
		b.Fatal(err)
	}
	stop()
	cl.Close()
	s.Close()
	for _, c := range []struct {
		name  string
		every int
	}{{"snapshot", 0}, {"whole-log", -1}} {
		b.Run(c.name, func(b *testing.B) {
			var rec Recovery
			var end int64
			for range b.N {
				s, err := Start(ctx, Options{Listen: "127.0.0.1:0", DataDir: dir, SnapshotEvery: c.every})
				if err != nil {
					b.Fatal(err)
				}
				rec = s.Recovered()
				b.StopTimer()
				end = logEnd(b, s.Addr(), TopicRecords)
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/restart")
			b.ReportMetric(float64(rec.Records), "records-folded")
			b.ReportMetric(float64(end), "records-in-log")
		})
	}
}

// logEnd is the end offset of a topic's partition 0.
func logEnd(tb testing.TB, addr, topic string) int64 {
	adm := kadm.NewClient(newClient(tb, addr))
	defer adm.Close()
	ends, err := adm.ListEndOffsets(testContext(tb), topic)
	if err != nil {
		tb.Fatal(err)
	}
	o, _ := ends.Lookup(topic, 0)
	return o.Offset
}

// BenchmarkQueries measures, with the real binaries, what a user waits
// for on a data folder with a long history (WFCTL_BENCH_INSTANCES
// completed instances, 42,000 by default: about 1.1 million records on
// wfctl.records, and 100 instances waiting at a job): `wfctl dev`
// restarting to ready, `wfctl instance list` and `wfctl instance show`
// (median of 10 runs each, whole process), side by side with `wfctl
// records` reading the history once, which is what list and show cost
// before the engine answered them.
//
//	go test ./pkg/dev -run '^$' -bench Queries -benchtime 1x
func BenchmarkQueries(b *testing.B) {
	instances := 42000
	if n, err := strconv.Atoi(os.Getenv("WFCTL_BENCH_INSTANCES")); err == nil && n > 0 {
		instances = n
	}
	bin := buildWfctl(b)
	dir := b.TempDir()
	if k := os.Getenv("WFCTL_BENCH_KEEP"); k != "" {
		dir = k
	}
	s := startServer(b, Options{DataDir: dir})
	cl := newClient(b, s.Addr(), kgo.ProducerLinger(time.Millisecond), kgo.MaxBufferedRecords(1<<16))
	ctx := testContext(b)
	produce(b, cl, commandRecord(b, "deploy", deployCommand("work.bpmn", readModel(b, "work.bpmn"))),
		commandRecord(b, "deploy-order", deployCommand("order.bpmn", readModel(b, "order.bpmn"))))
	stop := startWorker(b, s.Addr(), "work")
	create := commandRecord(b, "", createCommand("work", map[string]any{"n": 1})).Value
	for i := range instances {
		cl.Produce(ctx, &kgo.Record{Topic: TopicCommands, Value: create}, nil)
		if i%(instances/100+1) == 0 { // waits at its charge job: nobody works it
			order := commandRecord(b, "", createCommand("order", map[string]any{"orderId": strconv.Itoa(i)})).Value
			cl.Produce(ctx, &kgo.Record{Topic: TopicCommands, Value: order}, nil)
		}
	}
	if err := s.Await(ctx, func(st Stats) bool { return st.Completed >= int64(instances) }); err != nil {
		b.Fatal(err)
	}
	stop()
	cl.Close()
	s.Close()

	median := func(cmd ...string) (time.Duration, []byte) {
		var times []time.Duration
		var out []byte
		for range 10 {
			start := time.Now()
			o, err := exec.Command(bin, cmd...).Output()
			if err != nil {
				b.Fatalf("wfctl %v: %v", cmd, err)
			}
			times, out = append(times, time.Since(start)), o
		}
		slices.Sort(times)
		return times[len(times)/2], out
	}
	for range b.N {
		start := time.Now()
		p := startDev(b, bin, "--port", "0", "--data-dir", dir)
		ready := time.Since(start)
		list, out := median("instance", "list", "-b", p.addr, "--state", "active", "-o", "json")
		var rows []struct {
			Key int64 `json:"processInstanceKey"`
		}
		if err := json.Unmarshal(out, &rows); err != nil || len(rows) == 0 {
			b.Fatalf("instance list: %v %s", err, out)
		}
		show, _ := median("instance", "show", "-b", p.addr, strconv.FormatInt(rows[0].Key, 10))
		start = time.Now()
		if err := exec.Command(bin, "records", "-b", p.addr, "-o", "json").Run(); err != nil {
			b.Fatal(err)
		}
		records := time.Since(start)
		end := logEnd(b, p.addr, TopicRecords)
		p.kill(b)
		b.ReportMetric(float64(ready.Milliseconds()), "ready-ms")
		b.ReportMetric(float64(list.Milliseconds()), "list-ms")
		b.ReportMetric(float64(show.Milliseconds()), "show-ms")
		b.ReportMetric(float64(records.Milliseconds()), "records-read-ms")
		b.ReportMetric(float64(end), "records-in-log")
	}
}

// BenchmarkWorker measures `wfctl job worker` (the real binary) with a
// no-op handler (true) and --concurrency 8 working WFCTL_BENCH_JOBS jobs
// (2,000 by default) that wait when it starts, in jobs per second from
// its start to the last instance completed, side by side with a bare
// franz-go worker (startWorker: no handler, completions produced as
// fast as the jobs arrive), with the worker runtime (devclient.Worker)
// running a no-op handler in its own process, and with spawning the
// handler process alone as often (the ceiling a process per job sets).
//
//	go test ./pkg/dev -run '^$' -bench Worker -benchtime 1x
func BenchmarkWorker(b *testing.B) {
	jobs := 2000
	if n, err := strconv.Atoi(os.Getenv("WFCTL_BENCH_JOBS")); err == nil && n > 0 {
		jobs = n
	}
	bin := buildWfctl(b)
	run := func(b *testing.B, work func(addr string) func()) float64 {
		s := startServer(b, Options{})
		cl := newClient(b, s.Addr(), kgo.ProducerLinger(time.Millisecond), kgo.MaxBufferedRecords(1<<16))
		ctx := testContext(b)
		produce(b, cl, commandRecord(b, "deploy", deployCommand("work.bpmn", readModel(b, "work.bpmn"))))
		create := commandRecord(b, "", createCommand("work", map[string]any{"n": 1})).Value
		for range jobs {
			cl.Produce(ctx, &kgo.Record{Topic: TopicCommands, Value: create}, nil)
		}
		if err := s.Await(ctx, func(st Stats) bool { return st.Created >= int64(jobs) }); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		stop := work(s.Addr())
		if err := s.Await(ctx, func(st Stats) bool { return st.Completed >= int64(jobs) }); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		stop()
		cl.Close()
		s.Close()
		return float64(jobs) / took.Seconds()
	}
	for range b.N {
		cli := run(b, func(addr string) func() {
			cmd := exec.Command(bin, "job", "worker", "work", "-b", addr, "--handler", "true", "--concurrency", "8", "--max-jobs-active", "64")
			if p := os.Getenv("WFCTL_BENCH_WORKER_LOG"); p != "" {
				cmd.Stderr, _ = os.Create(p)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			return func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
		})
		bare := run(b, func(addr string) func() { return startWorker(b, addr, "work") })
		// The worker runtime itself (devclient.Worker, as job worker runs
		// it) with a handler in the process: no process per job.
		inproc := run(b, func(addr string) func() {
			cfg := &kafka.Config{Brokers: []string{addr}, DialTimeout: kafka.DefaultDialTimeout}
			kc, err := kafka.NewClient(testContext(b), cfg, kgo.ProducerLinger(0))
			if err != nil {
				b.Fatal(err)
			}
			c := devclient.New(kc, cfg)
			ctx, cancel := context.WithCancel(context.Background())
			stopped := make(chan struct{})
			go func() {
				defer close(stopped)
				_ = c.Worker(ctx, devclient.WorkerOptions{Type: "work", Name: "bench", Concurrency: 8, MaxJobsActive: 64, Timeout: time.Minute},
					func(context.Context, devproto.Job) (map[string]any, error) { return nil, nil }, devclient.WorkerEvents{})
			}()
			return func() { cancel(); <-stopped; c.Close(); kc.Close() }
		})
		b.ReportMetric(inproc, "runtime-jobs/s")
		// The ceiling a handler process per job sets on this machine:
		// sh -c true as many times, 8 at once, and nothing else.
		start := time.Now()
		sem := make(chan struct{}, 8)
		var wg sync.WaitGroup
		for range jobs {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				_ = exec.Command("sh", "-c", "true").Run()
			})
		}
		wg.Wait()
		spawn := float64(jobs) / time.Since(start).Seconds()
		b.ReportMetric(spawn, "spawn-only/s")
		b.ReportMetric(cli/spawn, "cli/spawn")
		b.ReportMetric(cli, "cli-jobs/s")
		b.ReportMetric(bare, "bare-jobs/s")
		b.ReportMetric(cli/bare, "ratio")
	}
}
