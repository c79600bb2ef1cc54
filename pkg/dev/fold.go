package dev

import (
	"encoding/json"
	"runtime"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// Recovery reads every record of wfctl.records, and decoding their JSON
// costs far more than folding them into the engine. The fold pipeline
// decodes chunks of records on every core while the records are read and
// applied, and hands them to apply in log order.

// foldChunk is how many records are decoded together.
const foldChunk = 1024

type itemKind uint8

const (
	itemRecord itemKind = iota
	itemCheckpoint
	itemDone
	itemOther // a record of no interest (a fence, nothing else)
)

// foldItem is a decoded record of wfctl.records.
type foldItem struct {
	src        *kgo.Record
	kind       itemKind
	record     engine.Record
	checkpoint Checkpoint
	done       Done
	request    string
	err        error
}

type foldChunkWork struct {
	items []foldItem
	ready chan struct{}
}

type foldPipeline struct {
	apply   func(*foldItem) error
	cur     *foldChunkWork
	work    chan *foldChunkWork // to the decoders
	order   chan *foldChunkWork // to apply, in log order
	decoded sync.WaitGroup
	applied chan error
}

func newFoldPipeline(apply func(*foldItem) error) *foldPipeline {
	workers := max(1, runtime.GOMAXPROCS(0))
	p := &foldPipeline{apply: apply, work: make(chan *foldChunkWork, workers),
		order: make(chan *foldChunkWork, 2*workers), applied: make(chan error, 1)}
	for range workers {
		p.decoded.Add(1)
		go func() {
			defer p.decoded.Done()
			for c := range p.work {
				for i := range c.items {
					decodeItem(&c.items[i])
				}
				close(c.ready)
			}
		}()
	}
	go p.applyAll()
	return p
}

// add takes the next record (ReadHistory's callback). It fails once
// apply failed, which stops the read.
func (p *foldPipeline) add(rec *kgo.Record) error {
	select {
	case err := <-p.applied:
		p.applied <- err
		return err
	default:
	}
	if p.cur == nil {
		p.cur = &foldChunkWork{items: make([]foldItem, 0, foldChunk), ready: make(chan struct{})}
	}
	p.cur.items = append(p.cur.items, foldItem{src: rec})
	if len(p.cur.items) == foldChunk {
		p.flush()
	}
	return nil
}

func (p *foldPipeline) flush() {
	if p.cur == nil {
		return
	}
	p.order <- p.cur
	p.work <- p.cur
	p.cur = nil
}

// finish applies what is left and returns apply's first error.
func (p *foldPipeline) finish() error {
	p.flush()
	close(p.order)
	close(p.work)
	p.decoded.Wait()
	return <-p.applied
}

func (p *foldPipeline) applyAll() {
	var err error
	for c := range p.order {
		<-c.ready
		for i := range c.items {
			if err == nil {
				err = p.apply(&c.items[i])
			}
		}
		if err != nil && len(p.applied) == 0 {
			p.applied <- err
			// Drain the rest, so that the reader never blocks.
			for c := range p.order {
				<-c.ready
			}
			return
		}
	}
	p.applied <- err
}

// decodeItem decodes one record of wfctl.records.
func decodeItem(it *foldItem) {
	rec := it.src
	for _, h := range rec.Headers {
		switch h.Key {
		case HeaderCheckpoint:
			it.kind = itemCheckpoint
			it.err = json.Unmarshal(rec.Value, &it.checkpoint)
			return
		case HeaderDone:
			it.kind = itemDone
			it.err = json.Unmarshal(rec.Value, &it.done)
			it.request = requestOf(rec)
			return
		case HeaderFence:
			it.kind = itemOther
			return
		}
	}
	it.kind = itemRecord
	if peekCommand(rec.Value, &it.record) {
		return
	}
	it.err = it.record.UnmarshalJSON(rec.Value)
}

func requestOf(rec *kgo.Record) string {
	for _, h := range rec.Headers {
		if h.Key == HeaderRequest {
			return string(h.Value)
		}
	}
	return ""
}

// peekCommand reads a command or rejection record without its value,
// which folding does not need (only its position and time move the
// engine), when it starts as the server writes it:
// {"position":1,"sourceRecordPosition":1,"key":-1,"timestamp":2,
// "partitionId":1,"recordType":"COMMAND"... .
func peekCommand(b []byte, r *engine.Record) bool {
	var ok bool
	var n int64
	if b, r.Position, ok = peekInt(b, `{"position":`); !ok {
		return false
	}
	if b, r.SourceRecordPosition, ok = peekInt(b, `,"sourceRecordPosition":`); !ok {
		return false
	}
	if b, r.Key, ok = peekInt(b, `,"key":`); !ok {
		return false
	}
	if b, r.Timestamp, ok = peekInt(b, `,"timestamp":`); !ok {
		return false
	}
	if b, n, ok = peekInt(b, `,"partitionId":`); !ok {
		return false
	}
	r.PartitionID = int32(n)
	switch {
	case hasPrefix(b, `,"recordType":"COMMAND"`):
		r.RecordType = engine.RecordCommand
	case hasPrefix(b, `,"recordType":"COMMAND_REJECTION"`):
		r.RecordType = engine.RecordRejection
	default:
		return false
	}
	return true
}

func peekInt(b []byte, key string) ([]byte, int64, bool) {
	if !hasPrefix(b, key) {
		return nil, 0, false
	}
	b = b[len(key):]
	end := 0
	for end < len(b) && (b[end] == '-' || b[end] >= '0' && b[end] <= '9') {
		end++
	}
	n, err := strconv.ParseInt(string(b[:end]), 10, 64)
	return b[end:], n, err == nil
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}
