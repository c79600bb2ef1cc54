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
	if len(v.Resources) == 0 {
		return reject(InvalidArgument, "Expected to deploy at least one resource, but none given")
	}
	var procs []*process
	var problems []string
	seen := map[string]string{}
	for _, r := range v.Resources {
		ps, errs := e.compileResource(r)
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
		return reject(InvalidArgument, "Expected to deploy new resources, but encountered the following errors:\n%s", strings.Join(problems, "\n"))
	}
	e.createProcesses(v, procs)
	return nil
}

func (e *Engine) createProcesses(v *DeploymentValue, procs []*process) {
	depKey := e.nextKey()
	out := &DeploymentValue{Resources: v.Resources}
	type change struct{ old, new *process }
	var changes []change
	for _, p := range procs {
		latest := e.latest(p.id)
		if latest != nil && latest.checksum == p.checksum && latest.resourceName == p.resourceName {
			out.Processes = append(out.Processes, metadata(latest, true))
			continue
		}
		key, version := e.nextKey(), int32(1)
		if latest != nil {
			version = latest.version + 1
		}
		p = e.ownProcess(p, key, version)
		e.compiled[p.key] = p
		pv := &ProcessValue{ProcessMetadata: metadata(p, false), Resource: p.resource}
		e.event(ValueProcess, IntentCreated, p.key, pv)
		out.Processes = append(out.Processes, metadata(p, false))
		changes = append(changes, change{latest, e.processes[p.key]})
	}
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
}

func (e *Engine) startSubEvent(in Intent, key int64, p *process, el *element) {
	v := e.arena.start.get()
	*v = MessageStartEventSubscriptionValue{ProcessDefinitionKey: p.key, BPMNProcessID: p.id, StartEventID: el.id,
		MessageName: el.msg.name, ProcessInstanceKey: -1, MessageKey: -1}
	e.event(ValueMessageStartEventSubscription, in, key, v)
}

// compileResource parses, validates and compiles one resource.
func (e *Engine) compileResource(r Resource) ([]*process, []string) {
	if ps, ok := e.precompiled.lookup(r); ok {
		return ps, nil
	}
	doc, err := bpmn.Parse(r.Name, r.Content)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var problems []string
	for _, rep := range e.linter.Lint(r.Name, doc) {
		if blocksDeploy(rep) {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: %s [%s]", r.Name, rep.Pos.Line, rep.Pos.Column, rep.Message, rep.Rule))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	sum := checksum(r.Content)
	var out []*process
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
func compileResource(name string, content []byte, id string) (*process, error) {
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
