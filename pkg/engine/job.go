package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Jobs: work for workers, created by service, send, user, script and
// business rule tasks (and message throw events) with a task definition.

func (e *Engine) activateJobElement(ei *elementInstance) {
	if len(ei.el.listeners[listenerCreating-1]) > 0 && e.startListening(ei, listenerCreating) {
		return // a user task is created once its creating listeners completed
	}
	jd := ei.el.job
	typ, retries := jd.typ, jd.retries
	if jd.typExpr != nil {
		var ok bool
		if typ, ok = e.evalString(ei, jd.typExpr, "job type"); !ok {
			return
		}
	}
	if jd.badRetries {
		e.createIncident(ei, ErrorExtractValue, fmt.Sprintf("Expected result of the expression '%s' to be 'NUMBER', but was 'STRING'.", jd.retriesText), 0)
		return
	}
	if jd.retriesExpr != nil {
		v, w := e.eval(ei, jd.retriesExpr, nil)
		f, ok := v.AsFloat64()
		if !ok {
			e.createIncident(ei, ErrorExtractValue, expectedMessage(jd.retriesExpr, "NUMBER", v, w), 0)
			return
		}
		retries = int32(f)
	}
	headers, ok := e.jobHeaders(ei, jd)
	if !ok || !e.subscribeBoundaries(ei) {
		return
	}
	key := e.nextKey()
	var v *JobValue
	if e.recording {
		v = e.arena.job.put(jobValue(ei, typ, retries, headers))
	}
	e.note(ValueJob, IntentCreated, key, v)
	e.addJob(key, ei, typ, retries, headers)
	e.lifecycle(ei, IntentElementActivated)
}

// jobHeaders returns a job's custom headers: the model's, shared, or a
// copy with expression headers evaluated (a string; a list is joined with
// commas, as candidate groups are).
func (e *Engine) jobHeaders(ei *elementInstance, jd *jobDef) (map[string]string, bool) {
	if len(jd.headerExprs) == 0 {
		return jd.headers, true
	}
	h := make(map[string]string, len(jd.headers)+len(jd.headerExprs))
	for k, v := range jd.headers {
		h[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(jd.headerExprs)) {
		x := jd.headerExprs[k]
		v, w := e.eval(ei, x, nil)
		if s, ok := v.AsString(); ok {
			h[k] = s
			continue
		}
		if items, ok := v.AsList(); ok {
			var parts []string
			for _, it := range items {
				s, _ := it.AsString()
				parts = append(parts, s)
			}
			h[k] = strings.Join(parts, ",")
			continue
		}
		e.createIncident(ei, ErrorExtractValue, expectedMessage(x, "STRING", v, w), 0)
		return nil, false
	}
	return h, true
}

// jobValue returns the value of a Job record about a job of ei.
func jobValue(ei *elementInstance, typ string, retries int32, headers map[string]string) JobValue {
	p := ei.proc
	return JobValue{Type: typ, Retries: retries, Deadline: -1, CustomHeaders: headers, ElementID: ei.el.id,
		ElementInstanceKey: ei.key, BPMNProcessID: p.id, ProcessDefinitionVersion: p.version,
		ProcessDefinitionKey: p.key, ProcessInstanceKey: ei.root.key}
}

// jobEvent writes an event about an existing job; cmd supplies the
// command's fields (variables, error code, retries) where it has them.
func (e *Engine) jobEvent(in Intent, j *job, cmd *JobValue) {
	v := e.arena.job.put(jobValue(j.ei, j.typ, j.retries, j.headers))
	v.Worker, v.ErrorMessage = j.worker, j.errorMessage
	if j.listener != listenerNone {
		v.JobKind, v.JobListenerEventType = listenerJobKind(j.listener), listenerEventTypes[j.listener]
	}
	if j.state == jobActivated {
		v.Deadline = j.deadline
	}
	if cmd != nil {
		v.Variables, v.ErrorCode, v.RetryBackoff = cmd.Variables, cmd.ErrorCode, cmd.RetryBackoff
		if in == IntentFailed || in == IntentRetriesUpdated {
			v.Retries = cmd.Retries
		}
		if in == IntentFailed || in == IntentErrorThrown {
			v.ErrorMessage = cmd.ErrorMessage
		}
	}
	e.note(ValueJob, in, j.key, v)
	e.jobChanged(in, j, v)
}

func (e *Engine) jobCommand(in Intent, key int64, v *JobValue) error {
	j := e.jobs[key]
	if j == nil {
		return reject(NotFound, "Expected to %s job with key '%d', but no such job was found", jobVerb(in), key)
	}
	switch in {
	case IntentComplete:
		return e.completeJob(j, v)
	case IntentFail:
		if v.RetryBackoff > MaxDuration {
			return reject(InvalidArgument, "Expected to fail job with key '%d' with a retry back-off up to %d ms (%s), but it was %d", key, MaxDuration, maxDurationText, v.RetryBackoff)
		}
		return e.failJob(j, v)
	case IntentThrowError:
		return e.throwJobError(j, v)
	case IntentUpdateRetries:
		if v.Retries < 1 {
			return reject(InvalidArgument, "Expected to update retries for job with key '%d' with a positive amount of retries, but the amount given was '%d'", key, v.Retries)
		}
		e.jobEvent(IntentRetriesUpdated, j, v)
		return nil
	case IntentYield:
		// As in Zeebe (job push): a worker hands an activated job back
		// before its time-out, and it can be activated again at once.
		if j.state != jobActivated {
			return reject(InvalidState, "Expected to yield activated job with key '%d', but it is in state '%s'", key, jobStateNames[j.state])
		}
		e.jobEvent(IntentYielded, j, nil)
		return nil
	}
	return reject(InvalidArgument, "JOB %s is not a command this engine accepts", in)
}

func jobVerb(in Intent) string {
	switch in {
	case IntentFail:
		return "fail"
	case IntentThrowError:
		return "throw an error from"
	case IntentUpdateRetries:
		return "update retries of"
	case IntentYield:
		return "yield"
	}
	return "complete"
}

func (e *Engine) checkWorkable(j *job, in Intent) error {
	if j.state == jobActivatable || j.state == jobActivated {
		return nil
	}
	return reject(InvalidState, "Expected to %s job with key '%d', but it is in state '%s'", jobVerb(in), j.key, jobStateNames[j.state])
}

func (e *Engine) completeJob(j *job, v *JobValue) error {
	if err := e.checkWorkable(j, IntentComplete); err != nil {
		return err
	}
	if j.listener >= listenerCreating && len(v.Variables) > 0 {
		return reject(InvalidArgument, "Expected to complete task listener job with key '%d' without variables, as Zeebe does, but variables were given", j.key)
	}
	ei, listener := j.ei, j.listener
	e.jobEvent(IntentCompleted, j, v)
	switch {
	case listener != listenerNone:
		e.listenerCompleted(ei, listener, v.Variables)
	case len(ei.el.listeners[listenerCompleting-1]) > 0:
		e.userTaskCompleted(ei)
	default:
		e.enqueue(step{kind: stepComplete, ei: ei})
	}
	return nil
}

func (e *Engine) failJob(j *job, v *JobValue) error {
	if err := e.checkWorkable(j, IntentFail); err != nil {
		return err
	}
	e.jobEvent(IntentFailed, j, v)
	if v.Retries <= 0 {
		msg := v.ErrorMessage
		if msg == "" {
			msg = "No more retries left."
		}
		e.createIncident(j.ei, ErrorJobNoRetries, msg, j.key)
	}
	return nil
}

func (e *Engine) throwJobError(j *job, v *JobValue) error {
	if err := e.checkWorkable(j, IntentThrowError); err != nil {
		return err
	}
	if v.ErrorCode == "" {
		return reject(InvalidArgument, "Expected to throw an error for job with key '%d', but the error code is empty", j.key)
	}
	if j.listener != listenerNone {
		return reject(InvalidState, "Expected to throw an error for job with key '%d', but it is the job of a %s, which cannot throw BPMN errors", j.key, listenerKind(j.listener))
	}
	e.jobEvent(IntentErrorThrown, j, v)
	e.throwError(j.ei, j.ei, v.ErrorCode, v.ErrorMessage, v.Variables)
	return nil
}

// applyJob folds a Job event into the state.
func (e *Engine) applyJob(in Intent, key int64, v *JobValue) {
	if in == IntentCreated {
		j := e.addJob(key, e.instance(v.ElementInstanceKey, v.ProcessInstanceKey), v.Type, v.Retries, v.CustomHeaders)
		j.listener = listenerOf(v.JobListenerEventType)
		return
	}
	e.jobChanged(in, e.jobs[key], v)
}

// addJob applies Job CREATED.
func (e *Engine) addJob(key int64, ei *elementInstance, typ string, retries int32, headers map[string]string) *job {
	j := e.newJob()
	*j = job{key: key, ei: ei, typ: typ, retries: retries, headers: headers}
	ei.job = j
	e.jobs[key] = j
	e.makeActivatable(j)
	return j
}

// jobChanged applies the Job events after CREATED, with the record's
// value v.
func (e *Engine) jobChanged(in Intent, j *job, v *JobValue) {
	switch in {
	case IntentCompleted, IntentCanceled:
		e.removeJob(j)
		if in == IntentCompleted && j.listener != listenerNone {
			j.ei.extra().listened[j.listener-1]++
			return // its variables are set by the records that follow
		}
		if in == IntentCompleted && len(v.Variables) > 0 {
			x := j.ei.extra()
			x.trigger, x.hasTrigger = v.Variables, true
		}
	case IntentFailed:
		e.dequeue(j)
		j.retries, j.errorMessage, j.worker = v.Retries, v.ErrorMessage, ""
		j.state = jobFailed
		switch {
		case v.Retries > 0 && v.RetryBackoff > 0:
			j.recurAt = e.now + v.RetryBackoff
			e.due.push(j.recurAt, j.key, dueJobBackoff)
		case v.Retries > 0:
			e.makeActivatable(j)
		}
	case IntentTimedOut, IntentRecurredAfterBackoff, IntentYielded:
		e.makeActivatable(j)
	case IntentErrorThrown:
		e.dequeue(j)
		j.state, j.errorMessage = jobErrorThrown, v.ErrorMessage
	case IntentRetriesUpdated:
		j.retries = v.Retries
	}
}

func (e *Engine) applyJobBatch(v *JobBatchValue) {
	for _, k := range v.JobKeys {
		j := e.jobs[k]
		e.dequeue(j)
		j.state, j.worker, j.deadline = jobActivated, v.Worker, e.now+v.Timeout
		e.due.push(j.deadline, k, dueJobDeadline)
	}
}

func (e *Engine) removeJob(j *job) {
	e.dequeue(j)
	delete(e.jobs, j.key)
	if j.ei.job == j {
		j.ei.job = nil
	}
	e.deadJobs = append(e.deadJobs, j)
}

// makeActivatable puts a job into its type's queue, in key order.
func (e *Engine) makeActivatable(j *job) {
	j.state, j.worker, j.deadline, j.recurAt = jobActivatable, "", 0, 0
	q := e.jobQueues[j.typ]
	if q == nil {
		q = &jobQueue{}
		e.jobQueues[j.typ] = q
	}
	if j.queue != nil {
		return
	}
	at := q.tail
	for at != nil && at.key > j.key {
		at = at.prev
	}
	j.queue, j.prev = q, at
	if at == nil {
		j.next, q.head = q.head, j
	} else {
		j.next, at.next = at.next, j
	}
	if j.next != nil {
		j.next.prev = j
	} else {
		q.tail = j
	}
	q.n++
}

func (e *Engine) dequeue(j *job) {
	q := j.queue
	if q == nil {
		return
	}
	if j.prev != nil {
		j.prev.next = j.next
	} else {
		q.head = j.next
	}
	if j.next != nil {
		j.next.prev = j.prev
	} else {
		q.tail = j.prev
	}
	j.prev, j.next, j.queue = nil, nil, nil
	q.n--
}

// activateJobs hands up to MaxJobsToActivate activatable jobs of a type to
// a worker, oldest first, with the variables each job's element sees.
func (e *Engine) activateJobs(v *JobBatchValue) error {
	switch {
	case v.Type == "":
		return reject(InvalidArgument, "Expected to activate jobs of a type, but the type is empty")
	case v.MaxJobsToActivate < 1:
		return reject(InvalidArgument, "Expected to activate at least one job, but maxJobsToActivate was %d", v.MaxJobsToActivate)
	case v.Timeout < 1 || v.Timeout > MaxDuration:
		return reject(InvalidArgument, "Expected to activate jobs with a timeout from 1 ms to %d ms (%s), but it was %d", MaxDuration, maxDurationText, v.Timeout)
	}
	out := e.arena.batch.get()
	*out = JobBatchValue{Type: v.Type, Worker: v.Worker, Timeout: v.Timeout, MaxJobsToActivate: v.MaxJobsToActivate}
	if q := e.jobQueues[v.Type]; q != nil {
		for j := q.head; j != nil && len(out.JobKeys) < int(v.MaxJobsToActivate); j = j.next {
			out.JobKeys = append(out.JobKeys, j.key)
			jv := jobValue(j.ei, j.typ, j.retries, j.headers)
			jv.Worker, jv.Deadline, jv.Variables = v.Worker, e.now+v.Timeout, visibleDocument(j.ei)
			if j.listener != listenerNone {
				jv.JobKind, jv.JobListenerEventType = listenerJobKind(j.listener), listenerEventTypes[j.listener]
			}
			out.Jobs = append(out.Jobs, jv)
		}
	}
	e.event(ValueJobBatch, IntentActivated, e.nextKey(), out)
	e.lastBatch = out
	return nil
}

// jobTimedOut and jobRecurred are due-list work.
func (e *Engine) jobDue(key, at int64, kind dueKind) {
	j := e.jobs[key]
	switch {
	case j == nil:
	case kind == dueJobDeadline && j.state == jobActivated && j.deadline == at:
		e.jobEvent(IntentTimedOut, j, nil)
	case kind == dueJobBackoff && j.state == jobFailed && j.recurAt == at && j.retries > 0:
		e.jobEvent(IntentRecurredAfterBackoff, j, nil)
	}
}

func (j *job) String() string { return fmt.Sprintf("job %d (%s)", j.key, j.typ) }
