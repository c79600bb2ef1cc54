package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// JSON form of records and commands. It is the engine's stable interface
// for other programs (wfctl dev puts records on a Kafka topic and reads
// commands from one; wfctl records prints them): fields may be added,
// never renamed or removed. Names follow Zeebe's exporter JSON:
//
//	{"position":12,"sourceRecordPosition":10,"key":2251799813685253,
//	 "timestamp":1700000000000,"partitionId":1,"recordType":"EVENT",
//	 "valueType":"PROCESS_INSTANCE","intent":"ELEMENT_ACTIVATED",
//	 "rejectionType":"","rejectionReason":"",
//	 "value":{"bpmnProcessId":"order","version":1,...}}
//
// Enumerations are written as Zeebe's names (EVENT, PROCESS_INSTANCE,
// SERVICE_TASK, JOB_NO_RETRIES); times are Unix milliseconds; variables
// are JSON values. A command is {"valueType","intent","key","value"}.

type recordJSON struct {
	Position             int64           `json:"position"`
	SourceRecordPosition int64           `json:"sourceRecordPosition"`
	Key                  int64           `json:"key"`
	Timestamp            int64           `json:"timestamp"`
	PartitionID          int32           `json:"partitionId"`
	RecordType           RecordType      `json:"recordType"`
	ValueType            ValueType       `json:"valueType"`
	Intent               Intent          `json:"intent"`
	RejectionType        RejectionType   `json:"rejectionType"`
	RejectionReason      string          `json:"rejectionReason"`
	Value                json.RawMessage `json:"value"`
}

// MarshalJSON encodes the record as documented above.
func (r Record) MarshalJSON() ([]byte, error) {
	v, err := json.Marshal(r.Value)
	if err != nil {
		return nil, err
	}
	return json.Marshal(recordJSON{Position: r.Position, SourceRecordPosition: r.SourceRecordPosition, Key: r.Key,
		Timestamp: r.Timestamp, PartitionID: r.PartitionID, RecordType: r.RecordType, ValueType: r.ValueType,
		Intent: r.Intent, RejectionType: r.RejectionType, RejectionReason: r.RejectionReason, Value: v})
}

// UnmarshalJSON decodes a record written by MarshalJSON. Numbers in
// variables decode as json.Number, so they keep their exact text.
func (r *Record) UnmarshalJSON(data []byte) error {
	var j recordJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("engine: decode record: %w", err)
	}
	v, err := decodeValue(j.ValueType, j.Value)
	if err != nil {
		return err
	}
	*r = Record{Position: j.Position, SourceRecordPosition: j.SourceRecordPosition, Key: j.Key,
		Timestamp: j.Timestamp, PartitionID: j.PartitionID, RecordType: j.RecordType, ValueType: j.ValueType,
		Intent: j.Intent, RejectionType: j.RejectionType, RejectionReason: j.RejectionReason, Value: v}
	return nil
}

type commandJSON struct {
	ValueType ValueType       `json:"valueType"`
	Intent    Intent          `json:"intent"`
	Key       int64           `json:"key"`
	Value     json.RawMessage `json:"value"`
}

// MarshalJSON encodes the command as {"valueType","intent","key","value"}
// with the value as in records.
func (c Command) MarshalJSON() ([]byte, error) {
	v, err := json.Marshal(c.Value)
	if err != nil {
		return nil, err
	}
	return json.Marshal(commandJSON{ValueType: c.ValueType, Intent: c.Intent, Key: c.Key, Value: v})
}

// UnmarshalJSON decodes a command written by MarshalJSON (or by hand: a
// missing key means none).
func (c *Command) UnmarshalJSON(data []byte) error {
	var j commandJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("engine: decode command: %w", err)
	}
	v, err := decodeValue(j.ValueType, j.Value)
	if err != nil {
		return err
	}
	*c = Command{ValueType: j.ValueType, Intent: j.Intent, Key: j.Key, Value: v}
	return nil
}

func decodeValue(t ValueType, raw json.RawMessage) (Value, error) {
	v := newValue(t)
	if v == nil {
		return nil, fmt.Errorf("engine: unknown value type %q", t)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("engine: decode %s value: %w", t, err)
	}
	return v, nil
}
