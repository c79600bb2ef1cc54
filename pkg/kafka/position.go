package kafka

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wfctl/wfctl/pkg/duration"
)

// Position is where a history read starts (--from) or stops (--to), in
// kcat's terms: an offset, an offset counted back from the end, or a time.
// The zero Position means the default: the beginning for --from, the end of
// the snapshot for --to.
type Position struct {
	kind   positionKind
	offset int64     // posOffset: the offset; posFromEnd: how many back
	at     time.Time // posTime
	text   string    // as the user wrote it, for messages
}

type positionKind uint8

const (
	posDefault positionKind = iota
	posBeginning
	posEnd
	posOffset
	posFromEnd
	posTime
)

// Beginning is each partition's first (oldest) offset.
func Beginning() Position { return Position{kind: posBeginning, text: "beginning"} }

// End is each partition's end offset as of the snapshot.
func End() Position { return Position{kind: posEnd, text: "end"} }

// AtOffset is an absolute offset, the same in every partition.
func AtOffset(n int64) Position {
	return Position{kind: posOffset, offset: n, text: strconv.FormatInt(n, 10)}
}

// FromEnd is n records before each partition's end.
func FromEnd(n int64) Position {
	return Position{kind: posFromEnd, offset: n, text: "-" + strconv.FormatInt(n, 10)}
}

// AtTime is the first offset whose timestamp is at or after t.
func AtTime(t time.Time) Position {
	return Position{kind: posTime, at: t, text: t.Format(time.RFC3339Nano)}
}

// IsDefault reports whether p is the zero Position.
func (p Position) IsDefault() bool { return p.kind == posDefault }

// String is the position as the user wrote it, or "default".
func (p Position) String() string {
	if p.kind == posDefault {
		return "default"
	}
	return p.text
}

// ParsePosition reads a --from/--to value, following kcat's -o conventions:
//
//	beginning, start, earliest, oldest   each partition's first offset
//	end, latest, newest                  each partition's end (as of the snapshot)
//	1234                                 that offset
//	-100                                 100 records before each partition's end
//	2024-05-01T12:00:00Z                 RFC 3339 time (a date alone is midnight UTC)
//	s@1700000000000                      unix milliseconds, as kcat writes it (also e@ and @)
//	-7d, -2h, -1h30m, -90s, -P3D, -PT6H  that long before now (any pkg/duration form)
//
// now anchors the relative durations: the caller's clock, so that library
// code never reads the wall clock. Errors are [*ConfigError].
func ParsePosition(s string, now time.Time) (Position, error) {
	text := strings.TrimSpace(s)
	switch strings.ToLower(text) {
	case "beginning", "start", "earliest", "oldest":
		return Beginning(), nil
	case "end", "latest", "newest":
		return End(), nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil && n != math.MinInt64 {
		if n < 0 {
			return FromEnd(-n), nil
		}
		return AtOffset(n), nil
	}
	for _, prefix := range []string{"s@", "e@", "@"} {
		if ms, ok := strings.CutPrefix(text, prefix); ok {
			n, err := strconv.ParseInt(ms, 10, 64)
			if err != nil {
				return Position{}, configErrorf("position %q: want unix milliseconds after %s, e.g. s@1700000000000", s, prefix)
			}
			return withText(AtTime(time.UnixMilli(n).UTC()), text), nil
		}
	}
	if rest, ok := strings.CutPrefix(text, "-"); ok {
		d, err := duration.Parse(rest)
		if err != nil {
			return Position{}, configErrorf("position %q: a time ago wants a duration after the sign, such as -90s, -1h30m, -7d or -P3D", s)
		}
		return withText(AtTime(now.Add(-d)), text), nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, text); err == nil {
			return withText(AtTime(t), text), nil
		}
	}
	return Position{}, configErrorf("position %q: want beginning, end, an offset (1234, or -100 from the end), "+
		"an RFC 3339 time (2024-05-01T12:00:00Z), unix milliseconds (s@1700000000000) or a duration ago (-7d, -2h)", s)
}

func withText(p Position, text string) Position {
	p.text = text
	return p
}

// Index resolves a position within one partition held in a file: offsets
// are its records' offsets in increasing order and times their timestamps
// (Unix ms). It returns the index of the first record the position
// includes: for a time, the first record at or after it, as the broker's
// ListOffsets answers; for the default, def's.
func (p Position) Index(offsets, times []int64, def Position) int {
	if p.kind == posDefault {
		p = def
	}
	n := len(offsets)
	switch p.kind {
	case posBeginning:
		return 0
	case posEnd:
		return n
	case posOffset:
		return sort.Search(n, func(i int) bool { return offsets[i] >= p.offset })
	case posFromEnd:
		if n == 0 {
			return 0
		}
		end := offsets[n-1] + 1
		return sort.Search(n, func(i int) bool { return offsets[i] >= end-p.offset })
	case posTime:
		ms := p.at.UnixMilli()
		for i, t := range times {
			if t >= ms {
				return i
			}
		}
		return n
	}
	return 0
}
