package correlate

import (
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Record is a Kafka record as wfctl reads it, from a broker or a kcat -J
// file.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Time      time.Time
	Key       []byte
	Value     []byte
	Headers   []Header
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}

// FromKafka converts a franz-go record into dst, reusing dst's header
// slice; key, value and header values are shared, not copied.
func FromKafka(kr *kgo.Record, dst *Record) {
	*dst = Record{Topic: kr.Topic, Partition: kr.Partition, Offset: kr.Offset, Time: kr.Timestamp,
		Key: kr.Key, Value: kr.Value, Headers: dst.Headers[:0]}
	for _, h := range kr.Headers {
		dst.Headers = append(dst.Headers, Header{Key: h.Key, Value: h.Value})
	}
}

// Where names a record in reports.
func (r *Record) Where() Location {
	return Location{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}
}

// Location is a record's topic, partition and offset.
type Location struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

func (l Location) String() string { return fmt.Sprintf("%s/%d@%d", l.Topic, l.Partition, l.Offset) }
