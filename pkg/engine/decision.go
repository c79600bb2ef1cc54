package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/dmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// DMN decisions, as Zeebe deploys and evaluates them. A .dmn resource is a
// decision requirements graph (DRG): deploying it makes a new version of
// the DRG (by its definitions id) and of each of its decisions (by
// decision id), unless the resource has the name and checksum of the
// DRG's latest version (a duplicate). A business rule task with
// zeebe:calledDecision evaluates the latest version of its decision
// (decisionId may be an expression) against the variables it sees,
// writes DecisionEvaluation EVALUATED with every decision evaluated and
// the matched rules, and completes with {resultVariable: output}. A
// decision that is not deployed raises a CALLED_DECISION_ERROR incident;
// an evaluation that fails (a UNIQUE table with two matches, ...) writes
// DecisionEvaluation FAILED and raises a DECISION_EVALUATION_ERROR one.

// drgModel is a parsed DMN resource: immutable and shared like
// processModel.
type drgModel struct {
	id, name     string
	resourceName string
	checksum     string
	resource     []byte
	defs         *dmn.Definitions
}

// drg is a deployed version of a DRG.
type drg struct {
	*drgModel
	key     int64
	version int32
}

// decision is a deployed version of one decision of a DRG.
type decision struct {
	id, name string
	key      int64
	version  int32
	drg      *drg
}

// isDMN reports whether a resource is a DMN file, by its name, as Zeebe
// tells resources apart.
func isDMN(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".dmn") }

// compileDRG parses a DMN resource.
func compileDRG(r Resource) (*drgModel, []string) {
	defs, err := dmn.Parse(r.Name, r.Content)
	if err != nil {
		return nil, strings.Split(err.Error(), "\n")
	}
	if len(defs.Decisions()) == 0 {
		return nil, []string{r.Name + ": the DMN resource has no decision"}
	}
	return &drgModel{id: defs.ID, name: defs.Name, resourceName: r.Name, checksum: checksum(r.Content),
		resource: r.Content, defs: defs}, nil
}

// createDecisions deploys the DRGs of a deployment: new versions, or the
// latest ones when a resource is a duplicate.
func (e *Engine) createDecisions(out *DeploymentValue, models []*drgModel) {
	for _, m := range models {
		latest := e.latestDRG(m.id)
		if latest != nil && latest.checksum == m.checksum && latest.resourceName == m.resourceName {
			out.DecisionRequirements = append(out.DecisionRequirements, drgMetadata(latest, true))
			for _, d := range e.decisionsOf(latest) {
				out.Decisions = append(out.Decisions, decisionMetadata(d, true))
			}
			continue
		}
		version := int32(1)
		if latest != nil {
			version = latest.version + 1
		}
		key := e.nextKey()
		e.compiledDRG[key] = m
		md := DecisionRequirementsMetadata{DecisionRequirementsID: m.id, DecisionRequirementsName: m.name,
			DecisionRequirementsVersion: version, DecisionRequirementsKey: key, ResourceName: m.resourceName, Checksum: m.checksum}
		e.event(ValueDecisionRequirements, IntentCreated, key, &DecisionRequirementsValue{DecisionRequirementsMetadata: md, Resource: m.resource})
		out.DecisionRequirements = append(out.DecisionRequirements, md)
		for _, info := range m.defs.Decisions() {
			dv := int32(1)
			if prev := e.latestDecision(info.ID); prev != nil {
				dv = prev.version + 1
			}
			dm := DecisionMetadata{DecisionID: info.ID, DecisionName: info.Name, Version: dv, DecisionKey: e.nextKey(),
				DecisionRequirementsID: m.id, DecisionRequirementsKey: key}
			e.event(ValueDecision, IntentCreated, dm.DecisionKey, &DecisionValue{DecisionMetadata: dm})
			out.Decisions = append(out.Decisions, dm)
		}
	}
}

func (e *Engine) latestDRG(id string) *drg {
	vs := e.drgVersions[id]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

func (e *Engine) latestDecision(id string) *decision {
	vs := e.decisionVersions[id]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// decisionsOf returns the latest versions of the decisions of a DRG
// version, in document order.
func (e *Engine) decisionsOf(g *drg) []*decision {
	var out []*decision
	for _, info := range g.defs.Decisions() {
		for _, d := range e.decisionVersions[info.ID] {
			if d.drg == g {
				out = append(out, d)
			}
		}
	}
	return out
}

func drgMetadata(g *drg, dup bool) DecisionRequirementsMetadata {
	return DecisionRequirementsMetadata{DecisionRequirementsID: g.id, DecisionRequirementsName: g.name,
		DecisionRequirementsVersion: g.version, DecisionRequirementsKey: g.key, ResourceName: g.resourceName,
		Checksum: g.checksum, Duplicate: dup}
}

func decisionMetadata(d *decision, dup bool) DecisionMetadata {
	return DecisionMetadata{DecisionID: d.id, DecisionName: d.name, Version: d.version, DecisionKey: d.key,
		DecisionRequirementsID: d.drg.id, DecisionRequirementsKey: d.drg.key, Duplicate: dup}
}

// applyDRG folds DecisionRequirements CREATED: the resource is parsed
// again unless this engine deployed it in this command.
func (e *Engine) applyDRG(key int64, v *DecisionRequirementsValue) {
	m := e.compiledDRG[key]
	delete(e.compiledDRG, key)
	if m == nil {
		var errs []string
		if m, errs = compileDRG(Resource{Name: v.ResourceName, Content: v.Resource}); m == nil {
			panic(fmt.Sprintf("decision requirements %s: %s", v.DecisionRequirementsID, strings.Join(errs, "; ")))
		}
	}
	g := &drg{drgModel: m, key: key, version: v.DecisionRequirementsVersion}
	e.drgs[key] = g
	e.drgVersions[m.id] = append(e.drgVersions[m.id], g)
}

// applyDecision folds Decision CREATED.
func (e *Engine) applyDecision(key int64, v *DecisionValue) {
	g := e.drgs[v.DecisionRequirementsKey]
	if g == nil {
		panic(fmt.Sprintf("decision %s: no decision requirements with key %d", v.DecisionID, v.DecisionRequirementsKey))
	}
	d := &decision{id: v.DecisionID, name: v.DecisionName, key: key, version: v.Version, drg: g}
	e.decisionVersions[d.id] = append(e.decisionVersions[d.id], d)
}

// activateDecision runs a business rule task that calls a decision.
func (e *Engine) activateDecision(ei *elementInstance) {
	el := ei.el
	id := el.decision
	if el.decisionExpr != nil {
		var ok bool
		if id, ok = e.evalString(ei, el.decisionExpr, "decision id"); !ok {
			return
		}
	}
	d := e.latestDecision(id)
	if d == nil {
		e.createIncident(ei, ErrorCalledDecision, fmt.Sprintf("Expected to evaluate decision '%s', but no decision found for id '%s'", id, id), 0)
		return
	}
	e.vars.ei = ei
	res, err := d.drg.defs.EvaluateContext(d.id, &e.vars, dmn.WithClock(func() time.Time { return time.UnixMilli(e.now).UTC() }))
	e.vars.ei = nil
	if err != nil {
		e.note(ValueDecisionEvaluation, IntentFailed, e.nextKey(), e.evaluationRecord(ei, d, nil, err))
		e.createIncident(ei, ErrorDecisionEvaluation, err.Error(), 0)
		return
	}
	e.note(ValueDecisionEvaluation, IntentEvaluated, e.nextKey(), e.evaluationRecord(ei, d, res, nil))
	if !e.subscribeBoundaries(ei) {
		return
	}
	e.lifecycle(ei, IntentElementActivated)
	if el.resultVar != "" {
		x := ei.extra()
		x.trigger, x.hasTrigger = map[string]any{el.resultVar: feel.ToGo(res.Output)}, true
	}
	e.enqueue(step{kind: stepComplete, ei: ei})
}

// evaluationRecord returns the value of a DecisionEvaluation record, or
// nil when records are not kept.
func (e *Engine) evaluationRecord(ei *elementInstance, d *decision, res *dmn.Result, err error) *DecisionEvaluationValue {
	if !e.recording {
		return nil
	}
	v := &DecisionEvaluationValue{DecisionKey: d.key, DecisionID: d.id, DecisionName: d.name, DecisionVersion: d.version,
		DecisionRequirementsID: d.drg.id, DecisionRequirementsKey: d.drg.key, BPMNProcessID: ei.proc.id,
		ProcessDefinitionKey: ei.proc.key, ProcessInstanceKey: ei.root.key, ElementID: ei.el.id, ElementInstanceKey: ei.key}
	fillEvaluation(v, res, err)
	return v
}

// fillEvaluation sets what an evaluation gave: the output and the
// evaluated decisions, or the failure.
func fillEvaluation(v *DecisionEvaluationValue, res *dmn.Result, err error) {
	var evaluated []dmn.EvaluatedDecision
	if res != nil {
		out, _ := feel.ToJSON(res.Output)
		v.DecisionOutput = string(out)
		evaluated = res.Decisions
	}
	if ee, ok := err.(*dmn.EvalError); ok {
		v.EvaluationFailureMessage, v.FailedDecisionID = err.Error(), ee.FailedDecisionID
		evaluated = ee.Decisions
	} else if err != nil {
		v.EvaluationFailureMessage = err.Error()
	}
	if len(evaluated) > 0 {
		v.EvaluatedDecisions, _ = json.Marshal(evaluated)
	}
}

// calledDecision compiles a business rule task's zeebe:calledDecision.
func (c *compiler) calledDecision(n *bpmn.FlowNode, el *element, id, resultVar string) {
	if strings.TrimSpace(id) == "" {
		c.errorf(n, "zeebe:calledDecision needs a decisionId")
		return
	}
	if resultVar == "" {
		c.errorf(n, "zeebe:calledDecision needs a resultVariable")
		return
	}
	x, _, err := parseExpression(id)
	if err != nil {
		c.errorf(n, "decisionId: %v", err)
		return
	}
	el.decision, el.decisionExpr, el.resultVar = id, x, resultVar
}

// restoreDecisions rebuilds the deployed DRGs and decisions of a
// snapshot the way their records' replay would.
func (e *Engine) restoreDecisions(s *snapshot) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("engine: restore decisions: %v", p)
		}
	}()
	for _, g := range s.DRGs {
		e.applyDRG(g.DecisionRequirementsKey, g)
	}
	for _, d := range s.Decisions {
		e.applyDecision(d.Key, d.Value)
	}
	return nil
}

// evaluateDecisionCommand runs a DecisionEvaluation EVALUATE command: the
// latest version of the decision (by id, or by key when given) is
// evaluated against the command's variables, outside any process
// instance. A decision that is not deployed rejects the command; one that
// fails to evaluate writes FAILED, as Zeebe does.
func (e *Engine) evaluateDecisionCommand(v *DecisionEvaluationValue) error {
	d := e.latestDecision(v.DecisionID)
	if v.DecisionKey > 0 {
		d = nil
		for _, ds := range e.decisionVersions {
			for _, x := range ds {
				if x.key == v.DecisionKey {
					d = x
				}
			}
		}
	}
	if d == nil {
		return reject(NotFound, "Expected to evaluate decision '%s', but no decision found for id '%s'", v.DecisionID, v.DecisionID)
	}
	res, err := d.drg.defs.Evaluate(d.id, v.Variables, dmn.WithClock(func() time.Time { return time.UnixMilli(e.now).UTC() }))
	out := &DecisionEvaluationValue{DecisionKey: d.key, DecisionID: d.id, DecisionName: d.name, DecisionVersion: d.version,
		DecisionRequirementsID: d.drg.id, DecisionRequirementsKey: d.drg.key, ProcessDefinitionKey: -1,
		ProcessInstanceKey: -1, ElementInstanceKey: -1, Variables: v.Variables}
	fillEvaluation(out, res, err)
	in := IntentEvaluated
	if err != nil {
		in = IntentFailed
	}
	e.event(ValueDecisionEvaluation, in, e.nextKey(), out)
	e.lastEvaluation = out
	return nil
}
