package kafka

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// EnvelopeWriter writes envelopes as kcat -J does: one JSON object per
// line, fields in kcat's order, key and payload as strings (null when
// nil), headers as kcat's flat array and left out when there are none.
// Bytes that are not UTF-8 are written as U+FFFD, as JSON requires.
type EnvelopeWriter struct {
	w      io.Writer
	buf    []byte
	quoted bytes.Buffer
	enc    *json.Encoder
}

// NewEnvelopeWriter writes to w, one Write call per envelope; wrap w in a
// bufio.Writer for many small envelopes.
func NewEnvelopeWriter(w io.Writer) *EnvelopeWriter {
	ew := &EnvelopeWriter{w: w}
	ew.enc = json.NewEncoder(&ew.quoted)
	ew.enc.SetEscapeHTML(false) // kcat writes <, > and & as they are
	return ew
}

// Write writes one envelope line.
func (w *EnvelopeWriter) Write(e *Envelope) error {
	b := w.buf[:0]
	b = append(b, `{"topic":`...)
	b = w.appendString(b, []byte(e.Topic))
	b = append(b, `,"partition":`...)
	b = strconv.AppendInt(b, int64(e.Partition), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, e.Offset, 10)
	if e.TimestampType != "" {
		b = append(b, `,"tstype":`...)
		b = w.appendString(b, []byte(e.TimestampType))
	}
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, e.Timestamp, 10)
	b = append(b, `,"broker":`...)
	b = strconv.AppendInt(b, int64(e.Broker), 10)
	if len(e.Headers) > 0 {
		b = append(b, `,"headers":[`...)
		for i, h := range e.Headers {
			if i > 0 {
				b = append(b, ',')
			}
			b = w.appendString(b, []byte(h.Key))
			b = append(b, ',')
			b = w.appendNullable(b, h.Value)
		}
		b = append(b, ']')
	}
	b = append(b, `,"key":`...)
	b = w.appendNullable(b, e.Key)
	b = append(b, `,"payload":`...)
	b = w.appendNullable(b, e.Value)
	b = append(b, "}\n"...)
	w.buf = b
	_, err := w.w.Write(b)
	return err
}

func (w *EnvelopeWriter) appendNullable(b, s []byte) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return w.appendString(b, s)
}

func (w *EnvelopeWriter) appendString(b, s []byte) []byte {
	w.quoted.Reset()
	// Replace bad UTF-8 ourselves: the encoder would write it as the
	// escape \ufffd, which reads back as a character it writes unescaped.
	_ = w.enc.Encode(strings.ToValidUTF8(string(s), "\uFFFD")) // a string always encodes
	return append(b, bytes.TrimSuffix(w.quoted.Bytes(), []byte("\n"))...)
}
