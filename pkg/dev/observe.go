package dev

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// observe notes what follows from an engine record written live: what
// falls due when (see due.go), which jobs became activatable, which
// process versions were deployed.
func (r *runner) observe(rec *engine.Record, headers []kgo.RecordHeader) {
	r.index.note(rec, r.out.stamp().UnixMilli(), int32(len(r.out.recs)-1))
	if rec.RecordType != engine.RecordEvent {
		return
	}
	r.noteDue(rec)
	switch v := rec.Value.(type) {
	case *engine.JobValue:
		if becameActivatable(rec.Intent, v) {
			r.out.jobBecameActivatable(v.Type)
		}
	case *engine.IncidentValue:
		// Resolving a job's incident makes the job activatable again.
		if rec.Intent == engine.IntentResolved && v.JobKey > 0 {
			if j, ok := r.eng.Job(v.JobKey); ok && j.State == "ACTIVATABLE" {
				r.out.jobBecameActivatable(j.Type)
			}
		}
	case *engine.ProcessValue:
		r.models.add(v)
		r.deployed = append(r.deployed, cloneProcess(v)) // v is the engine's, reused
		r.out.topicsChanged = true
		r.out.add(TopicDeployments, []byte(v.BPMNProcessID), deploymentMessage(rec.Key, v), headers)
	}
}

// noteDue records when something an event set up falls due, in the
// recovery fold as live.
func (r *runner) noteDue(rec *engine.Record) {
	switch v := rec.Value.(type) {
	case *engine.TimerValue:
		if rec.Intent == engine.IntentCreated {
			r.due.add(v.DueDate)
		}
	case *engine.JobBatchValue:
		for i := range v.Jobs {
			r.due.add(v.Jobs[i].Deadline)
		}
	case *engine.JobValue:
		if rec.Intent == engine.IntentFailed && v.Retries > 0 && v.RetryBackoff > 0 {
			r.due.add(rec.Timestamp + v.RetryBackoff)
		}
	case *engine.MessageValue:
		if rec.Intent == engine.IntentPublished && v.TimeToLive > 0 {
			r.due.add(rec.Timestamp + v.TimeToLive)
		}
	}
}

// becameActivatable reports whether a Job event leaves the job waiting
// for a worker: created, timed out, yielded, back from its back-off, or
// failed with retries left and no back-off.
func becameActivatable(in engine.Intent, v *engine.JobValue) bool {
	switch in {
	case engine.IntentCreated, engine.IntentTimedOut, engine.IntentRecurredAfterBackoff, engine.IntentYielded:
		return true
	case engine.IntentFailed:
		return v.Retries > 0 && v.RetryBackoff <= 0
	}
	return false
}

// deploymentMessage is the wfctl.deployments value of a process version.
func deploymentMessage(key int64, v *engine.ProcessValue) []byte {
	return Marshal(Deployment{ProcessID: v.BPMNProcessID, Version: v.Version, Key: key, ResourceName: v.ResourceName,
		Checksum: v.Checksum, Resource: string(v.Resource)})
}
