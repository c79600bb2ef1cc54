package engine

import (
	"fmt"
	"time"
)

// Command is a request to the engine: a value type, an intent, the key of
// the entity it is about (a job, an instance, an incident; -1 when none)
// and a value of the value type. The typed helpers (Deploy,
// CreateInstance, PublishMessage, ...) build commands; Process takes any.
// Commands encode to and decode from JSON like records (see
// [Command.MarshalJSON]).
type Command struct {
	ValueType ValueType
	Intent    Intent
	Key       int64
	Value     Value
}

// RejectionError is returned when the engine rejects a command; the
// rejection is also a record (RecordType RecordRejection).
type RejectionError struct {
	ValueType ValueType
	Intent    Intent
	Type      RejectionType
	Reason    string
}

func (r *RejectionError) Error() string {
	return fmt.Sprintf("%s %s rejected (%s): %s", r.ValueType, r.Intent, r.Type, r.Reason)
}

func reject(t RejectionType, format string, args ...any) *RejectionError {
	return &RejectionError{Type: t, Reason: fmt.Sprintf(format, args...)}
}

// Process runs one command to the end: the command record, the events it
// caused (including everything that followed without waiting, such as an
// instance running to its next wait state), or a rejection. The returned
// slice and the values it points to are reused by the next call. A
// rejected command returns a *RejectionError too.
func (e *Engine) Process(cmd Command) ([]Record, error) {
	e.begin()
	return e.process(cmd)
}

// process runs cmd after begin; helpers allocate their command values
// from the arena in between.
func (e *Engine) process(cmd Command) ([]Record, error) {
	if e.clock != nil && cmd.ValueType != ValueClock {
		if t := e.clock().UnixMilli(); t > e.now {
			tick := e.arena.clock.get()
			tick.Time = t
			_ = e.run(Command{ValueType: ValueClock, Intent: IntentTick, Key: -1, Value: tick})
		}
	}
	err := e.run(cmd)
	return e.records, err
}

// LastRecords returns the records of the last command, as Process did.
func (e *Engine) LastRecords() []Record { return e.records }

func (e *Engine) begin() {
	e.records = e.records[:0]
	e.arena.reset()
	e.published = PublishResult{}
}

func (e *Engine) run(cmd Command) error {
	if cmd.Key == 0 {
		cmd.Key = -1
	}
	e.steps, e.guard = 0, nil
	e.recycle()
	e.cmdPos = e.write(RecordCommand, cmd.ValueType, cmd.Intent, cmd.Key, cmd.Value, nil)
	err := e.dispatch(cmd)
	if rej, ok := err.(*RejectionError); ok {
		rej.ValueType, rej.Intent = cmd.ValueType, cmd.Intent
		e.write(RecordRejection, cmd.ValueType, cmd.Intent, cmd.Key, cmd.Value, rej)
		e.settle()
		e.flushKey()
		return rej
	}
	e.drain()
	e.settle()
	e.flushKey()
	e.shrinkMaps()
	return err
}

// write appends a command or rejection record.
func (e *Engine) write(rt RecordType, vt ValueType, in Intent, key int64, v Value, rej *RejectionError) int64 {
	e.position++
	if !e.recording {
		return e.position
	}
	r := Record{Position: e.position, SourceRecordPosition: e.position, Key: key, Timestamp: e.now,
		PartitionID: e.partition, RecordType: rt, ValueType: vt, Intent: in, Value: v}
	if rej != nil {
		r.RejectionType, r.RejectionReason = rej.Type, rej.Reason
		r.SourceRecordPosition = e.cmdPos
	}
	e.records = append(e.records, r)
	return e.position
}

// event writes an event record and applies it to the state the way
// Apply does, by decoding it. Rare events go this way; frequent ones use
// note.
func (e *Engine) event(vt ValueType, in Intent, key int64, v Value) {
	e.position++
	r := Record{Position: e.position, SourceRecordPosition: e.cmdPos, Key: key, Timestamp: e.now,
		PartitionID: e.partition, RecordType: RecordEvent, ValueType: vt, Intent: in, Value: v}
	e.apply(&r)
	if e.recording {
		e.records = append(e.records, r)
	}
}

// note writes an event that its caller then applies itself, with the
// same state change Apply makes once it has decoded the record (the
// functions apply*.go call after their lookups). The caller holds the
// instance, subscription or timer the event is about, so finding them
// again by key and element id, as decoding does, would be wasted work on
// the engine's hottest path. v is nil when records are not kept
// (WithoutRecords): the ...Record helpers build a value only for a
// record to carry.
func (e *Engine) note(vt ValueType, in Intent, key int64, v Value) {
	e.position++
	if e.recording {
		e.records = append(e.records, Record{Position: e.position, SourceRecordPosition: e.cmdPos, Key: key,
			Timestamp: e.now, PartitionID: e.partition, RecordType: RecordEvent, ValueType: vt, Intent: in, Value: v})
	}
}

func (e *Engine) dispatch(cmd Command) error {
	if cmd.Value == nil || cmd.Value.ValueType() != cmd.ValueType {
		return reject(InvalidArgument, "Expected a %s value, got %T", cmd.ValueType, cmd.Value)
	}
	switch v := cmd.Value.(type) {
	case *DeploymentValue:
		if cmd.Intent == IntentCreate {
			return e.deploy(v)
		}
	case *ProcessInstanceCreationValue:
		if cmd.Intent == IntentCreate {
			return e.createInstanceCommand(v)
		}
	case *ProcessInstanceValue:
		if cmd.Intent == IntentCancel {
			return e.cancelInstance(cmd.Key)
		}
	case *MessageValue:
		if cmd.Intent == IntentPublish {
			return e.publish(v)
		}
	case *JobBatchValue:
		if cmd.Intent == IntentActivate {
			return e.activateJobs(v)
		}
	case *JobValue:
		return e.jobCommand(cmd.Intent, cmd.Key, v)
	case *IncidentValue:
		if cmd.Intent == IntentResolve {
			return e.resolveIncident(cmd.Key)
		}
	case *VariableDocumentValue:
		if cmd.Intent == IntentUpdate {
			return e.updateVariables(v)
		}
	case *DecisionEvaluationValue:
		if cmd.Intent == IntentEvaluate {
			return e.evaluateDecisionCommand(v)
		}
	case *SignalValue:
		if cmd.Intent == IntentBroadcast {
			return e.broadcast(v)
		}
	case *ClockValue:
		if cmd.Intent == IntentTick {
			return e.tick(v.Time)
		}
	}
	return reject(InvalidArgument, "%s %s is not a command this engine accepts", cmd.ValueType, cmd.Intent)
}

// Tick moves the engine clock to now (never backwards) and processes what
// fell due on the way, in time order: timers fire, activated jobs time
// out, failed jobs come back after their back-off, buffered messages
// expire.
func (e *Engine) Tick(now time.Time) ([]Record, error) {
	e.begin()
	if e.idleTick(now.UnixMilli()) {
		return e.records, nil
	}
	v := e.arena.clock.get()
	v.Time = now.UnixMilli()
	return e.process(Command{ValueType: ValueClock, Intent: IntentTick, Key: -1, Value: v})
}

// AdvanceTime moves the engine clock forward by d, as Tick does.
func (e *Engine) AdvanceTime(d time.Duration) ([]Record, error) {
	return e.Tick(time.UnixMilli(e.now).Add(d))
}
