package dev

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/wfctl/wfctl/pkg/engine"
)

// Encoding the engine's records is the server's hottest path (a simple
// instance writes some twenty records), and encoding/json's reflection
// costs several microseconds a record. appendRecord writes the same
// bytes as engine.Record.MarshalJSON, the protocol's definition, by hand
// for the value types of an instance's life, and falls back to
// MarshalJSON for the others.
//
// The engine's JSON may gain fields (its documented rule), which the hand
// encoders would silently leave out. So they prove themselves before
// first use: each encodes a sample with every field set, and is used only
// if its bytes equal MarshalJSON's (see fastEncoders); a test insists
// that all of them pass, so that a new field is noticed in CI instead of
// costing speed in silence.

type valueEncoder func([]byte, engine.Value) ([]byte, error)

var (
	fastOnce sync.Once
	fast     map[reflect.Type]valueEncoder // the encoders that proved themselves
)

// handEncoders are the hand-written value encoders, before their proof.
var handEncoders = map[reflect.Type]valueEncoder{
	reflect.TypeFor[*engine.ProcessInstanceValue]():         appendProcessInstance,
	reflect.TypeFor[*engine.JobValue]():                     appendJob,
	reflect.TypeFor[*engine.VariableValue]():                appendVariable,
	reflect.TypeFor[*engine.ProcessInstanceCreationValue](): appendCreation,
	reflect.TypeFor[*engine.ClockValue]():                   appendClock,
	reflect.TypeFor[*engine.TimerValue]():                   appendTimer,
	reflect.TypeFor[*engine.MessageValue]():                 appendMessage,
	reflect.TypeFor[*engine.MessageSubscriptionValue]():     appendSubscription,
	reflect.TypeFor[*engine.JobBatchValue]():                appendJobBatch,
}

func fastEncoders() map[reflect.Type]valueEncoder {
	fastOnce.Do(func() { fast = provenEncoders() })
	return fast
}

// appendRecord appends the record's JSON, as engine.Record.MarshalJSON
// writes it.
func appendRecord(dst []byte, r *engine.Record) ([]byte, error) {
	enc := fastEncoders()[reflect.TypeOf(r.Value)]
	if enc == nil {
		b, err := r.MarshalJSON()
		return append(dst, b...), err
	}
	return appendRecordWith(dst, r, enc)
}

func appendRecordWith(b []byte, r *engine.Record, enc valueEncoder) ([]byte, error) {
	b = appendInt(b, `{"position":`, r.Position)
	b = appendInt(b, `,"sourceRecordPosition":`, r.SourceRecordPosition)
	b = appendInt(b, `,"key":`, r.Key)
	b = appendInt(b, `,"timestamp":`, r.Timestamp)
	b = appendInt(b, `,"partitionId":`, int64(r.PartitionID))
	b = appendStr(b, `,"recordType":`, r.RecordType.String())
	b = appendStr(b, `,"valueType":`, r.ValueType.String())
	b = appendStr(b, `,"intent":`, r.Intent.String())
	b = appendStr(b, `,"rejectionType":`, r.RejectionType.String())
	b = appendStr(b, `,"rejectionReason":`, r.RejectionReason)
	b = append(b, `,"value":`...)
	b, err := enc(b, r.Value)
	return append(b, '}'), err
}

func appendProcessInstance(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.ProcessInstanceValue)
	b = appendStr(b, `{"bpmnProcessId":`, v.BPMNProcessID)
	b = appendInt(b, `,"version":`, int64(v.Version))
	b = appendInt(b, `,"processDefinitionKey":`, v.ProcessDefinitionKey)
	b = appendInt(b, `,"processInstanceKey":`, v.ProcessInstanceKey)
	b = appendStr(b, `,"elementId":`, v.ElementID)
	b = appendInt(b, `,"flowScopeKey":`, v.FlowScopeKey)
	b = appendStr(b, `,"bpmnElementType":`, v.BPMNElementType.String())
	b = appendStr(b, `,"bpmnEventType":`, v.BPMNEventType.String())
	b = appendInt(b, `,"parentProcessInstanceKey":`, v.ParentProcessInstanceKey)
	b = appendInt(b, `,"parentElementInstanceKey":`, v.ParentElementInstanceKey)
	return append(b, '}'), nil
}

func appendJob(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.JobValue)
	b = appendStr(b, `{"type":`, v.Type)
	b = appendStr(b, `,"worker":`, v.Worker)
	b = appendInt(b, `,"retries":`, int64(v.Retries))
	b = appendInt(b, `,"retryBackoff":`, v.RetryBackoff)
	b = appendInt(b, `,"deadline":`, v.Deadline)
	b, err1 := appendMarshal(b, `,"customHeaders":`, v.CustomHeaders, len(v.CustomHeaders) == 0, v.CustomHeaders == nil)
	b, err2 := appendMarshal(b, `,"variables":`, v.Variables, len(v.Variables) == 0, v.Variables == nil)
	b = appendStr(b, `,"errorCode":`, v.ErrorCode)
	b = appendStr(b, `,"errorMessage":`, v.ErrorMessage)
	b = appendStr(b, `,"elementId":`, v.ElementID)
	b = appendInt(b, `,"elementInstanceKey":`, v.ElementInstanceKey)
	b = appendStr(b, `,"bpmnProcessId":`, v.BPMNProcessID)
	b = appendInt(b, `,"processDefinitionVersion":`, int64(v.ProcessDefinitionVersion))
	b = appendInt(b, `,"processDefinitionKey":`, v.ProcessDefinitionKey)
	b = appendInt(b, `,"processInstanceKey":`, v.ProcessInstanceKey)
	if v.JobKind != "" { // omitempty
		b = appendStr(b, `,"jobKind":`, v.JobKind)
	}
	if v.JobListenerEventType != "" {
		b = appendStr(b, `,"jobListenerEventType":`, v.JobListenerEventType)
	}
	return append(b, '}'), firstErr(err1, err2)
}

func appendJobBatch(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.JobBatchValue)
	b = appendStr(b, `{"type":`, v.Type)
	b = appendStr(b, `,"worker":`, v.Worker)
	b = appendInt(b, `,"timeout":`, v.Timeout)
	b = appendInt(b, `,"maxJobsToActivate":`, int64(v.MaxJobsToActivate))
	b = append(b, `,"jobKeys":`...)
	if v.JobKeys == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, k := range v.JobKeys {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, k, 10)
		}
		b = append(b, ']')
	}
	b = append(b, `,"jobs":`...)
	var err error
	if v.Jobs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range v.Jobs {
			if i > 0 {
				b = append(b, ',')
			}
			var jerr error
			b, jerr = appendJob(b, &v.Jobs[i])
			err = firstErr(err, jerr)
		}
		b = append(b, ']')
	}
	b = append(b, `,"truncated":`...)
	b = strconv.AppendBool(b, v.Truncated)
	return append(b, '}'), err
}

func appendVariable(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.VariableValue)
	b = appendStr(b, `{"name":`, v.Name)
	b, err := appendMarshal(b, `,"value":`, v.Value, false, v.Value == nil)
	b = appendInt(b, `,"scopeKey":`, v.ScopeKey)
	b = appendInt(b, `,"processInstanceKey":`, v.ProcessInstanceKey)
	b = appendInt(b, `,"processDefinitionKey":`, v.ProcessDefinitionKey)
	b = appendStr(b, `,"bpmnProcessId":`, v.BPMNProcessID)
	return append(b, '}'), err
}

func appendCreation(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.ProcessInstanceCreationValue)
	b = appendStr(b, `{"bpmnProcessId":`, v.BPMNProcessID)
	b = appendInt(b, `,"version":`, int64(v.Version))
	b = appendInt(b, `,"processDefinitionKey":`, v.ProcessDefinitionKey)
	b = appendInt(b, `,"processInstanceKey":`, v.ProcessInstanceKey)
	b, err := appendMarshal(b, `,"variables":`, v.Variables, len(v.Variables) == 0, v.Variables == nil)
	return append(b, '}'), err
}

func appendClock(b []byte, val engine.Value) ([]byte, error) {
	b = appendInt(b, `{"time":`, val.(*engine.ClockValue).Time)
	return append(b, '}'), nil
}

func appendTimer(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.TimerValue)
	b = appendInt(b, `{"elementInstanceKey":`, v.ElementInstanceKey)
	b = appendInt(b, `,"processInstanceKey":`, v.ProcessInstanceKey)
	b = appendInt(b, `,"processDefinitionKey":`, v.ProcessDefinitionKey)
	b = appendStr(b, `,"targetElementId":`, v.TargetElementID)
	b = appendInt(b, `,"dueDate":`, v.DueDate)
	b = appendInt(b, `,"repetitions":`, int64(v.Repetitions))
	return append(b, '}'), nil
}

func appendMessage(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.MessageValue)
	b = appendStr(b, `{"name":`, v.Name)
	b = appendStr(b, `,"correlationKey":`, v.CorrelationKey)
	b = appendStr(b, `,"messageId":`, v.MessageID)
	b = appendInt(b, `,"timeToLive":`, v.TimeToLive)
	b = appendInt(b, `,"deadline":`, v.Deadline)
	b, err := appendMarshal(b, `,"variables":`, v.Variables, len(v.Variables) == 0, v.Variables == nil)
	return append(b, '}'), err
}

func appendSubscription(b []byte, val engine.Value) ([]byte, error) {
	v := val.(*engine.MessageSubscriptionValue)
	b = appendStr(b, `{"bpmnProcessId":`, v.BPMNProcessID)
	b = appendInt(b, `,"processInstanceKey":`, v.ProcessInstanceKey)
	b = appendInt(b, `,"elementInstanceKey":`, v.ElementInstanceKey)
	b = appendStr(b, `,"elementId":`, v.ElementID)
	b = appendStr(b, `,"messageName":`, v.MessageName)
	b = appendStr(b, `,"correlationKey":`, v.CorrelationKey)
	b = appendInt(b, `,"messageKey":`, v.MessageKey)
	b = append(b, `,"interrupting":`...)
	b = strconv.AppendBool(b, v.Interrupting)
	b, err := appendMarshal(b, `,"variables":`, v.Variables, len(v.Variables) == 0, v.Variables == nil)
	return append(b, '}'), err
}

func appendInt(b []byte, key string, v int64) []byte {
	return strconv.AppendInt(append(b, key...), v, 10)
}

func appendStr(b []byte, key, v string) []byte {
	return appendString(append(b, key...), v)
}

// appendMarshal appends a map or an interface value as encoding/json
// does, skipping it for the common nil and empty cases.
func appendMarshal(b []byte, key string, v any, empty, isNil bool) ([]byte, error) {
	b = append(b, key...)
	switch {
	case isNil:
		return append(b, "null"...), nil
	case empty:
		return append(b, "{}"...), nil
	}
	raw, err := json.Marshal(v)
	return append(b, raw...), err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string exactly as encoding/json.Marshal
// does: HTML characters, U+2028 and U+2029 escaped, invalid UTF-8
// replaced.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// provenEncoders keeps the hand encoders whose output, for a sample with
// every field set, equals encoding/json's; none if the record envelope
// itself differs.
func provenEncoders() map[reflect.Type]valueEncoder {
	proven := map[reflect.Type]valueEncoder{}
	for t, enc := range handEncoders {
		sample := sampleValue(t)
		want, err := json.Marshal(sample)
		if err != nil {
			continue
		}
		got, err := enc(nil, sample)
		if err == nil && bytes.Equal(got, want) {
			proven[t] = enc
		}
	}
	clock := reflect.TypeFor[*engine.ClockValue]()
	if enc := proven[clock]; enc != nil {
		r := sampleRecord(sampleValue(clock))
		want, err1 := r.MarshalJSON()
		got, err2 := appendRecordWith(nil, &r, enc)
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			return map[reflect.Type]valueEncoder{}
		}
	}
	return proven
}

// sampleValue is a value of type t (a pointer to a struct) with every
// field set to something encoding has to get right.
func sampleValue(t reflect.Type) engine.Value {
	p := reflect.New(t.Elem())
	v := p.Elem()
	for i := range v.NumField() {
		fillSample(v.Field(i))
	}
	return p.Interface().(engine.Value)
}

const sampleText = "a\"b\\c<d>e&f\n\t\b\f\x01é\u2028\u2029\xff"

func fillSample(f reflect.Value) {
	switch f.Kind() {
	case reflect.String:
		f.SetString(sampleText)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.SetInt(-7)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.SetUint(1)
	case reflect.Bool:
		f.SetBool(true)
	case reflect.Interface:
		f.Set(reflect.ValueOf(any(map[string]any{"k": []any{sampleText, json.Number("1.50")}})))
	case reflect.Slice:
		s := reflect.MakeSlice(f.Type(), 2, 2)
		for i := range 2 {
			fillSample(s.Index(i))
		}
		f.Set(s)
	case reflect.Struct:
		for i := range f.NumField() {
			fillSample(f.Field(i))
		}
	case reflect.Map:
		m := reflect.MakeMap(f.Type())
		elem := reflect.New(f.Type().Elem()).Elem()
		fillSample(elem)
		m.SetMapIndex(reflect.ValueOf("b<"), elem)
		m.SetMapIndex(reflect.ValueOf("a"), elem)
		f.Set(m)
	}
}

func sampleRecord(v engine.Value) engine.Record {
	return engine.Record{Position: 12, SourceRecordPosition: 10, Key: -1, Timestamp: 1700000000000, PartitionID: 1,
		RecordType: engine.RecordRejection, ValueType: engine.ValueClock, Intent: engine.IntentTick,
		RejectionType: engine.InvalidArgument, RejectionReason: sampleText, Value: v}
}
