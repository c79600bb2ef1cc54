package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/trace"
	"github.com/wfctl/wfctl/pkg/ui"
)

// groupFlags are trace's flags for tracking groups (--follow --group).
type groupFlags struct {
	Group             string
	AlertsTopic       string
	AlertsWebhook     string
	ReplicaID         string
	MetricsAddr       string
	CheckpointEvery   time.Duration
	CheckpointRecords int64
}

var groupFlagNames = []string{"group", "alerts-topic", "alerts-webhook", "replica-id", "metrics-addr", "checkpoint-every", "checkpoint-records"}

func bindGroupFlags(fl *pflag.FlagSet, g *groupFlags) {
	fl.StringVar(&g.Group, "group", "", "with --follow: join this consumer group; replicas with the same group share the work, keep their state in Kafka and write alerts exactly once")
	fl.StringVar(&g.AlertsTopic, "alerts-topic", "", "with --group: topic for the alerts, CloudEvents JSON (default wfctl.trace.GROUP.alerts)")
	fl.StringVar(&g.AlertsWebhook, "alerts-webhook", "", "with --group: also POST each alert to this URL (at least once, with retries)")
	fl.StringVar(&g.ReplicaID, "replica-id", "", "with --group: this replica's stable name, the same on every restart: its transactional ID and its static group membership, so a restart (even after kill -9) takes its partitions back at once; never give two live replicas the same ID (default: host name and process ID, a new dynamic member each run)")
	fl.StringVar(&g.MetricsAddr, "metrics-addr", "", "with --group: serve Prometheus /metrics, /healthz and /readyz on this address (e.g. :9464)")
	durationFlag(fl, &g.CheckpointEvery, "checkpoint-every", 10*time.Second, "with --group: checkpoint (and commit) at least this often")
	fl.Int64Var(&g.CheckpointRecords, "checkpoint-records", 100_000, "with --group: checkpoint (and commit) after this many records")
}

// groupTrace runs this process as a replica of a tracking group until
// interrupted, printing each alert once its transaction committed.
func groupTrace(ctx context.Context, opts *traceOptions, tr *trace.Tracer) error {
	f, g := opts.f, opts.Group
	if opts.File != "" || !opts.Follow {
		return usageErrorf("--group needs --follow and brokers: a tracking group follows topics")
	}
	if len(opts.Topics) == 0 || opts.TopicRegex != "" {
		return usageErrorf("--group needs its topics named with --topic (the first one's partition count sets the group's tasks)")
	}
	if opts.From != "beginning" || opts.To != "end" {
		return usageErrorf("--group starts from the group's committed offsets (the beginning for a new group); --from and --to do not apply")
	}
	if _, why := tr.Engines(); why != "" {
		return usageErrorf("--group shares instances out by correlation key, but %s", why)
	}
	if g.CheckpointRecords <= 0 {
		return usageErrorf("--checkpoint-records must be positive")
	}
	if g.CheckpointEvery <= 0 {
		return usageErrorf("--checkpoint-every must be positive")
	}
	cfg, err := kafka.Load(opts.Kafka, f.Getenv)
	if err != nil {
		return kafkaError(err)
	}
	base, err := cfg.Opts()
	if err != nil {
		return kafkaError(err)
	}
	if g.AlertsTopic == "" {
		g.AlertsTopic = "wfctl.trace." + g.Group + ".alerts"
	}
	static := g.ReplicaID != ""
	if !static {
		host, _ := os.Hostname()
		g.ReplicaID = host + "-" + strconv.Itoa(os.Getpid())
	}
	logf := func(format string, args ...any) {
		fmt.Fprintln(f.IO.StyledErr(), f.IO.PainterErr().Paint(ui.Faint, fmt.Sprintf(format, args...)))
	}
	metrics := trace.NewGroupMetrics(trace.MetricsLogf(logf))
	metrics.SetReady(false, "restoring: no transaction committed yet")
	if g.MetricsAddr != "" {
		addr, err := metrics.Serve(ctx, g.MetricsAddr)
		if err != nil {
			return usageErrorf("--metrics-addr %s: %v", g.MetricsAddr, err)
		}
		logf("metrics on http://%s/metrics", addr)
	}
	var hook *trace.Webhook
	if g.AlertsWebhook != "" {
		hook = trace.NewWebhook(g.AlertsWebhook, trace.WebhookOptions{Logf: logf})
		metrics.WatchWebhook(hook)
		defer func() {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = hook.Close(cctx)
		}()
	}
	paint := f.IO.PainterOut()
	alerted := func(as []trace.Alert) {
		if hook != nil {
			hook.Post(as)
		}
		for _, a := range as {
			if opts.g.Output != "text" {
				_ = writeLine(f.IO.Out, a)
				continue
			}
			d := a.Data
			where := d.ElementName + " (" + d.ElementID + ")"
			if d.ElementID == "" {
				where = d.Reason
			}
			fmt.Fprintf(f.IO.StyledOut(), "%s  %s  %s  (last %s)\n", paint.Paint(ui.BoldRed, a.Type), ui.OneLine(d.CorrelationKey), ui.OneLine(where), d.LastRecord)
		}
	}
	logf("tracking group %s: joining as %s; alerts to %s", g.Group, g.ReplicaID, g.AlertsTopic)
	err = tr.Serve(ctx, base, trace.GroupOptions{Group: g.Group, Topics: opts.Topics, AlertsTopic: g.AlertsTopic, ReplicaID: g.ReplicaID, Static: static, SessionTimeout: cfg.SessionTimeout,
		CheckpointEvery: g.CheckpointEvery, CheckpointRecords: g.CheckpointRecords, IdleAfter: opts.IdleAfter, Now: f.Now,
		Logf: logf, Observer: metrics, Alerted: alerted})
	if err != nil && !errors.Is(err, context.Canceled) {
		return kafkaError(kafka.Classify(err, cfg))
	}
	return nil
}
