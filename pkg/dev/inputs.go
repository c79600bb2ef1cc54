package dev

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/engine"
)

// consume processes one poll batch, in order within each partition, as
// one transaction.
func (r *runner) consume(f kgo.Fetches) error {
	if err := r.begin(); err != nil {
		return err
	}
	var err error
	r.batchInputs = f.NumRecords()
	f.EachRecord(func(rec *kgo.Record) {
		if err != nil {
			return
		}
		if rec.Topic == TopicCommands {
			err = r.command(rec)
		} else {
			err = r.domainRecord(rec)
		}
		r.offsets[partitionName(rec.Topic, rec.Partition)] = rec.Offset + 1
	})
	if err != nil {
		return err
	}
	return r.commit()
}

// command runs one command of wfctl.commands and ends its records with
// the Done marker.
func (r *runner) command(rec *kgo.Record) error {
	r.counts.Commands++
	headers := requestHeaders(rec)
	where := fmt.Sprintf("%s/%d@%d", rec.Topic, rec.Partition, rec.Offset)
	if len(headers) > 0 {
		if first, ok := r.requests.lookup(string(headers[0].Value)); ok {
			r.counts.Duplicates++
			r.done(headers, Done{Status: first.Status, Position: first.Position, Command: where, DuplicateOf: first.Command})
			return nil
		}
	}
	if reason, ok := r.skipped(where); ok {
		r.counts.Rejected++
		r.commandDone(headers, Done{Status: DoneRejected, Command: where, Reason: reason})
		return nil
	}
	if reason := r.commandOverLimit(rec.Value); reason != "" {
		r.counts.Rejected++
		r.commandDone(headers, Done{Status: DoneRejected, Command: where, Reason: reason})
		return nil
	}
	var cmd engine.Command
	if err := cmd.UnmarshalJSON(rec.Value); err != nil {
		// Clock control is the server's, not the engine's.
		cc, isClock, cerr := parseClockCommand(rec.Value)
		if isClock && cerr == nil {
			return r.clockCommand(cc, headers, where)
		}
		// So are queries.
		q, intent, isQuery, qerr := parseQueryCommand(rec.Value)
		if isQuery && qerr == nil {
			r.queryCommand(q, intent, rec, headers, where)
			return nil
		}
		reason := "the command is not an engine command in JSON ({\"valueType\",\"intent\",\"key\",\"value\"}): " + err.Error()
		switch {
		case isClock:
			reason = cerr.Error()
		case isQuery:
			reason = qerr.Error()
		}
		r.counts.Rejected++
		r.commandDone(headers, Done{Status: DoneRejected, Command: where, Reason: reason})
		return nil
	}
	if cmd.ValueType == engine.ValueClock {
		if reason := r.tickAhead(&cmd); reason != "" {
			r.counts.Rejected++
			r.commandDone(headers, Done{Status: DoneRejected, Command: where, Reason: reason})
			return nil
		}
	}
	if err := r.yieldPushedJobs(cmd, headers, where); err != nil {
		return err
	}
	recs, err := r.process(cmd, where)
	if err != nil && !isRejection(err) {
		return err
	}
	if n := r.engineRecords(recs, headers); n > r.opts.Limits.Records {
		return r.setAside(where, recordsOverLimit(n, r.opts.Limits.Records))
	}
	r.commandDone(headers, doneOf(recs, err, where))
	if err != nil {
		r.counts.Rejected++
	}
	return nil
}

// yieldPushedJobs lets a client that activates jobs itself (JOB_BATCH
// ACTIVATE, as `wfctl job activate` sends) have the jobs the server
// pushed to wfctl.jobs that no Kafka worker completed yet: before the
// activation, the server yields as many of them as the client asks for
// beyond the jobs already activatable, oldest first (JOB YIELD, as
// Zeebe's job push yields a job no stream took). Their records belong to
// the client's command. A Kafka worker that still completes its pushed
// copy afterwards is not refused: the first completion wins.
func (r *runner) yieldPushedJobs(cmd engine.Command, headers []kgo.RecordHeader, where string) error {
	v, ok := cmd.Value.(*engine.JobBatchValue)
	if !ok || cmd.Intent != engine.IntentActivate || v.Worker == Worker || v.MaxJobsToActivate < 1 {
		return nil
	}
	want := int(v.MaxJobsToActivate) - r.eng.ActivatableJobs(v.Type)
	if want <= 0 {
		return nil
	}
	for _, key := range r.eng.HeldJobs(v.Type, Worker, want) {
		recs, err := r.process(engine.Command{ValueType: engine.ValueJob, Intent: engine.IntentYield, Key: key, Value: &engine.JobValue{}}, where)
		if err != nil && !isRejection(err) {
			return err
		}
		r.engineRecords(recs, headers)
	}
	return nil
}

// commandDone writes a command's Done marker and remembers its request
// id.
func (r *runner) commandDone(headers []kgo.RecordHeader, d Done) {
	r.done(headers, d)
	if len(headers) > 0 {
		d.Result = nil // a query asked again is answered again, not remembered
		r.requests.add(string(headers[0].Value), d)
	}
}

// process runs a command, turning a panic in the engine into the input
// set aside: the engine's state is then unknown, and a new runner
// rebuilds it from what was committed.
func (r *runner) process(cmd engine.Command, where string) (recs []engine.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = r.setAside(where, fmt.Sprintf("the engine failed on it: %s %s: %v", cmd.ValueType, cmd.Intent, p))
		}
	}()
	if r.opts.failOn != nil && r.opts.failOn(cmd) {
		panic("failOn (a test's engine failure)")
	}
	recs, err = r.eng.Process(cmd)
	if err != nil && !isRejection(err) {
		// Not a rejection: the engine could not finish the command, and
		// its state may be half changed.
		return nil, r.setAside(where, fmt.Sprintf("the engine failed on it: %s %s: %v", cmd.ValueType, cmd.Intent, err))
	}
	return recs, err
}

func isRejection(err error) bool {
	var rej *engine.RejectionError
	return errors.As(err, &rej)
}

func doneOf(recs []engine.Record, err error, where string) Done {
	d := Done{Status: DoneOK, Command: where}
	if len(recs) > 0 {
		d.Position = commandPosition(recs)
	}
	var rej *engine.RejectionError
	if errors.As(err, &rej) {
		d.Status, d.Reason = DoneRejected, rej.Reason
	}
	return d
}

// commandPosition finds the command's own record among its records
// (the engine writes the command first).
func commandPosition(recs []engine.Record) int64 {
	for i := range recs {
		if recs[i].RecordType == engine.RecordCommand {
			return recs[i].Position
		}
	}
	return 0
}

// done writes a command's Done marker.
func (r *runner) done(headers []kgo.RecordHeader, d Done) {
	status := doneOKHeader
	if d.Status != DoneOK {
		status = doneRejectedHeader
	}
	hs := status
	if len(headers) > 0 {
		hs = append(headers[:len(headers):len(headers)], status...)
	}
	v, _ := r.out.encode(func(dst []byte) ([]byte, error) { return appendDone(dst, &d), nil })
	r.out.add(TopicRecords, nil, v, hs)
}

var (
	doneOKHeader       = []kgo.RecordHeader{{Key: HeaderDone, Value: []byte(DoneOK)}}
	doneRejectedHeader = []kgo.RecordHeader{{Key: HeaderDone, Value: []byte(DoneRejected)}}
)

// appendDone appends a Done marker's value, as Marshal writes it.
func appendDone(b []byte, d *Done) []byte {
	b = appendStr(b, `{"status":`, d.Status)
	if d.Reason != "" {
		b = appendStr(b, `,"reason":`, d.Reason)
	}
	b = appendStr(b, `,"command":`, d.Command)
	if d.Position != 0 {
		b = appendInt(b, `,"position":`, d.Position)
	}
	if d.DuplicateOf != "" {
		b = appendStr(b, `,"duplicateOf":`, d.DuplicateOf)
	}
	if d.Clock != nil {
		b = append(append(b, `,"clock":`...), Marshal(d.Clock)...)
	}
	if len(d.Result) > 0 {
		b = append(append(b, `,"result":`...), d.Result...)
	}
	return append(b, '}')
}

// requestHeaders are the headers a command's records carry: its request
// id, when it has one.
func requestHeaders(rec *kgo.Record) []kgo.RecordHeader {
	for i, h := range rec.Headers {
		if h.Key == HeaderRequest {
			return rec.Headers[i : i+1 : i+1]
		}
	}
	return nil
}

// domainRecord publishes a domain record as a message, mapped exactly as
// `wfctl trace` maps it, with time to live 0: it reaches the instances
// waiting now, or starts one, and is not buffered, since a message that
// waited for a subscription would correlate with whatever instance
// starts waiting later, which the record's producer did not mean (and
// trace, replaying the same topic, would not do).
func (r *runner) domainRecord(rec *kgo.Record) error {
	m := r.models.mapper()
	if m == nil {
		r.counts.Skipped++
		return nil
	}
	if len(rec.Value) > r.opts.Limits.Document {
		r.counts.Skipped++
		r.notify(Notice{Kind: InputRefused, Input: fmt.Sprintf("%s/%d@%d", rec.Topic, rec.Partition, rec.Offset),
			Message: fmt.Sprintf("not published: the record's value is %s, over the limit of %s for a variable document (--max-document-size)",
				sizeOf(len(rec.Value)), sizeOf(r.opts.Limits.Document))})
		return nil
	}
	var tr correlate.Record
	correlate.FromKafka(rec, &tr)
	msg, err := m.Map(&tr)
	if err != nil {
		r.counts.Skipped++
		return nil
	}
	where := tr.Where().String()
	if _, ok := r.skipped(where); ok {
		r.counts.Skipped++
		return nil
	}
	cmd := engine.Command{ValueType: engine.ValueMessage, Intent: engine.IntentPublish, Key: -1,
		Value: &engine.MessageValue{Name: msg.Name, CorrelationKey: msg.CorrelationKey, Variables: msg.Variables}}
	recs, err := r.process(cmd, where)
	if err != nil && !isRejection(err) {
		return err
	}
	// A rejected publish is in the records as a rejection, like any other.
	if n := r.engineRecords(recs, []kgo.RecordHeader{{Key: HeaderSource, Value: []byte(where)}}); n > r.opts.Limits.Records {
		return r.setAside(where, recordsOverLimit(n, r.opts.Limits.Records))
	}
	r.counts.Messages++
	return nil
}

// deployModels deploys model files from the models folder, each as its
// own deployment (one invalid file blocks no other), as one transaction.
// A model the gate refuses is not deployed: nothing is written for it.
func (r *runner) deployModels(files []modelFile) error {
	if len(files) == 0 {
		return nil
	}
	if err := r.begin(); err != nil {
		return err
	}
	for _, f := range files {
		if err := r.deployModel(f); err != nil {
			return err
		}
	}
	return r.commit()
}

func (r *runner) deployModel(f modelFile) error {
	where := "models/" + f.Name
	headers := []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte("wfctl-dev:" + where)}}
	if len(f.Content) > r.opts.Limits.Document {
		r.notify(Notice{Kind: ModelRejected, Model: f.Name, Message: fmt.Sprintf("the model is %s, over the limit of %s for a deployment resource (--max-document-size)",
			sizeOf(len(f.Content)), sizeOf(r.opts.Limits.Document))})
		return nil
	}
	if reason, ok := r.skipped(where + "@" + f.sum()); ok {
		r.notify(Notice{Kind: ModelRejected, Model: f.Name, Message: reason})
		return nil
	}
	var diagnostics string
	if r.opts.Gate != nil {
		var ok bool
		if diagnostics, ok = r.opts.Gate(f.Name, f.Content); !ok {
			r.notify(Notice{Kind: ModelRejected, Model: f.Name, Message: diagnostics})
			return nil
		}
	}
	cmd := engine.Command{ValueType: engine.ValueDeployment, Intent: engine.IntentCreate, Key: -1,
		Value: &engine.DeploymentValue{Resources: []engine.Resource{{Name: f.Name, Content: f.Content}}}}
	recs, err := r.process(cmd, where+"@"+f.sum())
	if err != nil && !isRejection(err) {
		return err
	}
	if n := r.engineRecords(recs, headers); n > r.opts.Limits.Records {
		return r.setAside(where+"@"+f.sum(), recordsOverLimit(n, r.opts.Limits.Records))
	}
	d := doneOf(recs, err, where)
	r.done(headers, d)
	n := deployNotice(f.Name, recs, d)
	if n.Kind != ModelRejected {
		n.Message = diagnostics
	}
	r.notify(n)
	return nil
}

func deployNotice(name string, recs []engine.Record, d Done) Notice {
	if d.Status == DoneRejected {
		return Notice{Kind: ModelRejected, Model: name, Message: d.Reason}
	}
	n := Notice{Kind: ModelUnchanged, Model: name}
	for i := range recs {
		if v, ok := recs[i].Value.(*engine.DeploymentValue); ok && recs[i].RecordType == engine.RecordEvent {
			n.Processes = append(n.Processes, v.Processes...)
			n.Decisions = append(n.Decisions, v.Decisions...)
		}
	}
	for _, p := range n.Processes {
		if !p.Duplicate {
			n.Kind = ModelDeployed
		}
	}
	for _, d := range n.Decisions {
		if !d.Duplicate {
			n.Kind = ModelDeployed
		}
	}
	return n
}
