package kafka

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
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
//	-7d, -2h, -1h30m, -90s               that long before now (units w, d, h, m, s, ms)
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
		d, err := parseDuration(rest)
		if err != nil {
			return Position{}, configErrorf("position %q: %v", s, err)
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

var durationUnits = []struct {
	name string
	size time.Duration
}{ // longest names first, so "ms" is not read as "m"
	{"ms", time.Millisecond}, {"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour},
	{"h", time.Hour}, {"m", time.Minute}, {"s", time.Second},
}

// parseDuration reads durations like 7d, 1h30m or 1.5h: Go's
// time.ParseDuration plus days and weeks, which it lacks.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var total float64
	for rest := s; rest != ""; {
		i := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return 0, fmt.Errorf("duration %q: want a number and a unit (w, d, h, m, s, ms), e.g. 7d or 1h30m", s)
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %q is not a number", s, rest[:i])
		}
		unit, size := "", time.Duration(0)
		for _, u := range durationUnits {
			if strings.HasPrefix(rest[i:], u.name) {
				unit, size = u.name, u.size
				break
			}
		}
		if unit == "" {
			return 0, fmt.Errorf("duration %q: unknown unit after %s (want w, d, h, m, s or ms)", s, rest[:i])
		}
		total += n * float64(size)
		rest = rest[i+len(unit):]
	}
	if total > float64(100*365*24*time.Hour) {
		return 0, fmt.Errorf("duration %q is longer than 100 years", s)
	}
	return time.Duration(total), nil
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
