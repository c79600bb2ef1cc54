package correlate

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// eventTime reads a record's event time from a JSON field or header: an
// RFC 3339 time, or Unix milliseconds (a JSON number, or digits), as
// Kafka's own timestamps are.
func eventTime(s *Source, r *Record) (time.Time, error) {
	if s.Kind == "json" {
		res := gjson.GetBytes(r.Value, s.Arg)
		switch res.Type {
		case gjson.Number:
			ms, err := strconv.ParseInt(res.Raw, 10, 64)
			if err != nil {
				return time.Time{}, fmt.Errorf("event time %s is %s, not whole Unix milliseconds", s, res.Raw)
			}
			return time.UnixMilli(ms), nil
		case gjson.String:
			return parseTime(s, res.Str)
		case gjson.Null:
			return time.Time{}, fmt.Errorf("no event time at %s", s)
		}
		return time.Time{}, fmt.Errorf("event time %s is %s, not a time", s, res.Type)
	}
	v := s.text(r)
	if v == "" {
		return time.Time{}, fmt.Errorf("no event time at %s", s)
	}
	return parseTime(s, v)
}

func parseTime(s *Source, v string) (time.Time, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("event time %s is %q: want RFC 3339 or Unix milliseconds", s, v)
	}
	return t, nil
}
