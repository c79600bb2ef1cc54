package engine

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// Models are BPMN resources parsed, validated and compiled once, to be
// deployed into any number of engines (wfctl trace runs one engine per
// shard of correlation keys, all with the same models). The compiled
// processes are shared read-only: what an engine changes about a
// deployed process (its element counts) it keeps to itself.
type Models struct {
	resources []Resource
	procs     map[string][]*process // by resource name
	partition int32
}

// CompileModels parses, validates (with cfg; nil: lint.DefaultConfig())
// and compiles resources exactly as a Deploy does. A resource the engine
// would reject is an error carrying the diagnostics a rejected Deploy
// gives.
//
// The processes get the keys and versions a deployment into a new engine
// of partition 1 (the default) gives them; DeployModels into such an
// engine shares them, and compiles private copies otherwise.
func CompileModels(cfg *lint.Config, resources ...Resource) (*Models, error) {
	var opts []Option
	if cfg != nil {
		opts = append(opts, WithLintConfig(cfg))
	}
	tmpl := New(append(opts, WithoutRecords())...)
	if _, err := tmpl.Deploy(resources...); err != nil {
		return nil, err
	}
	m := &Models{resources: resources, procs: map[string][]*process{}, partition: tmpl.partition}
	for _, p := range tmpl.processes {
		m.procs[p.resourceName] = append(m.procs[p.resourceName], p)
	}
	return m, nil
}

// DeployModels deploys precompiled models as Deploy(resources...) would:
// the same records, keys, versions, duplicate detection and start event
// subscriptions, without parsing, linting or compiling again.
func (e *Engine) DeployModels(m *Models) ([]ProcessMetadata, error) {
	e.precompiled = m
	defer func() { e.precompiled = nil }()
	return e.Deploy(m.resources...)
}

// lookup returns the compiled processes of a resource, if m holds it.
func (m *Models) lookup(r Resource) ([]*process, bool) {
	if m == nil {
		return nil, false
	}
	for _, have := range m.resources {
		if have.Name == r.Name && bytes.Equal(have.Content, r.Content) {
			return m.procs[r.Name], true
		}
	}
	return nil, false
}

// ownProcess returns p ready to be deployed with key and version: p
// itself when it is this engine's, or a shared one that already has them;
// else a private copy compiled from its resource, so that a shared
// process is never written to.
func (e *Engine) ownProcess(p *process, key int64, version int32) *process {
	if e.precompiled == nil {
		p.key, p.version = key, version
		return p
	}
	if p.key == key && p.version == version {
		return p
	}
	own, err := compileResource(p.resourceName, p.resource, p.id)
	if err != nil {
		// It compiled once; it compiles again.
		panic(fmt.Sprintf("engine: recompiling %s: %v", p.resourceName, strings.TrimSpace(err.Error())))
	}
	own.key, own.version = key, version
	return own
}

// countsOf returns a deployed process's element counts.
func (e *Engine) countsOf(p *process) []ElementCount {
	if p != e.countsP {
		e.countsP, e.countsS = p, e.counts[p]
	}
	return e.countsS
}

func (e *Engine) setCounts(p *process, counts []ElementCount) {
	e.counts[p] = counts
	e.countsP = nil
}
