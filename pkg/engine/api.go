package engine

import (
	"slices"
	"time"
)

// Typed helpers: each builds one command, runs it as Process does and
// returns what a caller usually wants from it. The records are available
// from LastRecords until the next call.

// Deploy deploys resources (BPMN files) as one deployment and returns the
// processes it holds, new versions and duplicates alike.
func (e *Engine) Deploy(resources ...Resource) ([]ProcessMetadata, error) {
	e.begin()
	if _, err := e.process(deploy(&DeploymentValue{}, resources)); err != nil {
		return nil, err
	}
	return e.lastDeployed, nil
}

// CreateInstance starts an instance of the latest version of a process at
// its none start event, with variables, and returns its key.
func (e *Engine) CreateInstance(processID string, vars map[string]any) (int64, error) {
	return e.CreateInstanceVersion(processID, -1, vars)
}

// CreateInstanceVersion is CreateInstance for a given version (-1: the
// latest).
func (e *Engine) CreateInstanceVersion(processID string, version int32, vars map[string]any) (int64, error) {
	e.begin()
	e.lastCreated = 0
	_, err := e.process(createInstance(e.arena.creation.get(), processID, version, vars))
	return e.lastCreated, err
}

// Message is a message to publish.
type Message struct {
	Name           string
	CorrelationKey string
	// TTL is how long the message waits for a subscription; 0 means it
	// reaches only the subscriptions open now and is then dropped.
	TTL time.Duration
	// MessageID, when set, makes a second message with the same name,
	// correlation key and id a duplicate while the first is buffered.
	MessageID string
	Variables map[string]any
}

// PublishMessage publishes a message and says what it reached.
func (e *Engine) PublishMessage(m Message) (PublishResult, error) {
	e.begin()
	_, err := e.process(publishMessage(e.arena.msg.get(), m))
	return e.published, err
}

// JobRequest asks for jobs of a type for a worker.
type JobRequest struct {
	Type    string
	Worker  string
	MaxJobs int
	// Timeout is how long the worker has before the job can be handed
	// to another worker.
	Timeout time.Duration
}

// ActivatedJob is a job handed to a worker, with the variables its
// element sees.
type ActivatedJob struct {
	Key int64
	JobValue
}

// ActivateJobs activates up to MaxJobs activatable jobs of a type, oldest
// first.
func (e *Engine) ActivateJobs(req JobRequest) ([]ActivatedJob, error) {
	e.begin()
	if _, err := e.process(activateJobs(e.arena.batch.get(), req)); err != nil {
		return nil, err
	}
	b := e.lastBatch
	out := make([]ActivatedJob, len(b.JobKeys))
	for i, k := range b.JobKeys {
		out[i] = ActivatedJob{Key: k, JobValue: b.Jobs[i]}
	}
	return out, nil
}

func (e *Engine) jobCmd(in Intent, key int64, fill func(*JobValue)) error {
	e.begin()
	_, err := e.process(jobCommand(e.arena.job.get(), in, key, fill))
	return err
}

// CompleteJob completes a job (activated or not) with variables.
func (e *Engine) CompleteJob(key int64, vars map[string]any) error {
	return e.jobCmd(IntentComplete, key, func(v *JobValue) { v.Variables = vars })
}

// FailJob fails a job: with retries left it becomes activatable again
// (after backoff, if set); without, an incident is raised.
func (e *Engine) FailJob(key int64, retries int, backoff time.Duration, errorMessage string) error {
	return e.jobCmd(IntentFail, key, failFill(retries, backoff, errorMessage))
}

// ThrowError throws a BPMN error from a job: an error boundary event with
// that code (or none) on the task or an enclosing sub-process catches it,
// else an incident is raised.
func (e *Engine) ThrowError(key int64, errorCode, errorMessage string, vars map[string]any) error {
	return e.jobCmd(IntentThrowError, key, throwFill(errorCode, errorMessage, vars))
}

// UpdateJobRetries sets a job's retries (before resolving its incident).
func (e *Engine) UpdateJobRetries(key int64, retries int) error {
	return e.jobCmd(IntentUpdateRetries, key, func(v *JobValue) { v.Retries = int32(retries) })
}

// YieldJob hands an activated job back: it can be activated again at
// once, by any worker (Zeebe's JOB YIELD, written when a pushed job could
// not be delivered).
func (e *Engine) YieldJob(key int64) error {
	return e.jobCmd(IntentYield, key, func(*JobValue) {})
}

// HeldJobs returns the keys of the jobs of a type activated by a worker,
// oldest first, at most max of them.
func (e *Engine) HeldJobs(typ, worker string, max int) []int64 {
	var keys []int64
	for k, j := range e.jobs {
		if j.state == jobActivated && j.typ == typ && j.worker == worker {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys[:min(len(keys), max)]
}

// ActivatableJobs returns how many jobs of a type wait for a worker.
func (e *Engine) ActivatableJobs(typ string) int {
	if q := e.jobQueues[typ]; q != nil {
		return q.n
	}
	return 0
}

// CancelInstance terminates a process instance.
func (e *Engine) CancelInstance(key int64) error {
	e.begin()
	_, err := e.process(cancelInstance(e.arena.pi.get(), key))
	return err
}

// ResolveIncident resolves an incident and retries what failed.
func (e *Engine) ResolveIncident(key int64) error {
	e.begin()
	_, err := e.process(resolveIncident(e.arena.incident.get(), key))
	return err
}

// SetVariables sets variables on an element instance's scope (local) or
// where they are visible from it, else on the process instance.
func (e *Engine) SetVariables(scopeKey int64, vars map[string]any, local bool) error {
	e.begin()
	_, err := e.process(setVariables(e.arena.doc.get(), scopeKey, vars, local))
	return err
}

// BroadcastSignal broadcasts a signal: every subscription open for its
// name is triggered (signal start events start instances; waiting catch,
// boundary and event sub-process start events go on) with the
// variables. It returns the signal's key.
func (e *Engine) BroadcastSignal(name string, vars map[string]any) (int64, error) {
	e.begin()
	e.lastSignal = 0
	if _, err := e.process(BroadcastSignalCommand(name, vars)); err != nil {
		return 0, err
	}
	return e.lastSignal, nil
}

// EvaluateDecision evaluates the latest version of a deployed decision
// against vars, outside any process instance, and returns the
// DecisionEvaluation EVALUATED or FAILED record's value (FAILED carries
// EvaluationFailureMessage). A decision that is not deployed is a
// rejection.
func (e *Engine) EvaluateDecision(decisionID string, vars map[string]any) (*DecisionEvaluationValue, error) {
	e.begin()
	e.lastEvaluation = nil
	if _, err := e.process(EvaluateDecisionCommand(decisionID, vars)); err != nil {
		return nil, err
	}
	return e.lastEvaluation, nil
}
