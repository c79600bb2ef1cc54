package kafka

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxEnvelopeLine bounds one line of an envelope file; a longer line is a
// [*LineError] (and skipped), not an out-of-memory.
const MaxEnvelopeLine = 64 << 20

// LineError is a line of an envelope file that is not a valid envelope.
// It is not fatal: the reader has skipped the line, and the next call to
// [EnvelopeReader.Next] goes on with the following one; the caller decides
// whether to stop, warn or count.
type LineError struct {
	Name string // the file, as given to NewEnvelopeReader
	Line int    // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// EnvelopeReader reads kcat JSON envelopes, one per line. Blank lines are
// skipped; so are a UTF-8 byte order mark and a carriage return before
// each newline.
type EnvelopeReader struct {
	r    *bufio.Reader
	name string
	line int
	buf  []byte
}

// NewEnvelopeReader reads envelopes from r; name (usually the file's path)
// prefixes error messages.
func NewEnvelopeReader(r io.Reader, name string) *EnvelopeReader {
	return &EnvelopeReader{r: bufio.NewReaderSize(r, 64<<10), name: name}
}

// Next returns the next envelope; io.EOF after the last; a [*LineError]
// for a line that is not an envelope (call Next again to go on); any
// other error is the underlying reader's, and final.
func (r *EnvelopeReader) Next() (*Envelope, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if r.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(line) == 0 {
			continue
		}
		env, err := ParseEnvelope(line)
		if err != nil {
			return nil, &LineError{Name: r.name, Line: r.line, Err: err}
		}
		return env, nil
	}
}

// Line is the number of the line last read.
func (r *EnvelopeReader) Line() int { return r.line }

var errLineTooLong = fmt.Errorf("line longer than %d MiB", MaxEnvelopeLine>>20)

// readLine returns the next line without its newline. A line over
// MaxEnvelopeLine is read to its end and reported as a LineError.
func (r *EnvelopeReader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	tooLong := false
	for {
		chunk, err := r.r.ReadSlice('\n')
		if !tooLong {
			r.buf = append(r.buf, chunk...)
			tooLong = len(r.buf) > MaxEnvelopeLine
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(r.buf) == 0 && !tooLong:
			return nil, io.EOF
		case err != nil && err != io.EOF:
			return nil, err
		}
		r.line++
		if tooLong {
			r.buf = r.buf[:0]
			return nil, &LineError{Name: r.name, Line: r.line, Err: errLineTooLong}
		}
		return r.buf, nil
	}
}
