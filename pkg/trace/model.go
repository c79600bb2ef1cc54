package trace

import (
	"fmt"
	"sort"
	"time"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/bpmn/timersyntax"
	"github.com/wfctl/wfctl/pkg/engine"
)

// modelInfo is what the report needs from the models.
type modelInfo struct {
	// boundaries maps timer boundary events to what they time out.
	boundaries map[string]*timerBoundary
	// thresholds are the stall thresholds from timer boundaries, by the
	// id of the element they are attached to (the shortest wins).
	thresholds map[string]time.Duration
	// startMessages are the names of message start events.
	startMessages map[string]bool
	// timerStarts, when set, says why instances cannot be sharded by
	// key: timers start them, or timer cycles fire relative to the ticks
	// an engine sees.
	timerStarts string
	// waitingIDs are the ids of elements an instance can wait at.
	waitingIDs []string
	// steps are the processes and their flow nodes in document order,
	// and flows their sequence flows: the rows of the time per step.
	steps []stepMeta
	flows []stepKey
}

// stepMeta names a process or flow node in the time per step.
type stepMeta struct {
	stepKey
	name, kind string
	waits      bool
}

type timerBoundary struct {
	processID    string
	attachedID   string
	attachedName string
	after        time.Duration
}

func newModelInfo(docs []*bpmn.Document) *modelInfo {
	m := &modelInfo{boundaries: map[string]*timerBoundary{}, thresholds: map[string]time.Duration{}, startMessages: map[string]bool{}}
	for _, doc := range docs {
		doc.Definitions.FlowNodes(func(n *bpmn.FlowNode) { m.add(doc.Path, n) })
		for _, p := range doc.Definitions.Processes {
			m.steps = append(m.steps, stepMeta{stepKey: stepKey{p.ID, p.ID}, name: p.Name, kind: "process"})
			p.Container.Walk(func(n *bpmn.FlowNode) {
				m.steps = append(m.steps, stepMeta{stepKey: stepKey{p.ID, n.ID}, name: n.Name, kind: n.Kind.String(), waits: canWait(n.Kind)})
			})
			p.Container.SequenceFlowsDeep(func(f *bpmn.SequenceFlow) { m.flows = append(m.flows, stepKey{p.ID, f.ID}) })
		}
	}
	sort.Strings(m.waitingIDs)
	return m
}

func (m *modelInfo) add(path string, n *bpmn.FlowNode) {
	if canWait(n.Kind) {
		m.waitingIDs = append(m.waitingIDs, n.ID)
	}
	for _, ed := range n.EventDefinitions {
		switch {
		case ed.Message != nil && n.Kind == bpmn.KindStartEvent && n.Parent == nil:
			m.startMessages[ed.Message.Name] = true
		case ed.Timer != nil && n.Kind == bpmn.KindStartEvent && n.Parent == nil && m.timerStarts == "":
			m.timerStarts = fmt.Sprintf("timer start event %s (%s:%d:%d) starts instances without a correlation key", n.ID, path, n.Pos.Line, n.Pos.Column)
		case ed.Timer != nil && ed.Timer.Type == bpmn.TimerCycle && m.timerStarts == "":
			m.timerStarts = fmt.Sprintf("timer cycle %s (%s:%d:%d) counts its repetitions from the ticks one engine sees", n.ID, path, n.Pos.Line, n.Pos.Column)
		}
	}
	if n.Kind != bpmn.KindBoundaryEvent || n.AttachedTo == nil || !n.CancelActivity {
		return
	}
	after, ok := timerDuration(n)
	if !ok {
		return
	}
	m.boundaries[n.ID] = &timerBoundary{processID: n.Process.ID, attachedID: n.AttachedTo.ID, attachedName: n.AttachedTo.Name, after: after}
	if cur, ok := m.thresholds[n.AttachedTo.ID]; !ok || after < cur {
		m.thresholds[n.AttachedTo.ID] = after
	}
}

// canWait reports whether an instance can stay at an element of this
// kind: activities, catch events and the gateways that wait.
func canWait(k bpmn.Kind) bool {
	switch k {
	case bpmn.KindIntermediateCatchEvent, bpmn.KindEventBasedGateway, bpmn.KindParallelGateway, bpmn.KindInclusiveGateway, bpmn.KindComplexGateway:
		return true
	}
	return k.IsActivity()
}

// timerDuration returns a timer boundary's static duration (FEEL timers
// and dates have none known before the run).
func timerDuration(n *bpmn.FlowNode) (time.Duration, bool) {
	for _, ed := range n.EventDefinitions {
		t := ed.Timer
		if t == nil || t.Type != bpmn.TimerDuration || t.Value == nil {
			continue
		}
		d, err := timersyntax.ParseDuration(t.Value.Text)
		if err != nil {
			return 0, false
		}
		// Calendar parts have no fixed length; measured from a fixed
		// instant, a month is 31 days and a year 365, close enough for a
		// stall threshold.
		ref := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
		return d.AddTo(ref).Sub(ref), true
	}
	return 0, false
}

// compiledModels are the models every engine of a trace runs: parsed,
// validated and compiled once, shared by every shard's engine.
type compiledModels struct {
	models *engine.Models
}

// compileModels compiles the models as the engine deploys them.
func compileModels(cfg *lint.Config, resources []engine.Resource) (*compiledModels, error) {
	m, err := engine.CompileModels(cfg, resources...)
	if err != nil {
		return nil, err
	}
	return &compiledModels{models: m}, nil
}

// newEngine is an engine with the models deployed, at the Unix epoch,
// keeping no records (trace reads the state instead).
func (m *compiledModels) newEngine(opts ...engine.Option) (*engine.Engine, error) {
	opts = append([]engine.Option{engine.WithStartTime(time.Unix(0, 0)), engine.WithoutRecords()}, opts...)
	eng := engine.New(opts...)
	if _, err := eng.DeployModels(m.models); err != nil {
		return nil, err
	}
	return eng, nil
}
