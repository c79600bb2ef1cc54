package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/lint"
)

// Deployment, as in Zeebe: every resource is parsed and validated; parse
// errors and errors of the engine rules ("wfctl/...", what the engine
// cannot run) reject the whole deployment with the validator's
// diagnostics, while modelling-style findings (labels, layout, DI) never
// block. Each executable process becomes a new version of its process id,
// unless its resource has the same name and checksum as the latest
// version's: then it is a duplicate and no version is made.

func (e *Engine) deploy(v *DeploymentValue) error {
	models := e.precompiled // DeployModels: the resources are compiled already
	e.precompiled = nil
	if models == nil {
		var err error
		if models, err = compileDeployment(e.deployLinter(), v.Resources); err != nil {
			return err
		}
	}
	e.createProcesses(v, models)
	return nil
}

// compileDeployment parses, validates and compiles the resources of one
// deployment, or returns the rejection that lists every problem.
func compileDeployment(linter *lint.Linter, resources []Resource) (*Models, error) {
	if len(resources) == 0 {
		return nil, reject(InvalidArgument, "Expected to deploy at least one resource, but none given")
	}
	var procs []*processModel
	var drgs []*drgModel
	var problems []string
	seen := map[string]string{}
	seenDRG := map[string]string{}
	for _, r := range resources {
		if isDMN(r.Name) {
			m, errs := compileDRG(r)
			problems = append(problems, errs...)
			if m != nil {
				if other, dup := seenDRG[m.id]; dup {
					problems = append(problems, fmt.Sprintf("%s: decision requirements id '%s' is also deployed by '%s' in this deployment", r.Name, m.id, other))
				}
				seenDRG[m.id] = r.Name
				drgs = append(drgs, m)
			}
			continue
		}
		ps, errs := compileResourceWith(linter, r)
		problems = append(problems, errs...)
		for _, p := range ps {
			if other, dup := seen[p.id]; dup {
				problems = append(problems, fmt.Sprintf("%s: process id '%s' is also deployed by '%s' in this deployment: a deployment may hold each process id once", r.Name, p.id, other))
			}
			seen[p.id] = r.Name
		}
		procs = append(procs, ps...)
	}
	if len(problems) > 0 {
		return nil, reject(InvalidArgument, "Expected to deploy new resources, but encountered the following errors:\n%s", strings.Join(problems, "\n"))
	}
	return &Models{resources: resources, procs: procs, drgs: drgs}, nil
}

// deployLinter returns the validator deployments are checked with,
// made on first use: an engine that only deploys precompiled models
// never needs one.
func (e *Engine) deployLinter() *lint.Linter {
	if e.linter == nil {
		e.linter = lint.New(lint.DefaultConfig())
	}
	return e.linter
}

func (e *Engine) createProcesses(v *DeploymentValue, all *Models) {
	models := all.procs
	depKey := e.nextKey()
	out := &DeploymentValue{Resources: v.Resources}
	type change struct{ old, new *process }
	var changes []change
	for _, m := range models {
		latest := e.latest(m.id)
		if latest != nil && latest.checksum == m.checksum && latest.resourceName == m.resourceName {
			out.Processes = append(out.Processes, metadata(latest, true))
			continue
		}
		key, version := e.nextKey(), int32(1)
		if latest != nil {
			version = latest.version + 1
		}
		e.compiled[key] = m
		md := ProcessMetadata{BPMNProcessID: m.id, Version: version, ProcessDefinitionKey: key,
			ResourceName: m.resourceName, Checksum: m.checksum}
		e.event(ValueProcess, IntentCreated, key, &ProcessValue{ProcessMetadata: md, Resource: m.resource})
		out.Processes = append(out.Processes, md)
		changes = append(changes, change{latest, e.processes[key]})
	}
	e.createDecisions(out, all.drgs)
	e.event(ValueDeployment, IntentCreated, depKey, out)
	e.lastDeployed = out.Processes
	for _, c := range changes {
		e.replaceStartEvents(c.old, c.new)
	}
}

func metadata(p *process, dup bool) ProcessMetadata {
	return ProcessMetadata{BPMNProcessID: p.id, Version: p.version, ProcessDefinitionKey: p.key,
		ResourceName: p.resourceName, Checksum: p.checksum, Duplicate: dup}
}

func (e *Engine) latest(id string) *process {
	vs := e.versions[id]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// replaceStartEvents closes the message and timer start events of the
// replaced version and opens the new version's.
func (e *Engine) replaceStartEvents(old, p *process) {
	if old != nil {
		for _, name := range old.messageNames {
			for _, ss := range e.startSubs[name] {
				if ss.proc == old {
					e.startSubEvent(IntentDeleted, ss.key, old, ss.el)
				}
			}
		}
	}
	for _, el := range p.msgStarts {
		e.startSubEvent(IntentCreated, e.nextKey(), p, el)
	}
	e.replaceStartTimers(old, p)
	e.replaceSignalStarts(old, p)
}

func (e *Engine) startSubEvent(in Intent, key int64, p *process, el *element) {
	v := e.arena.start.get()
	*v = MessageStartEventSubscriptionValue{ProcessDefinitionKey: p.key, BPMNProcessID: p.id, StartEventID: el.id,
		MessageName: el.msg.name, ProcessInstanceKey: -1, MessageKey: -1}
	e.event(ValueMessageStartEventSubscription, in, key, v)
}

// compileResourceWith parses, validates and compiles one resource.
func compileResourceWith(linter *lint.Linter, r Resource) ([]*processModel, []string) {
	doc, err := bpmn.Parse(r.Name, r.Content)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var problems []string
	for _, rep := range linter.Lint(r.Name, doc) {
		if blocksDeploy(rep) {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: %s [%s]", r.Name, rep.Pos.Line, rep.Pos.Column, rep.Message, rep.Rule))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	sum := checksum(r.Content)
	var out []*processModel
	for _, p := range doc.Definitions.Processes {
		if !p.IsExecutable {
			continue
		}
		cp, errs := compileProcess(p, r.Name, r.Content, sum)
		problems = append(problems, errs...)
		out = append(out, cp)
	}
	return out, problems
}

// blocksDeploy reports whether a validator finding rejects a deployment:
// errors of engine rules and of the parser, never modelling style.
func blocksDeploy(r lint.Report) bool {
	return r.Severity == lint.Error && (strings.HasPrefix(r.Rule, "wfctl/") || r.Rule == "parse-error")
}

func checksum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// compileResource compiles the process id of a resource deployed before,
// when its Process CREATED event is replayed or a snapshot restored.
func compileResource(name string, content []byte, id string) (*processModel, error) {
	doc, err := bpmn.Parse(name, content)
	if err != nil {
		return nil, err
	}
	for _, p := range doc.Definitions.Processes {
		if p.ID == id && p.IsExecutable {
			cp, errs := compileProcess(p, name, content, checksum(content))
			if len(errs) > 0 {
				return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
			}
			return cp, nil
		}
	}
	return nil, fmt.Errorf("resource %s has no executable process %q", name, id)
}
