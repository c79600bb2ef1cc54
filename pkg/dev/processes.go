package dev

import (
	"slices"
	"strings"
	"sync"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/engine"
)

// DeployedProcess describes the latest version of a deployed process:
// how an instance of it starts and which jobs it makes, for tools that
// suggest commands that work (the banner of `wfctl dev`).
type DeployedProcess struct {
	ID      string
	Version int32
	// ResourceName is the resource it was deployed from: its file name,
	// relative to the models folder for a model of --models.
	ResourceName string
	// NoneStart is set when the process has a none start event: a
	// PROCESS_INSTANCE_CREATION CREATE command starts it.
	NoneStart bool
	// StartMessages are the names of its message start events, sorted:
	// publishing one starts an instance.
	StartMessages []string
	// JobTypes are the job types of its tasks, sorted, each once; types
	// given as FEEL expressions are left out.
	JobTypes []string
}

// processList holds the latest version of each deployed process. The
// runner writes it as it folds or makes Process events; Server.Processes
// reads it from other goroutines.
type processList struct {
	mu     sync.Mutex
	latest map[string]DeployedProcess
}

// note takes a deployed version, parsed: it replaces an older one.
func (l *processList) note(v *engine.ProcessValue, doc *bpmn.Document) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.latest[v.BPMNProcessID]; ok && old.Version >= v.Version {
		return
	}
	if l.latest == nil {
		l.latest = map[string]DeployedProcess{}
	}
	for _, p := range doc.Definitions.Processes {
		if p.ID == v.BPMNProcessID {
			l.latest[p.ID] = describeProcess(p, v)
		}
	}
}

// list returns the processes sorted by id.
func (l *processList) list() []DeployedProcess {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]DeployedProcess, 0, len(l.latest))
	for _, p := range l.latest {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b DeployedProcess) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func describeProcess(p *bpmn.Process, v *engine.ProcessValue) DeployedProcess {
	d := DeployedProcess{ID: p.ID, Version: v.Version, ResourceName: v.ResourceName}
	// Only the process's own start events start it; those of
	// sub-processes start the sub-process.
	for _, n := range p.FlowNodes {
		if n.Kind != bpmn.KindStartEvent {
			continue
		}
		switch {
		case len(n.EventDefinitions) == 0:
			d.NoneStart = true
		case n.EventDefinitionKind() == bpmn.KindMessageEventDefinition && n.EventDefinitions[0].Message != nil:
			if name := n.EventDefinitions[0].Message.Name; name != "" && !strings.HasPrefix(name, "=") {
				d.StartMessages = append(d.StartMessages, name)
			}
		}
	}
	p.Walk(func(n *bpmn.FlowNode) {
		if td := n.Zeebe.TaskDefinition; td != nil && td.Type != "" && !strings.HasPrefix(td.Type, "=") {
			d.JobTypes = append(d.JobTypes, td.Type)
		}
	})
	slices.Sort(d.StartMessages)
	slices.Sort(d.JobTypes)
	d.StartMessages, d.JobTypes = slices.Compact(d.StartMessages), slices.Compact(d.JobTypes)
	return d
}
