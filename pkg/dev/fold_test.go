package dev

import (
	"testing"

	"github.com/wfctl/wfctl/pkg/engine"
)

// FuzzPeekCommand: when the quick read of a command or rejection record
// succeeds on input the engine's decoder also reads, both agree on what
// folding uses.
func FuzzPeekCommand(f *testing.F) {
	for _, r := range []engine.Record{
		{Position: 7, SourceRecordPosition: 7, Key: -1, Timestamp: 1700000000000, PartitionID: 1, RecordType: engine.RecordCommand,
			ValueType: engine.ValueClock, Intent: engine.IntentTick, Value: &engine.ClockValue{Time: 5}},
		{Position: 9, SourceRecordPosition: 8, Key: 2251799813685249, Timestamp: 1, PartitionID: 1, RecordType: engine.RecordRejection,
			ValueType: engine.ValueClock, Intent: engine.IntentTick, RejectionType: engine.NotFound, RejectionReason: "no", Value: &engine.ClockValue{}},
		{Position: 3, SourceRecordPosition: 1, Key: 4, Timestamp: 1, PartitionID: 1, RecordType: engine.RecordEvent,
			ValueType: engine.ValueClock, Intent: engine.IntentTicked, Value: &engine.ClockValue{Time: 5}},
	} {
		b, err := appendRecord(nil, &r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var quick, full engine.Record
		if !peekCommand(b, &quick) || full.UnmarshalJSON(b) != nil {
			return
		}
		if quick.Position != full.Position || quick.Timestamp != full.Timestamp || quick.RecordType != full.RecordType ||
			quick.Key != full.Key || quick.PartitionID != full.PartitionID || quick.SourceRecordPosition != full.SourceRecordPosition {
			t.Fatalf("%s:\nquick %+v\nfull  %+v", b, quick, full)
		}
	})
}

func TestPeekCommandSkipsEvents(t *testing.T) {
	r := engine.Record{Position: 3, RecordType: engine.RecordEvent, ValueType: engine.ValueClock, Intent: engine.IntentTicked,
		Value: &engine.ClockValue{Time: 5}}
	b, _ := appendRecord(nil, &r)
	var quick engine.Record
	if peekCommand(b, &quick) {
		t.Errorf("an event was read without its value: %s", b)
	}
}
