package devclient

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/wfctl/wfctl/pkg/engine"
)

// Typed operations: each sends one command, built by the engine's own
// constructors (engine.CompleteJobCommand, ...), waits for its outcome and
// returns what a caller wants from it. A command the engine refuses is a
// *RejectedError with the engine's reason.

// RejectedError is a command the engine rejected.
type RejectedError struct {
	Reason   string
	Response *Response
}

func (e *RejectedError) Error() string { return "the engine rejected the command: " + e.Reason }

// run sends a command and turns a rejection into a *RejectedError.
func (c *Client) run(ctx context.Context, cmd engine.Command, routingKey string) (*Response, error) {
	resp, err := c.DoShared(ctx, cmd, routingKey)
	if err != nil {
		return nil, err
	}
	if resp.Rejected {
		return resp, &RejectedError{Reason: resp.Reason, Response: resp}
	}
	return resp, nil
}

func keyText(k int64) string { return strconv.FormatInt(k, 10) }

// event is the value of the first event of a type and intent in a
// response, with its record's key.
func event[T engine.Value](resp *Response, vt engine.ValueType, in engine.Intent) (T, int64, bool) {
	var zero T
	for _, r := range resp.Records {
		if r.IsEvent() && r.ValueType == vt && r.Intent == in {
			if v, ok := r.Value.(T); ok {
				return v, r.Key, true
			}
		}
	}
	return zero, 0, false
}

// Deploy deploys resources as one deployment and returns its processes,
// new versions and duplicates alike.
func (c *Client) Deploy(ctx context.Context, resources ...engine.Resource) ([]engine.ProcessMetadata, error) {
	v, err := c.DeployResources(ctx, resources...)
	if err != nil {
		return nil, err
	}
	return v.Processes, nil
}

// DeployResources deploys BPMN and DMN resources as one deployment and
// returns the Deployment CREATED record's value: its processes, decisions
// and decision requirements, new versions and duplicates alike.
func (c *Client) DeployResources(ctx context.Context, resources ...engine.Resource) (*engine.DeploymentValue, error) {
	resp, err := c.run(ctx, engine.DeployCommand(resources...), "deploy")
	if err != nil {
		return nil, err
	}
	v, _, ok := event[*engine.DeploymentValue](resp, engine.ValueDeployment, engine.IntentCreated)
	if !ok {
		return nil, errors.New("the engine answered without a deployment record")
	}
	return v, nil
}

// Created is an instance CreateInstance started.
type Created struct {
	Key       int64  `json:"processInstanceKey"`
	ProcessID string `json:"bpmnProcessId"`
	Version   int32  `json:"version"`
}

// CreateInstance starts an instance of a process version (-1: the
// latest) at its none start event.
func (c *Client) CreateInstance(ctx context.Context, processID string, version int32, vars map[string]any) (Created, error) {
	resp, err := c.run(ctx, engine.CreateInstanceCommand(processID, version, vars), processID)
	if err != nil {
		return Created{}, err
	}
	v, _, ok := event[*engine.ProcessInstanceCreationValue](resp, engine.ValueProcessInstanceCreation, engine.IntentCreated)
	if !ok {
		return Created{}, errors.New("the engine answered without a created instance")
	}
	return Created{Key: v.ProcessInstanceKey, ProcessID: v.BPMNProcessID, Version: v.Version}, nil
}

// CancelInstance terminates a process instance.
func (c *Client) CancelInstance(ctx context.Context, key int64) error {
	_, err := c.run(ctx, engine.CancelInstanceCommand(key), keyText(key))
	return err
}

// Published is what a published message reached.
type Published struct {
	MessageKey int64 `json:"messageKey"`
	Correlated int   `json:"correlated"`
	Started    int   `json:"started"`
}

// PublishMessage publishes a message.
func (c *Client) PublishMessage(ctx context.Context, m engine.Message) (Published, error) {
	resp, err := c.run(ctx, engine.PublishMessageCommand(m), m.CorrelationKey)
	if err != nil {
		return Published{}, err
	}
	var p Published
	for _, r := range resp.Records {
		switch v := r.Value.(type) {
		case *engine.MessageSubscriptionValue:
			if r.IsEvent() && r.Intent == engine.IntentCorrelated {
				p.Correlated++
			}
		case *engine.ProcessInstanceValue:
			if r.IsEvent() && r.Intent == engine.IntentElementActivated && v.BPMNElementType == engine.ElementProcess {
				p.Started++
			}
		case *engine.MessageValue:
			if r.IsEvent() && r.Intent == engine.IntentPublished {
				p.MessageKey = r.Key
			}
		}
	}
	return p, nil
}

// ActivateJobs activates up to r.MaxJobs jobs of a type for a worker.
func (c *Client) ActivateJobs(ctx context.Context, r engine.JobRequest) ([]engine.ActivatedJob, error) {
	resp, err := c.run(ctx, engine.ActivateJobsCommand(r), r.Type)
	if err != nil {
		return nil, err
	}
	b, _, ok := event[*engine.JobBatchValue](resp, engine.ValueJobBatch, engine.IntentActivated)
	if !ok {
		return nil, nil
	}
	out := make([]engine.ActivatedJob, len(b.JobKeys))
	for i, k := range b.JobKeys {
		out[i] = engine.ActivatedJob{Key: k, JobValue: b.Jobs[i]}
	}
	return out, nil
}

// CompleteJob completes a job with variables.
func (c *Client) CompleteJob(ctx context.Context, key int64, vars map[string]any) error {
	_, err := c.run(ctx, engine.CompleteJobCommand(key, vars), keyText(key))
	return err
}

// FailJob fails a job, leaving it retries (after backoff); with none, an
// incident is raised.
func (c *Client) FailJob(ctx context.Context, key int64, retries int, backoff time.Duration, errorMessage string) error {
	_, err := c.run(ctx, engine.FailJobCommand(key, retries, backoff, errorMessage), keyText(key))
	return err
}

// ThrowError throws a BPMN error from a job.
func (c *Client) ThrowError(ctx context.Context, key int64, errorCode, errorMessage string, vars map[string]any) error {
	_, err := c.run(ctx, engine.ThrowErrorCommand(key, errorCode, errorMessage, vars), keyText(key))
	return err
}

// UpdateRetries sets a job's retries.
func (c *Client) UpdateRetries(ctx context.Context, key int64, retries int) error {
	_, err := c.run(ctx, engine.UpdateRetriesCommand(key, retries), keyText(key))
	return err
}

// YieldJob hands an activated job back to the engine.
func (c *Client) YieldJob(ctx context.Context, key int64) error {
	_, err := c.run(ctx, engine.YieldJobCommand(key), keyText(key))
	return err
}

// ResolveIncident resolves an incident: what failed is tried again.
func (c *Client) ResolveIncident(ctx context.Context, key int64) error {
	_, err := c.run(ctx, engine.ResolveIncidentCommand(key), keyText(key))
	return err
}

// SetVariables sets variables on a scope (see engine.Engine.SetVariables).
func (c *Client) SetVariables(ctx context.Context, scopeKey int64, vars map[string]any, local bool) error {
	_, err := c.run(ctx, engine.SetVariablesCommand(scopeKey, vars, local), keyText(scopeKey))
	return err
}

// Broadcast is what a broadcast signal did.
type Broadcast struct {
	SignalKey int64 `json:"signalKey"`
	// Started counts the process instances its signal start events
	// started (waiting instances it reached write no record of their
	// own beyond their element's lifecycle).
	Started int `json:"started"`
}

// BroadcastSignal broadcasts a signal with variables to every open
// signal subscription of its name.
func (c *Client) BroadcastSignal(ctx context.Context, name string, vars map[string]any) (Broadcast, error) {
	resp, err := c.run(ctx, engine.BroadcastSignalCommand(name, vars), name)
	if err != nil {
		return Broadcast{}, err
	}
	var b Broadcast
	for _, r := range resp.Records {
		switch v := r.Value.(type) {
		case *engine.SignalValue:
			if r.IsEvent() && r.Intent == engine.IntentBroadcasted && b.SignalKey == 0 {
				b.SignalKey = r.Key
			}
		case *engine.ProcessInstanceValue:
			if r.IsEvent() && r.Intent == engine.IntentElementActivated && v.BPMNElementType == engine.ElementProcess {
				b.Started++
			}
		}
	}
	return b, nil
}

// EvaluateDecision evaluates the latest version of a deployed decision
// against vars (Zeebe's EvaluateDecision): the DecisionEvaluation
// EVALUATED or FAILED record's value. A decision that is not deployed is
// a *RejectedError.
func (c *Client) EvaluateDecision(ctx context.Context, decisionID string, vars map[string]any) (*engine.DecisionEvaluationValue, error) {
	resp, err := c.run(ctx, engine.EvaluateDecisionCommand(decisionID, vars), decisionID)
	if err != nil {
		return nil, err
	}
	for _, in := range []engine.Intent{engine.IntentEvaluated, engine.IntentFailed} {
		if v, _, ok := event[*engine.DecisionEvaluationValue](resp, engine.ValueDecisionEvaluation, in); ok {
			return v, nil
		}
	}
	return nil, errors.New("the engine answered without a decision evaluation record")
}
