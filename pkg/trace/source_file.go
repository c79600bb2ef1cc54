package trace

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"time"

	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// FileOptions select what a file replay reads, as a broker read would:
// topics by name or pattern (none: every topic in the file), and each
// partition's range by --from and --to positions.
type FileOptions struct {
	Topics   []string
	Pattern  *regexp.Regexp
	From, To kafka.Position
}

func (o FileOptions) wants(topic string) bool {
	switch {
	case o.Pattern != nil:
		return o.Pattern.MatchString(topic)
	case len(o.Topics) > 0:
		return slices.Contains(o.Topics, topic)
	}
	return true
}

// lineRef is one record of a file: where its line is, and what the
// order and the --from/--to positions need.
type lineRef struct {
	offset int64 // Kafka offset
	ts     int64 // Kafka timestamp, Unix ms
	pos    int64 // byte position of the line in the file
	n      int32 // line length
}

// RunFile replays records from a kcat -J file (one envelope per line), in
// any line order: a first pass indexes each partition's lines by offset,
// then every partition is read back on its own and the partitions are
// merged in event-time order, exactly as from a broker. Lines that are
// not envelopes are warned about (the first three), counted and skipped;
// a partition's repeated offsets are read once.
func (t *Tracer) RunFile(ctx context.Context, f io.ReaderAt, size int64, name string, o FileOptions, progress Progress, warn Warnf) (*Report, error) {
	idx, bad, err := indexFile(f, size, name, o, warn)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var total int64
	streams := make([]*stream, 0, len(idx))
	for _, p := range idx {
		total += int64(len(p.lines))
		out := make(chan []event, 4)
		st := newStream(out, nil)
		streams = append(streams, st)
		go t.feedFile(ctx, f, name, p, out, st.batch, cancel)
	}
	rep, err := t.replay(ctx, streams, total, progress)
	if err != nil {
		return nil, err
	}
	rep.Summary.Skipped += bad
	return rep, nil
}

// filePartition is one partition's lines, in offset order.
type filePartition struct {
	topic     string
	partition int32
	lines     []lineRef
}

// indexFile reads every line once and returns each selected partition's
// lines in offset order, limited to the --from/--to range, and how many
// lines were not envelopes.
func indexFile(f io.ReaderAt, size int64, name string, o FileOptions, warn Warnf) ([]*filePartition, int64, error) {
	type tp struct {
		topic string
		p     int32
	}
	parts := map[tp]*filePartition{}
	br := bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 256<<10)
	var pos, bad int64
	line := 0
	for {
		raw, n, err := readFileLine(br)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, 0, err
		}
		line++
		start := pos
		pos += n
		text := bytes.TrimSpace(raw)
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
		}
		err = nil
		switch {
		case n > kafka.MaxEnvelopeLine:
			err = fmt.Errorf("line longer than %d MiB", kafka.MaxEnvelopeLine>>20)
		case len(text) == 0:
			continue
		}
		var env *kafka.Envelope
		if err == nil {
			env, err = kafka.ParseEnvelope(text)
		}
		if err != nil {
			if bad++; bad <= 3 {
				warn("%v (skipped)", &kafka.LineError{Name: name, Line: line, Err: err})
			}
			continue
		}
		if !o.wants(env.Topic) {
			continue
		}
		k := tp{env.Topic, env.Partition}
		p := parts[k]
		if p == nil {
			p = &filePartition{topic: env.Topic, partition: env.Partition}
			parts[k] = p
		}
		p.lines = append(p.lines, lineRef{offset: env.Offset, ts: env.Timestamp, pos: start, n: int32(n)})
	}
	if bad > 3 {
		warn("%d more malformed lines skipped", bad-3)
	}
	out := make([]*filePartition, 0, len(parts))
	for _, p := range parts {
		p.lines = inRange(p.lines, o)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *filePartition) int {
		return cmp.Or(cmp.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition))
	})
	return out, bad, nil
}

// readFileLine returns the next line with its newline (the last may have
// none) and its length; a line longer than kafka.MaxEnvelopeLine is read
// to its end but not kept (nil).
func readFileLine(br *bufio.Reader) ([]byte, int64, error) {
	line, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, int64(len(line)), err
	}
	buf := append([]byte(nil), line...)
	n := int64(len(line))
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = br.ReadSlice('\n')
		n += int64(len(line))
		if buf != nil && n <= kafka.MaxEnvelopeLine {
			buf = append(buf, line...)
		} else {
			buf = nil
		}
	}
	return buf, n, err
}

// inRange sorts a partition's lines by offset (a repeated offset is kept
// once, at its first line) and cuts them to the --from/--to range.
func inRange(lines []lineRef, o FileOptions) []lineRef {
	slices.SortStableFunc(lines, func(a, b lineRef) int { return cmp.Compare(a.offset, b.offset) })
	lines = slices.CompactFunc(lines, func(a, b lineRef) bool { return a.offset == b.offset })
	offsets := make([]int64, len(lines))
	times := make([]int64, len(lines))
	for i, l := range lines {
		offsets[i], times[i] = l.offset, l.ts
	}
	from := o.From.Index(offsets, times, kafka.Beginning())
	to := max(o.To.Index(offsets, times, kafka.End()), from)
	return lines[from:to]
}

// feedFile reads a partition's lines back, maps them and sends them in
// batches, then closes out.
func (t *Tracer) feedFile(ctx context.Context, f io.ReaderAt, name string, p *filePartition, out chan<- []event, batch func(int) []event, fail context.CancelCauseFunc) {
	defer close(out)
	win := &window{f: f}
	var rec correlate.Record
	for len(p.lines) > 0 {
		n := min(len(p.lines), batchSize)
		b := batch(n)
		for i, l := range p.lines[:n] {
			text, err := win.line(l)
			var env *kafka.Envelope
			if err == nil {
				env, err = kafka.ParseEnvelope(bytes.TrimSpace(bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))))
			}
			if err != nil {
				fail(fmt.Errorf("%s: reading %s/%d at offset %d again: %w (did the file change?)", name, p.topic, p.partition, l.offset, err))
				return
			}
			rec = correlate.Record{Topic: env.Topic, Partition: env.Partition, Offset: env.Offset, Time: time.UnixMilli(env.Timestamp),
				Key: env.Key, Value: env.Value, Headers: rec.Headers[:0]}
			for _, h := range env.Headers {
				rec.Headers = append(rec.Headers, correlate.Header{Key: h.Key, Value: h.Value})
			}
			toEvent(t.mapper, &rec, &b[i])
		}
		p.lines = p.lines[n:]
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
	}
}

// window reads lines of a file through a buffer: a partition's lines are
// read in file order, so most come from the buffer.
type window struct {
	f    io.ReaderAt
	buf  []byte
	at   int64
	have int
}

const windowSize = 256 << 10

func (w *window) line(l lineRef) ([]byte, error) {
	end := l.pos + int64(l.n)
	if l.pos >= w.at && end <= w.at+int64(w.have) {
		return w.buf[l.pos-w.at : end-w.at], nil
	}
	if w.buf == nil || int(l.n) > len(w.buf) {
		w.buf = make([]byte, max(windowSize, int(l.n)))
	}
	n, err := w.f.ReadAt(w.buf, l.pos)
	if n < int(l.n) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	w.at, w.have = l.pos, n
	return w.buf[:l.n], nil
}

// Spool copies a stream that cannot be read twice (standard input) to a
// temporary file, which the caller removes, so that it can be replayed
// in any line order like a file.
func Spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "wfctl-trace-*.ndjson")
	if err != nil {
		return nil, 0, err
	}
	n, err := io.Copy(f, r)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}
