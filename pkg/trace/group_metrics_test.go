package trace

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// serveMetrics serves m on a loopback port until the test ends and
// returns its base URL.
func serveMetrics(t *testing.T, m *GroupMetrics) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	addr, err := m.Serve(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + addr.String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape reads /metrics as Prometheus does and parses it with the
// Prometheus text parser.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := httpGet(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams
}

// sample is the metric of a family with exactly these label pairs
// (name, value, ...), or nil.
func sample(fams map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	for _, m := range fams[name].GetMetric() {
		if len(m.GetLabel())*2 != len(labels) {
			continue
		}
		match := true
		for i, lp := range m.GetLabel() {
			if lp.GetName() != labels[2*i] || lp.GetValue() != labels[2*i+1] {
				match = false
			}
		}
		if match {
			return m
		}
	}
	return nil
}

func metricValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	m := sample(fams, name, labels...)
	switch {
	case m == nil:
		t.Fatalf("%s%v: not exported", name, labels)
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	t.Fatalf("%s%v: neither counter nor gauge", name, labels)
	return 0
}

func TestGroupMetricsScrape(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	wall := t0.Add(90 * time.Second)
	m := NewGroupMetrics(MetricsNow(func() time.Time { return wall }))
	base := serveMetrics(t, m)

	m.Committed(GroupStatus{
		Tasks: []int32{0, 1, 2}, Records: 100, Watermark: t0.Add(-time.Minute), Instances: 7,
		Stalled:  map[[2]string]int{{"order", "AwaitPayment"}: 2, {"order", "Ship"}: 1},
		TimedOut: 1, AlertsTotal: map[string]int64{AlertStalled: 3, AlertUnfit: 1},
		Checkpoint: 20 * time.Millisecond, Lag: map[string]int64{"orders/0": 7, "orders/1": 4, "wfctl.trace.g.repartition/2": 9},
	})
	m.Committed(GroupStatus{
		Tasks: []int32{0, 1}, Records: 250, Watermark: t0, Instances: 5,
		Stalled:  map[[2]string]int{{"order", "AwaitPayment"}: 1},
		TimedOut: 2, AlertsTotal: map[string]int64{AlertStalled: 3, AlertRecovered: 2, AlertUnfit: 1},
		Checkpoint: 40 * time.Millisecond, Lag: map[string]int64{"orders/0": 0, "wfctl.trace.g.repartition/2": 3}, Ready: true,
	})
	fams := scrape(t, base)

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"wfctl_trace_records_processed_total", nil, 250},
		{"wfctl_trace_watermark_seconds", nil, float64(t0.Unix())},
		{"wfctl_trace_watermark_lag_seconds", nil, 90},
		{"wfctl_trace_instances_in_flight", nil, 5},
		{"wfctl_trace_instances_timed_out", nil, 2},
		{"wfctl_trace_tasks_owned", nil, 2},
		{"wfctl_trace_instances_stalled", []string{"element", "AwaitPayment", "process", "order"}, 1},
		{"wfctl_trace_consumer_lag_records", []string{"partition", "0", "topic", "orders"}, 0},
		{"wfctl_trace_consumer_lag_records", []string{"partition", "2", "topic", "wfctl.trace.g.repartition"}, 3},
		// AlertsTotal is cumulative: the counter is not added to twice.
		{"wfctl_trace_alerts_written_total", []string{"type", AlertStalled}, 3},
		{"wfctl_trace_alerts_written_total", []string{"type", AlertRecovered}, 2},
		{"wfctl_trace_alerts_written_total", []string{"type", AlertUnfit}, 1},
	} {
		if got := metricValue(t, fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// A stall that recovered and a partition handed over leave no series.
	if s := sample(fams, "wfctl_trace_instances_stalled", "element", "Ship", "process", "order"); s != nil {
		t.Errorf("recovered stall still exported: %v", s)
	}
	if s := sample(fams, "wfctl_trace_consumer_lag_records", "partition", "1", "topic", "orders"); s != nil {
		t.Errorf("handed-over partition still exported: %v", s)
	}
	h := sample(fams, "wfctl_trace_checkpoint_duration_seconds").GetHistogram()
	if h.GetSampleCount() != 2 || h.GetSampleSum() < 0.0599 || h.GetSampleSum() > 0.0601 {
		t.Errorf("checkpoint histogram: count %d sum %v, want 2 and 0.06", h.GetSampleCount(), h.GetSampleSum())
	}
	if _, ok := fams["process_cpu_seconds_total"]; !ok {
		t.Error("process collector missing: no process_cpu_seconds_total")
	}

	// A new start reports smaller totals: counted from zero, never down.
	m.Committed(GroupStatus{Records: 10, AlertsTotal: map[string]int64{AlertStalled: 1}, Ready: true})
	m.Committed(GroupStatus{Records: 30, AlertsTotal: map[string]int64{AlertStalled: 4}, Ready: true})
	fams = scrape(t, base)
	if got := metricValue(t, fams, "wfctl_trace_records_processed_total"); got != 280 {
		t.Errorf("records after a restart = %v, want 250+30", got)
	}
	if got := metricValue(t, fams, "wfctl_trace_alerts_written_total", "type", AlertStalled); got != 7 {
		t.Errorf("stalled alerts after a restart = %v, want 3+4", got)
	}
	if got := metricValue(t, fams, "wfctl_trace_watermark_seconds"); got != 0 {
		t.Errorf("watermark with no tasks = %v, want 0", got)
	}
}

func TestGroupMetricsReadiness(t *testing.T) {
	m := NewGroupMetrics()
	base := serveMetrics(t, m)
	expect := func(path string, code int, body string) {
		t.Helper()
		gotCode, gotBody := httpGet(t, base+path)
		if gotCode != code || !strings.Contains(gotBody, body) || strings.Count(gotBody, "\n") != 1 {
			t.Errorf("%s: %d %q, want %d and one line with %q", path, gotCode, gotBody, code, body)
		}
	}
	expect("/healthz", http.StatusOK, "ok")
	expect("/readyz", http.StatusServiceUnavailable, "no transaction committed yet")

	m.SetReady(false, "restoring 3 tasks")
	expect("/readyz", http.StatusServiceUnavailable, "restoring 3 tasks")

	m.Committed(GroupStatus{Tasks: []int32{0, 1}, Lag: map[string]int64{"orders/0": 40, "orders/1": 2}})
	expect("/readyz", http.StatusServiceUnavailable, "2 tasks owned, 42 records behind")

	m.Committed(GroupStatus{Tasks: []int32{0, 1}, Ready: true})
	expect("/readyz", http.StatusOK, "ready")
	expect("/healthz", http.StatusOK, "ok")

	// A rebalance brings a task to restore: not ready until it caught up.
	m.Committed(GroupStatus{Tasks: []int32{0, 1, 2}, Lag: map[string]int64{"orders/2": 5}})
	expect("/readyz", http.StatusServiceUnavailable, "3 tasks owned, 5 records behind")
}

func TestGroupMetricsServeStops(t *testing.T) {
	m := NewGroupMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	addr, err := m.Serve(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Serve(context.Background(), addr.String()); err == nil || !strings.Contains(err.Error(), "--metrics-addr") {
		t.Errorf("second Serve on %s: %v, want an error naming --metrics-addr", addr, err)
	}
	cancel()
	// Once ctx ended the port is released: listening again succeeds.
	deadline := time.After(5 * time.Second)
	for {
		ctx2, cancel2 := context.WithCancel(context.Background())
		_, err := m.Serve(ctx2, addr.String())
		cancel2()
		if err == nil {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("port %s still taken after ctx ended: %v", addr, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestGroupMetricsWebhookCounters(t *testing.T) {
	srv, _, _ := webhookServer(t, http.StatusOK, http.StatusOK, http.StatusBadRequest)
	wh := NewWebhook(srv.URL, WebhookOptions{Backoff: time.Millisecond})
	m := NewGroupMetrics()
	m.WatchWebhook(wh)
	base := serveMetrics(t, m)

	wh.Post([]Alert{testAlert("a"), testAlert("b"), testAlert("c")})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := wh.Close(ctx); err != nil {
		t.Fatal(err)
	}
	wh.Post([]Alert{testAlert("late")})
	fams := scrape(t, base)
	for name, want := range map[string]float64{
		"wfctl_trace_webhook_sent_total": 2, "wfctl_trace_webhook_failed_total": 1, "wfctl_trace_webhook_dropped_total": 1,
	} {
		if got := metricValue(t, fams, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}
