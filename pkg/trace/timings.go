package trace

import (
	"fmt"
	"math"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"

	"github.com/wfctl/wfctl/pkg/engine"
)

// Time per step: every shard's engine tells its timings (an
// engine.Observer) of each element instance that completes, with the
// event time it was activated and completed at, and of each sequence
// flow taken. Durations go into a DDSketch per element: memory bounded by
// the range of durations (a few hundred buckets), not by the instances,
// and quantiles within 1% of the exact value whatever the number. The
// shards' sketches merge exactly (they add bucket counts), so the report
// is the same for any number of shards.

// sketchAccuracy is the quantiles' relative accuracy.
const sketchAccuracy = 0.01

// minSamples is how many completions an element needs before trace
// suggests a stall threshold from them.
const minSamples = 20

type stepKey struct{ process, id string }

type stepStats struct {
	count  int64
	maxMs  int64
	sketch *ddsketch.DDSketch
}

// timings are one shard's.
type timings struct {
	steps map[stepKey]*stepStats
	flows map[stepKey]int64
}

func newTimings() *timings {
	return &timings{steps: map[stepKey]*stepStats{}, flows: map[stepKey]int64{}}
}

// ElementCompleted is engine.Observer's.
func (t *timings) ElementCompleted(d engine.ElementDone) {
	k := stepKey{d.ProcessID, d.ElementID}
	st := t.steps[k]
	if st == nil {
		sk, err := ddsketch.NewDefaultDDSketch(sketchAccuracy)
		if err != nil {
			panic(err) // only for an accuracy outside (0, 1)
		}
		st = &stepStats{sketch: sk}
		t.steps[k] = st
	}
	ms := max(d.CompletedAt-d.ActivatedAt, 0)
	st.count++
	st.maxMs = max(st.maxMs, ms)
	_ = st.sketch.Add(float64(ms))
}

// FlowTaken is engine.Observer's.
func (t *timings) FlowTaken(processID, flowID string) { t.flows[stepKey{processID, flowID}]++ }

// merge adds o's timings to t's.
func (t *timings) merge(o *timings) error {
	for k, st := range o.steps {
		cur := t.steps[k]
		if cur == nil {
			t.steps[k] = st.clone()
			continue
		}
		cur.count += st.count
		cur.maxMs = max(cur.maxMs, st.maxMs)
		if err := cur.sketch.MergeWith(st.sketch); err != nil {
			return fmt.Errorf("time per step of %s: %w", k.id, err)
		}
	}
	for k, n := range o.flows {
		t.flows[k] += n
	}
	return nil
}

// Duration is how long instances spent in an element, activation to
// completion, in event time: quantiles within 1% (a DDSketch) and the
// exact maximum.
type Duration struct {
	P50 float64 `json:"p50_seconds"`
	P90 float64 `json:"p90_seconds"`
	P99 float64 `json:"p99_seconds"`
	Max float64 `json:"max_seconds"`
}

func (st *stepStats) duration() *Duration {
	q, err := st.sketch.GetValuesAtQuantiles([]float64{0.5, 0.9, 0.99})
	if err != nil {
		return nil
	}
	sec := func(ms float64) float64 { return math.Round(ms) / 1000 }
	// A quantile never exceeds the maximum (the sketch's buckets may).
	return &Duration{P50: sec(min(q[0], float64(st.maxMs))), P90: sec(min(q[1], float64(st.maxMs))),
		P99: sec(min(q[2], float64(st.maxMs))), Max: float64(st.maxMs) / 1000}
}

// niceCeil rounds a duration up to whole minutes below an hour, whole
// hours below two days, whole days above: a threshold to type.
func niceCeil(d time.Duration) time.Duration {
	for _, unit := range []time.Duration{time.Minute, time.Hour, 24 * time.Hour} {
		if d < 48*unit || unit == 24*time.Hour {
			if d <= 0 {
				return unit
			}
			return (d + unit - 1) / unit * unit
		}
	}
	return d
}

// formatThreshold writes a duration as --stall-after takes it: 45m, 9h,
// 3d, 1d12h.
func formatThreshold(d time.Duration) string {
	days := d / (24 * time.Hour)
	rest := d - days*24*time.Hour
	s := ""
	if days > 0 {
		s = fmt.Sprintf("%dd", days)
	}
	switch {
	case rest == 0 && s != "":
	case rest%time.Hour == 0:
		s += fmt.Sprintf("%dh", rest/time.Hour)
	case rest%time.Minute == 0:
		s += fmt.Sprintf("%dm", rest/time.Minute)
	default:
		s += rest.String()
	}
	return s
}

func (st *stepStats) clone() *stepStats {
	return &stepStats{count: st.count, maxMs: st.maxMs, sketch: st.sketch.Copy()}
}

func (t *timings) clone() *timings {
	c := newTimings()
	for k, st := range t.steps {
		c.steps[k] = st.clone()
	}
	for k, n := range t.flows {
		c.flows[k] = n
	}
	return c
}

// ElementTiming is the time per step of one process or flow node.
type ElementTiming struct {
	ProcessID   string `json:"process_id"`
	ElementID   string `json:"element_id"`
	ElementName string `json:"element_name"`
	// ElementType is the BPMN type (serviceTask, ...), or "process" for
	// the whole process, start to end.
	ElementType string `json:"element_type"`
	// Completed counts the element instances that completed (terminated
	// ones, such as a task its boundary timer interrupted, did not).
	Completed int64 `json:"completed"`
	// Duration is absent when none completed.
	Duration *Duration `json:"duration,omitempty"`
	// SuggestedStallAfter is, for an element instances wait at and at
	// least 20 completed, its observed p99 rounded up: a --stall-after
	// threshold that 99% of them met.
	SuggestedStallAfter string `json:"suggested_stall_after,omitempty"`
}

// timed reports whether a row has time to show: a process that
// completed, or an element that instances spent time in (events they
// passed through take none and say nothing).
func (el ElementTiming) timed() bool {
	return el.Duration != nil && (el.ElementType == "process" || el.Duration.Max > 0)
}

// FlowCount is how many times a sequence flow was taken.
type FlowCount struct {
	ProcessID string `json:"process_id"`
	FlowID    string `json:"flow_id"`
	Taken     int64  `json:"taken"`
}

// timings merges the shards' time per step into the report.
func (r *run) timings(rep *Report, parts []*partial) error {
	total := newTimings()
	for _, p := range parts {
		if p.timings == nil {
			continue
		}
		if err := total.merge(p.timings); err != nil {
			return err
		}
	}
	rep.Elements, rep.Flows = []ElementTiming{}, []FlowCount{}
	for _, m := range r.t.model.steps {
		row := ElementTiming{ProcessID: m.process, ElementID: m.id, ElementName: m.name, ElementType: m.kind}
		if st := total.steps[m.stepKey]; st != nil {
			row.Completed = st.count
			row.Duration = st.duration()
			if m.waits && st.count >= minSamples && row.Duration != nil {
				p99 := time.Duration(row.Duration.P99 * float64(time.Second))
				row.SuggestedStallAfter = formatThreshold(niceCeil(p99))
			}
		}
		rep.Elements = append(rep.Elements, row)
	}
	for _, k := range r.t.model.flows {
		rep.Flows = append(rep.Flows, FlowCount{ProcessID: k.process, FlowID: k.id, Taken: total.flows[k]})
	}
	return nil
}
