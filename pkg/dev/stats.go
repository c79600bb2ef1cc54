package dev

import (
	"sync"
	"time"
)

// Stats counts what the server did since it started, as of its last
// committed transaction. Instance counts are the engine's, over its whole
// life (recovered ones included).
type Stats struct {
	// Created, Completed and Active count process instances; Completed
	// includes terminated ones.
	Created, Completed, Active int64
	// Commands counts the commands read from wfctl.commands, Rejected
	// those rejected, Duplicates those not run because their request id
	// had been run (see Done.DuplicateOf).
	Commands, Rejected, Duplicates int64
	// Messages counts the domain records published as messages, Skipped
	// those that did not become one (no name, a name no model waits
	// for, no correlation key).
	Messages, Skipped int64
	// JobsPushed counts the jobs written to wfctl.jobs.
	JobsPushed int64
	// Batches counts the committed batches (a batch is one transaction
	// on wfctl.records, and one for its jobs and deployments), Records
	// the records they wrote (all topics).
	Batches, Records int64
}

// Recovery describes the state a server started from.
type Recovery struct {
	// Snapshot is the offset of wfctl.records the snapshot the state was
	// restored from covers (see SnapshotFileName), 0 without one.
	Snapshot int64
	// Records is how many records of wfctl.records were folded into the
	// engine (those after the snapshot), Checkpoints how many checkpoints
	// they held.
	Records, Checkpoints int64
	// Offsets are the input offsets of the last checkpoint, consumption
	// resumes there.
	Offsets map[string]int64
	// Active is the number of process instances in flight.
	Active int64
	// Took is how long reading and folding took.
	Took time.Duration
}

// statsBox publishes stats after each commit and wakes whoever waits.
type statsBox struct {
	mu      sync.Mutex
	s       Stats
	changed chan struct{}
}

func newStatsBox() *statsBox { return &statsBox{changed: make(chan struct{})} }

func (b *statsBox) get() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.s
}

func (b *statsBox) watch() (Stats, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.s, b.changed
}

func (b *statsBox) set(s Stats) {
	b.mu.Lock()
	b.s = s
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
}
