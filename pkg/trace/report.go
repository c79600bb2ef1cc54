package trace

import (
	"encoding/json"
	"math"

	"fmt"
	"github.com/wfctl/wfctl/pkg/correlate"
	"io"
	"strings"
	"time"

	"github.com/wfctl/wfctl/pkg/ui"
)

// Report is what a trace found. Its JSON form is wfctl's stable,
// documented interface (README: "wfctl trace -o json").
type Report struct {
	Summary  Summary    `json:"summary"`
	StuckAt  []StuckAt  `json:"stuck_at"`
	Stalled  []Instance `json:"stalled"`
	TimedOut []Instance `json:"timed_out"`
	Unfit    []Unfit    `json:"unfit"`
	// Skipped samples records that could not become messages.
	Skipped []Unfit `json:"skipped_samples"`
	// Elements are the time per step, for each process and flow node of
	// the models in document order; Flows how often each sequence flow
	// was taken.
	Elements []ElementTiming `json:"elements"`
	Flows    []FlowCount     `json:"flows"`
}

// Summary counts records and instances.
type Summary struct {
	Records   int64 `json:"records"`
	Instances int64 `json:"instances"`
	Completed int64 `json:"completed"`
	InFlight  int64 `json:"in_flight"`
	Stalled   int   `json:"stalled"`
	TimedOut  int   `json:"timed_out"`
	Unfit     int   `json:"unfit"`
	// NotModelled counts records whose message name the model never waits
	// for (they are not unfit: the model does not claim them).
	NotModelled int64 `json:"not_modelled"`
	// Skipped counts records that are not JSON objects or have no name.
	Skipped int64 `json:"skipped"`
	// Incidents counts instances that hit an incident (also in Unfit).
	Incidents int `json:"incidents"`
	// Late counts records whose time was before the replay's clock (a
	// producer's clock went backwards): replayed at the clock.
	Late int64 `json:"late"`
	// AsOf is "now" for stall ages: every engine's clock advanced to it
	// before stalls were judged. Absent when there was no record and no
	// --as-of.
	AsOf          time.Time `json:"as_of,omitzero"`
	ReplaySeconds float64   `json:"replay_seconds"`
	RecordsPerSec float64   `json:"records_per_second"`
}

// StuckAt counts the in-flight instances waiting at one element.
type StuckAt struct {
	ElementID   string    `json:"element_id"`
	ElementName string    `json:"element_name"`
	Count       int       `json:"count"`
	Stalled     int       `json:"stalled"`
	OldestSince time.Time `json:"oldest_since"`
}

// Instance is a stalled or timed-out process instance.
type Instance struct {
	CorrelationKey string             `json:"correlation_key"`
	InstanceKey    string             `json:"instance_key"`
	ProcessID      string             `json:"process_id"`
	ElementID      string             `json:"element_id"`
	ElementName    string             `json:"element_name"`
	WaitingSince   time.Time          `json:"waiting_since"`
	AgeSeconds     int64              `json:"age_seconds"`
	LastRecord     correlate.Location `json:"last_record"`
	// start is the record that started the instance (alerts name it).
	start correlate.Location
}

// Unfit is a record that fit no instance, or an instance's incident.
type Unfit struct {
	correlate.Location
	MessageName    string `json:"message_name"`
	CorrelationKey string `json:"correlation_key"`
	Reason         string `json:"reason"`
	// start is, for an incident, the record that started the instance.
	start correlate.Location
}

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteNDJSON writes one stalled instance per line.
func (r *Report) WriteNDJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, in := range r.Stalled {
		if err := enc.Encode(in); err != nil {
			return err
		}
	}
	return nil
}

// WriteText renders the report for people: a summary, where instances
// are stuck, and the oldest stalled and timed-out instances and unfit
// records, limit rows each (0: the summary only; -1: every row). what
// describes the range read, for a report of no records.
func (r *Report) WriteText(w io.Writer, p ui.Painter, title string, limit int, what string) error {
	var b strings.Builder
	s := r.Summary
	asOf := "—"
	if !s.AsOf.IsZero() {
		asOf = s.AsOf.UTC().Format(time.RFC3339)
	}
	if s.Records == 0 {
		b.WriteString(ui.Panel(p, title, [][2]string{
			{"records", p.Paint(ui.Yellow, strings.TrimSpace("none in the range read "+what))},
			{"as of", asOf},
		}))
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString(ui.Panel(p, title, [][2]string{
		{"records", count(s.Records) + lateDetail(s)},
		{"instances", count(s.Instances)},
		{"completed", count(s.Completed)},
		{"in flight", count(s.InFlight)},
		{"stalled", alert(p, s.Stalled, ui.BoldRed)},
		{"timed out", alert(p, s.TimedOut, ui.Yellow)},
		{"unfit", alert(p, s.Unfit, ui.Yellow) + unfitDetail(s)},
		{"as of", asOf},
		{"replay", replayRate(s)},
	}))
	if limit == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	if limit < 0 {
		limit = math.MaxInt
	}
	if len(r.StuckAt) > 0 {
		b.WriteString("\n" + p.Paint(ui.Bold, "Where instances are stuck") + "\n")
		var rows [][]string
		for _, st := range r.StuckAt {
			rows = append(rows, []string{elementLabel(st.ElementID, st.ElementName), count(int64(st.Count)),
				count(int64(st.Stalled)), age(s.AsOf.Sub(st.OldestSince)), st.OldestSince.UTC().Format(time.RFC3339)})
		}
		b.WriteString(ui.Table(p, []string{"ELEMENT", "WAITING", "STALLED", "OLDEST", "SINCE"}, rows, 1, 2, 3))
	}
	writeTimings(&b, p, r.Elements)
	writeInstances(&b, p, "Oldest stalled instances", r.Stalled, s.Stalled, limit)
	writeInstances(&b, p, "Timed out (took a timer boundary path)", r.TimedOut, s.TimedOut, limit)
	if len(r.Unfit) > 0 {
		b.WriteString("\n" + p.Paint(ui.Bold, "Records that fit no instance, and incidents") + "\n")
		var rows [][]string
		for _, u := range r.Unfit[:min(limit, len(r.Unfit))] {
			rows = append(rows, []string{u.Location.String(), u.MessageName, u.CorrelationKey, u.Reason})
		}
		b.WriteString(ui.Table(p, []string{"RECORD", "MESSAGE", "KEY", "REASON"}, rows))
		b.WriteString(more(p, s.Unfit, limit))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTimings writes the time per step of the processes and of the
// elements instances wait at, and the thresholds their p99 suggests.
func writeTimings(b *strings.Builder, p ui.Painter, els []ElementTiming) {
	var rows [][]string
	var suggest []string
	for _, el := range els {
		if !el.timed() {
			continue
		}
		d := el.Duration
		rows = append(rows, []string{elementLabel(el.ElementID, el.ElementName), count(el.Completed),
			roundedAge(d.P50), roundedAge(d.P90), roundedAge(d.P99), roundedAge(d.Max)})
		if el.SuggestedStallAfter != "" {
			suggest = append(suggest, "--stall-after "+el.ElementID+"="+el.SuggestedStallAfter)
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n" + p.Paint(ui.Bold, "Time per step (completed instances, event time)") + "\n")
	b.WriteString(ui.Table(p, []string{"ELEMENT", "COMPLETED", "P50", "P90", "P99", "MAX"}, rows, 1, 2, 3, 4, 5))
	if len(suggest) > 0 {
		b.WriteString(p.Paint(ui.Faint, "thresholds 99% of them met: wfctl trace … "+strings.Join(suggest, " ")) + "\n")
	}
}

// lateDetail mentions records replayed late.
func lateDetail(s Summary) string {
	if s.Late == 0 {
		return ""
	}
	return "  (" + plural(s.Late, "record", "records") + " late: time went backwards, replayed at the clock)"
}

func writeInstances(b *strings.Builder, p ui.Painter, title string, list []Instance, total, limit int) {
	if len(list) == 0 {
		return
	}
	b.WriteString("\n" + p.Paint(ui.Bold, title) + "\n")
	var rows [][]string
	for _, in := range list[:min(limit, len(list))] {
		rows = append(rows, []string{in.CorrelationKey, elementLabel(in.ElementID, in.ElementName),
			in.WaitingSince.UTC().Format(time.RFC3339), age(time.Duration(in.AgeSeconds) * time.Second), in.LastRecord.String()})
	}
	b.WriteString(ui.Table(p, []string{"KEY", "WAITING AT", "SINCE", "AGE", "LAST RECORD"}, rows, 3))
	b.WriteString(more(p, total, limit))
}

func more(p ui.Painter, total, limit int) string {
	if total <= limit {
		return ""
	}
	return p.Paint(ui.Faint, fmt.Sprintf("… and %s more (--limit, or -o json for all)", count(int64(total-limit)))) + "\n"
}

func elementLabel(id, name string) string {
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

// alert styles a count that should catch the eye, unless it is zero.
func alert(p ui.Painter, n int, st ui.Style) string {
	if n == 0 {
		return "0"
	}
	return p.Paint(st, count(int64(n)))
}

func replayRate(s Summary) string {
	if s.ReplaySeconds <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f s, %s records/s", s.ReplaySeconds, count(int64(s.RecordsPerSec)))
}

func unfitDetail(s Summary) string {
	var parts []string
	if s.Incidents > 0 {
		parts = append(parts, count(int64(s.Incidents))+" incidents")
	}
	if s.NotModelled > 0 {
		parts = append(parts, plural(s.NotModelled, "record", "records")+" the model does not wait for")
	}
	if s.Skipped > 0 {
		parts = append(parts, count(s.Skipped)+" not JSON or unnamed")
	}
	if len(parts) == 0 {
		return ""
	}
	return "  (" + strings.Join(parts, "; ") + ")"
}

// count formats n with thousands separators.
func count(n int64) string { return ui.Thousands(n) }

// age formats a duration as people read waits: 3d4h, 5h12m, 7m.
func age(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(n) + " " + many
}
