package trace

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/wfctl/wfctl/pkg/render"
)

// The HTML report: one self-contained file (inline SVG, CSS and script;
// nothing fetched), the models' diagrams with the trace painted on them.

// maxListedPerElement bounds the instances the report lists per element
// (the counts are exact): the file stays small for any history.
const maxListedPerElement = 500

// maxUnfitListed bounds the unfit records the report lists.
const maxUnfitListed = 200

//go:embed html.tmpl
var htmlTemplate string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"count": func(n any) string {
		switch v := n.(type) {
		case int:
			return count(int64(v))
		case int64:
			return count(v)
		}
		return fmt.Sprint(n)
	},
	"age":  func(sec float64) string { return roundedAge(sec) },
	"time": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(htmlTemplate))

// htmlElement is what the page knows of an element: its counts, its time
// per step, and the instances to list on a click.
type htmlElement struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	Waiting   int            `json:"waiting"`
	Stalled   int            `json:"stalled"`
	TimedOut  int            `json:"timed_out"`
	Completed int64          `json:"completed"`
	Duration  *Duration      `json:"duration,omitempty"`
	Suggested string         `json:"suggested_stall_after,omitempty"`
	Instances []htmlInstance `json:"instances"`
	// More counts the stalled and timed-out instances not listed.
	More int `json:"more"`
}

type htmlInstance struct {
	Kind           string `json:"kind"` // stalled or timed out
	CorrelationKey string `json:"key"`
	WaitingSince   string `json:"since"`
	Age            string `json:"age"`
	LastRecord     string `json:"last"`
}

type htmlPage struct {
	Title    string
	Summary  Summary
	AsOf     string
	Diagrams []template.HTML
	Missing  []string
	Steps    []ElementTiming
	Unfit    []Unfit
	UnfitAll int
	Data     template.JS
}

// WriteHTML writes the report as a self-contained HTML page: the models'
// diagrams (from their BPMN DI) with, on each element, the instances
// waiting there now, stalled and timed out (badges, and a heat colour),
// on each sequence flow how many instances took it, a click on an element
// listing its stalled and timed-out instances, the summary, the time per
// step and the unfit records.
func (t *Tracer) WriteHTML(w io.Writer, rep *Report, title string) error {
	els := t.htmlElements(rep)
	flows := map[string]int64{}
	for _, f := range rep.Flows {
		flows[f.FlowID] += f.Taken
	}
	var maxWaiting, maxFlow int64 = 1, 1
	for _, el := range els {
		maxWaiting = max(maxWaiting, int64(el.Waiting))
	}
	for _, n := range flows {
		maxFlow = max(maxFlow, n)
	}
	page := htmlPage{Title: title, Summary: rep.Summary, Steps: stepsWithTime(rep.Elements), UnfitAll: rep.Summary.Unfit}
	if !rep.Summary.AsOf.IsZero() {
		page.AsOf = rep.Summary.AsOf.UTC().Format(time.RFC3339)
	}
	page.Unfit = rep.Unfit[:min(len(rep.Unfit), maxUnfitListed)]
	paint := func(id string) *render.Paint {
		if el := els[id]; el != nil {
			return elementPaint(el, maxWaiting)
		}
		if n, ok := flows[id]; ok {
			return flowPaint(n, maxFlow)
		}
		return nil
	}
	for _, doc := range t.docs {
		pic, err := render.Render(doc, render.Options{Paint: paint})
		if err != nil {
			page.Missing = append(page.Missing, fmt.Sprintf("%s: %v", doc.Path, err))
			continue
		}
		page.Diagrams = append(page.Diagrams, template.HTML(pic.SVG)) // the renderer escapes every text it writes
	}
	data, err := json.Marshal(els) // escapes <, > and &: safe in a script element
	if err != nil {
		return err
	}
	page.Data = template.JS(data)
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, page); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// htmlElements gathers, by element id, what the report says of it.
func (t *Tracer) htmlElements(rep *Report) map[string]*htmlElement {
	els := map[string]*htmlElement{}
	get := func(id, name string) *htmlElement {
		el := els[id]
		if el == nil {
			el = &htmlElement{ID: id, Name: name, Instances: []htmlInstance{}}
			els[id] = el
		}
		return el
	}
	for _, st := range rep.Elements {
		el := get(st.ElementID, st.ElementName)
		el.Type, el.Completed, el.Duration, el.Suggested = st.ElementType, st.Completed, st.Duration, st.SuggestedStallAfter
	}
	for _, st := range rep.StuckAt {
		el := get(st.ElementID, st.ElementName)
		el.Waiting, el.Stalled = st.Count, st.Stalled
	}
	add := func(kind string, in Instance) {
		el := get(in.ElementID, in.ElementName)
		if len(el.Instances) >= maxListedPerElement {
			el.More++
			return
		}
		el.Instances = append(el.Instances, htmlInstance{Kind: kind, CorrelationKey: in.CorrelationKey,
			WaitingSince: in.WaitingSince.UTC().Format(time.RFC3339), Age: age(time.Duration(in.AgeSeconds) * time.Second),
			LastRecord: in.LastRecord.String()})
	}
	for _, in := range rep.Stalled {
		add("stalled", in)
	}
	for _, in := range rep.TimedOut {
		get(in.ElementID, in.ElementName).TimedOut++
		add("timed out", in)
	}
	return els
}

// elementPaint colours an element by how many instances wait there (a
// heat scale, white to amber) and red where some stalled; badges count
// them.
func elementPaint(el *htmlElement, maxWaiting int64) *render.Paint {
	p := &render.Paint{Class: "traced"}
	if el.Waiting > 0 {
		heat := math.Log1p(float64(el.Waiting)) / math.Log1p(float64(maxWaiting))
		p.Fill = heatColour(heat)
		p.Badges = append(p.Badges, render.Badge{Text: count(int64(el.Waiting)), Fill: "#3b82c4", Class: "waiting"})
	}
	if el.Stalled > 0 {
		p.Stroke = "#c0392b"
		p.Class += " has-stalled"
		p.Badges = append(p.Badges, render.Badge{Text: count(int64(el.Stalled)), Fill: "#c0392b", Class: "stalled"})
	}
	if el.TimedOut > 0 {
		p.Class += " has-timed-out"
		p.Badges = append(p.Badges, render.Badge{Text: count(int64(el.TimedOut)), Fill: "#e67e22", Class: "timed-out"})
	}
	var tip []string
	tip = append(tip, elementLabel(el.ID, el.Name))
	if el.Waiting > 0 {
		tip = append(tip, fmt.Sprintf("%s waiting, %s stalled", count(int64(el.Waiting)), count(int64(el.Stalled))))
	}
	if el.TimedOut > 0 {
		tip = append(tip, count(int64(el.TimedOut))+" timed out")
	}
	if el.Duration != nil {
		tip = append(tip, fmt.Sprintf("%s completed, p50 %s, p99 %s", count(el.Completed), roundedAge(el.Duration.P50), roundedAge(el.Duration.P99)))
	}
	p.Title = strings.Join(tip, "\n")
	return p
}

// heatColour is a light colour from white (0) to amber (1).
func heatColour(h float64) string {
	h = min(max(h, 0), 1)
	r, g, b := 255.0, 255-h*(255-193), 255-h*(255-7)
	return fmt.Sprintf("#%02x%02x%02x", int(r), int(g), int(b))
}

// flowPaint draws a flow wider the more instances took it, with the count.
func flowPaint(n, maxN int64) *render.Paint {
	if n == 0 {
		return &render.Paint{Class: "untaken", Stroke: "#b0b0b0", Title: "taken by no instance"}
	}
	w := 1 + 1.2*math.Log1p(float64(n))/math.Log1p(float64(maxN))
	return &render.Paint{Width: w, Class: "taken", Title: "taken " + count(n) + " times",
		Badges: []render.Badge{{Text: count(n)}}}
}

// stepsWithTime are the rows of the time-per-step table.
func stepsWithTime(els []ElementTiming) []ElementTiming {
	var out []ElementTiming
	for _, el := range els {
		if el.timed() {
			out = append(out, el)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ElementType == "process" && out[j].ElementType != "process" })
	return out
}

// roundedAge formats seconds as age does, to the nearest minute above one:
// a sketch's 59m40s is the hour it stands for.
func roundedAge(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	if d >= time.Minute {
		d = d.Round(time.Minute)
	}
	return age(d)
}
