package trace

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// GroupMetrics is a tracking group's Prometheus metrics and health
// endpoints (`--metrics-addr`). It is a GroupObserver: the group tells it
// its status after each committed transaction, and a scrape of /metrics
// reads what the last one said. Counters (records, alerts) only go up: a
// status that reports less than the one before is taken as a new start
// (a GroupMetrics kept across a restarted Serve), counted from zero.
//
// All metrics live in the GroupMetrics' own registry, together with the
// Go runtime and process collectors (go_*, process_*: CPU, memory, open
// files), so that two GroupMetrics in one process never collide.
type GroupMetrics struct {
	reg  *prometheus.Registry
	now  func() time.Time
	logf func(format string, args ...any)

	records    prometheus.Counter
	watermark  prometheus.Gauge
	lag        *prometheus.GaugeVec
	inFlight   prometheus.Gauge
	stalled    *prometheus.GaugeVec
	timedOut   prometheus.Gauge
	alerts     *prometheus.CounterVec
	checkpoint prometheus.Histogram
	tasks      prometheus.Gauge

	mu          sync.Mutex
	lastRecords int64
	lastAlerts  map[string]int64
	stalledSeen map[[2]string]bool
	lagSeen     map[[2]string]bool
	watermarkAt time.Time
	ready       bool
	reason      string
	webhook     *Webhook
}

// MetricsOption configures NewGroupMetrics.
type MetricsOption func(*GroupMetrics)

// MetricsNow sets the wall clock that watermark_lag_seconds is measured
// against (default time.Now).
func MetricsNow(now func() time.Time) MetricsOption {
	return func(m *GroupMetrics) { m.now = now }
}

// MetricsLogf sets where Serve reports a server that stopped on an error.
func MetricsLogf(logf func(format string, args ...any)) MetricsOption {
	return func(m *GroupMetrics) { m.logf = logf }
}

// NewGroupMetrics makes the metrics of one replica of a tracking group,
// not ready until a committed status says so.
func NewGroupMetrics(opts ...MetricsOption) *GroupMetrics {
	m := &GroupMetrics{
		reg: prometheus.NewRegistry(), now: time.Now, logf: func(string, ...any) {},
		lastAlerts: map[string]int64{}, stalledSeen: map[[2]string]bool{}, lagSeen: map[[2]string]bool{},
		reason: "no transaction committed yet",
	}
	for _, o := range opts {
		o(m)
	}
	f := promauto.With(m.reg)
	m.records = f.NewCounter(counterOpts("records_processed_total", "Records run through this replica's engines."))
	m.watermark = f.NewGauge(gaugeOpts("watermark_seconds",
		"The event-time watermark of this replica's tasks (the earliest of them), in Unix seconds; 0 while none is known."))
	f.NewGaugeFunc(gaugeOpts("watermark_lag_seconds",
		"How far the event-time watermark is behind the wall clock, in seconds; 0 while none is known."), m.watermarkLag)
	m.lag = f.NewGaugeVec(gaugeOpts("consumer_lag_records",
		"Records not yet read, per input topic and partition owned by this replica."), []string{"topic", "partition"})
	m.inFlight = f.NewGauge(gaugeOpts("instances_in_flight", "Process instances started and not yet ended, in this replica's tasks."))
	m.stalled = f.NewGaugeVec(gaugeOpts("instances_stalled",
		"Instances waiting past their threshold, per process and element."), []string{"process", "element"})
	m.timedOut = f.NewGauge(gaugeOpts("instances_timed_out", "Instances that took a timer boundary path, in this replica's tasks."))
	m.alerts = f.NewCounterVec(counterOpts("alerts_written_total",
		"Alerts committed to the alerts topic by this replica, per CloudEvents type."), []string{"type"})
	m.checkpoint = f.NewHistogram(prometheus.HistogramOpts{Namespace: "wfctl", Subsystem: "trace", Name: "checkpoint_duration_seconds",
		Help:    "How long committing a transaction (checkpoints, alerts and offsets) took.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}) // 5ms .. ~10s
	m.tasks = f.NewGauge(gaugeOpts("tasks_owned", "Tasks (co-partitioned partition numbers) this replica owns."))
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Committed records a committed transaction's status (GroupObserver).
func (m *GroupMetrics) Committed(st GroupStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records.Add(float64(increase(m.lastRecords, st.Records)))
	m.lastRecords = st.Records
	for typ, n := range st.AlertsTotal {
		if d := increase(m.lastAlerts[typ], n); d > 0 {
			m.alerts.WithLabelValues(typ).Add(float64(d))
		}
		m.lastAlerts[typ] = n
	}
	m.watermarkAt = st.Watermark
	m.watermark.Set(unixSeconds(st.Watermark))
	m.inFlight.Set(float64(st.Instances))
	m.timedOut.Set(float64(st.TimedOut))
	m.tasks.Set(float64(len(st.Tasks)))
	if st.Checkpoint > 0 {
		m.checkpoint.Observe(st.Checkpoint.Seconds())
	}
	m.stalledSeen = setSeries(m.stalled, m.stalledSeen, stalledSeries(st.Stalled))
	lag, behind := lagSeries(st.Lag)
	m.lagSeen = setSeries(m.lag, m.lagSeen, lag)
	m.ready = st.Ready
	if !st.Ready {
		m.reason = fmt.Sprintf("restoring or catching up: %d tasks owned, %d records behind", len(st.Tasks), behind)
	}
}

// SetReady sets what /readyz answers until the next committed status:
// the owner says why it is not ready before the first commit (joining
// the group, restoring checkpoints).
func (m *GroupMetrics) SetReady(ready bool, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ready, m.reason = ready, reason
}

// Handler serves /metrics (the Prometheus text and OpenMetrics formats),
// /healthz (200 while the process answers) and /readyz (200 when the last
// committed status had every owned task restored and caught up, 503 with
// the reason otherwise).
func (m *GroupMetrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", m.serveReady)
	return mux
}

func (m *GroupMetrics) serveReady(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	ready, reason := m.ready, m.reason
	m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ready {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "not ready: %s\n", strings.ReplaceAll(reason, "\n", " "))
		return
	}
	fmt.Fprintln(w, "ready")
}

// Serve listens on addr (":9464", "127.0.0.1:0") and serves Handler until
// ctx ends. It returns the address it listens on once it does.
func (m *GroupMetrics) Serve(ctx context.Context, addr string) (net.Addr, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w (choose another --metrics-addr)", err)
	}
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		// Scrapes are short: give those in flight a moment, then cut.
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if srv.Shutdown(stop) != nil {
			srv.Close()
		}
	}()
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			m.logf("metrics: server on %s stopped: %v", ln.Addr(), err)
		}
	}()
	return ln.Addr(), nil
}

// WatchWebhook exports the webhook's counters as
// wfctl_trace_webhook_{sent,failed,dropped}_total; a later call watches
// another webhook instead.
func (m *GroupMetrics) WatchWebhook(w *Webhook) {
	if w == nil {
		return
	}
	m.mu.Lock()
	first := m.webhook == nil
	m.webhook = w
	m.mu.Unlock()
	if !first {
		return
	}
	f := promauto.With(m.reg)
	read := func(get func(*Webhook) int64) func() float64 {
		return func() float64 {
			m.mu.Lock()
			defer m.mu.Unlock()
			return float64(get(m.webhook))
		}
	}
	f.NewCounterFunc(counterOpts("webhook_sent_total", "Alerts the webhook accepted (2xx)."), read((*Webhook).Sent))
	f.NewCounterFunc(counterOpts("webhook_failed_total", "Alerts given up on: a 4xx answer, or every retry failed."), read((*Webhook).Failed))
	f.NewCounterFunc(counterOpts("webhook_dropped_total",
		"Alerts never posted: dropped from a full queue, or left when the webhook closed."), read((*Webhook).Dropped))
}

func (m *GroupMetrics) watermarkLag() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.watermarkAt.IsZero() {
		return 0
	}
	return m.now().Sub(m.watermarkAt).Seconds()
}

// increase is what a cumulative total grew by since last; a total below
// last started again from zero, as Prometheus treats a counter reset.
func increase(last, total int64) int64 {
	if total < last {
		return total
	}
	return total - last
}

// unixSeconds is t in Unix seconds, 0 for the zero time.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

// setSeries sets a gauge vector's series to values and deletes those of
// seen that are gone (a stall that recovered, a partition handed over),
// so that a scrape does not keep showing their last value.
func setSeries(v *prometheus.GaugeVec, seen map[[2]string]bool, values map[[2]string]float64) map[[2]string]bool {
	now := make(map[[2]string]bool, len(values))
	for k, x := range values {
		v.WithLabelValues(k[0], k[1]).Set(x)
		now[k] = true
	}
	for k := range seen {
		if !now[k] {
			v.DeleteLabelValues(k[0], k[1])
		}
	}
	return now
}

func stalledSeries(stalled map[[2]string]int) map[[2]string]float64 {
	out := make(map[[2]string]float64, len(stalled))
	for k, n := range stalled {
		out[k] = float64(n)
	}
	return out
}

// lagSeries splits GroupStatus.Lag's "topic/partition" keys (a Kafka
// topic name has no '/') and sums the lag.
func lagSeries(lag map[string]int64) (map[[2]string]float64, int64) {
	out := make(map[[2]string]float64, len(lag))
	var sum int64
	for key, n := range lag {
		topic, partition := key, ""
		if i := strings.LastIndexByte(key, '/'); i >= 0 {
			topic, partition = key[:i], key[i+1:]
		}
		out[[2]string{topic, partition}] = float64(n)
		sum += n
	}
	return out, sum
}

// counterOpts and gaugeOpts name a metric wfctl_trace_NAME.
func counterOpts(name, help string) prometheus.CounterOpts {
	return prometheus.CounterOpts{Namespace: "wfctl", Subsystem: "trace", Name: name, Help: help}
}

func gaugeOpts(name, help string) prometheus.GaugeOpts {
	return prometheus.GaugeOpts{Namespace: "wfctl", Subsystem: "trace", Name: name, Help: help}
}
