package engine

import "time"

// The commands a client sends, one constructor each: the engine's typed
// helpers (Deploy, CompleteJob, ...) build their commands with them, on
// values from the engine's arena, and so do clients that send commands
// from afar (package devclient, over Kafka), on values of their own. A
// command is built the same way wherever it runs.
//
// Each XCommand function returns a command on a new value; the unexported
// x functions fill a value the caller holds.

// DeployCommand deploys resources as one deployment.
func DeployCommand(resources ...Resource) Command { return deploy(&DeploymentValue{}, resources) }

func deploy(v *DeploymentValue, resources []Resource) Command {
	*v = DeploymentValue{Resources: resources}
	return Command{ValueType: ValueDeployment, Intent: IntentCreate, Key: -1, Value: v}
}

// CreateInstanceCommand starts an instance of a process version (-1: the
// latest) at its none start event.
func CreateInstanceCommand(processID string, version int32, vars map[string]any) Command {
	return createInstance(&ProcessInstanceCreationValue{}, processID, version, vars)
}

func createInstance(v *ProcessInstanceCreationValue, processID string, version int32, vars map[string]any) Command {
	*v = ProcessInstanceCreationValue{BPMNProcessID: processID, Version: version, Variables: vars}
	return Command{ValueType: ValueProcessInstanceCreation, Intent: IntentCreate, Key: -1, Value: v}
}

// CancelInstanceCommand terminates a process instance.
func CancelInstanceCommand(key int64) Command { return cancelInstance(&ProcessInstanceValue{}, key) }

func cancelInstance(v *ProcessInstanceValue, key int64) Command {
	*v = ProcessInstanceValue{ProcessInstanceKey: key}
	return Command{ValueType: ValueProcessInstance, Intent: IntentCancel, Key: key, Value: v}
}

// PublishMessageCommand publishes a message.
func PublishMessageCommand(m Message) Command { return publishMessage(&MessageValue{}, m) }

func publishMessage(v *MessageValue, m Message) Command {
	*v = MessageValue{Name: m.Name, CorrelationKey: m.CorrelationKey, MessageID: m.MessageID,
		TimeToLive: m.TTL.Milliseconds(), Variables: m.Variables}
	return Command{ValueType: ValueMessage, Intent: IntentPublish, Key: -1, Value: v}
}

// ActivateJobsCommand activates jobs of a type for a worker.
func ActivateJobsCommand(r JobRequest) Command { return activateJobs(&JobBatchValue{}, r) }

func activateJobs(v *JobBatchValue, r JobRequest) Command {
	*v = JobBatchValue{Type: r.Type, Worker: r.Worker, Timeout: r.Timeout.Milliseconds(), MaxJobsToActivate: int32(r.MaxJobs)}
	return Command{ValueType: ValueJobBatch, Intent: IntentActivate, Key: -1, Value: v}
}

// CompleteJobCommand completes a job with variables.
func CompleteJobCommand(key int64, vars map[string]any) Command {
	return jobCommand(&JobValue{}, IntentComplete, key, func(v *JobValue) { v.Variables = vars })
}

// FailJobCommand fails a job, leaving it retries (after backoff).
func FailJobCommand(key int64, retries int, backoff time.Duration, errorMessage string) Command {
	return jobCommand(&JobValue{}, IntentFail, key, failFill(retries, backoff, errorMessage))
}

func failFill(retries int, backoff time.Duration, errorMessage string) func(*JobValue) {
	return func(v *JobValue) {
		v.Retries, v.RetryBackoff, v.ErrorMessage = int32(retries), backoff.Milliseconds(), errorMessage
	}
}

// ThrowErrorCommand throws a BPMN error from a job.
func ThrowErrorCommand(key int64, errorCode, errorMessage string, vars map[string]any) Command {
	return jobCommand(&JobValue{}, IntentThrowError, key, throwFill(errorCode, errorMessage, vars))
}

func throwFill(errorCode, errorMessage string, vars map[string]any) func(*JobValue) {
	return func(v *JobValue) { v.ErrorCode, v.ErrorMessage, v.Variables = errorCode, errorMessage, vars }
}

// UpdateRetriesCommand sets a job's retries.
func UpdateRetriesCommand(key int64, retries int) Command {
	return jobCommand(&JobValue{}, IntentUpdateRetries, key, func(v *JobValue) { v.Retries = int32(retries) })
}

// YieldJobCommand hands an activated job back.
func YieldJobCommand(key int64) Command {
	return jobCommand(&JobValue{}, IntentYield, key, func(*JobValue) {})
}

func jobCommand(v *JobValue, in Intent, key int64, fill func(*JobValue)) Command {
	*v = JobValue{}
	fill(v)
	return Command{ValueType: ValueJob, Intent: in, Key: key, Value: v}
}

// ResolveIncidentCommand resolves an incident.
func ResolveIncidentCommand(key int64) Command { return resolveIncident(&IncidentValue{}, key) }

func resolveIncident(v *IncidentValue, key int64) Command {
	*v = IncidentValue{}
	return Command{ValueType: ValueIncident, Intent: IntentResolve, Key: key, Value: v}
}

// SetVariablesCommand sets variables on a scope (see Engine.SetVariables).
func SetVariablesCommand(scopeKey int64, vars map[string]any, local bool) Command {
	return setVariables(&VariableDocumentValue{}, scopeKey, vars, local)
}

func setVariables(v *VariableDocumentValue, scopeKey int64, vars map[string]any, local bool) Command {
	*v = VariableDocumentValue{ScopeKey: scopeKey, Local: local, Variables: vars}
	return Command{ValueType: ValueVariableDocument, Intent: IntentUpdate, Key: -1, Value: v}
}

// EvaluateDecisionCommand evaluates the latest version of a deployed
// decision against variables, as Zeebe's EvaluateDecision command does.
func EvaluateDecisionCommand(decisionID string, vars map[string]any) Command {
	return Command{ValueType: ValueDecisionEvaluation, Intent: IntentEvaluate, Key: -1,
		Value: &DecisionEvaluationValue{DecisionID: decisionID, Variables: vars}}
}

// BroadcastSignalCommand broadcasts a signal with variables.
func BroadcastSignalCommand(name string, vars map[string]any) Command {
	return Command{ValueType: ValueSignal, Intent: IntentBroadcast, Key: -1,
		Value: &SignalValue{SignalName: name, Variables: vars}}
}
