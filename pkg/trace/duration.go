package trace

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wfctl/wfctl/bpmn/timersyntax"
)

// ParseDuration reads a stall threshold: Go durations ("90m", "36h"),
// with days and weeks ("7d", "2w", "1d12h"), or ISO 8601 ("P3D", "PT2H")
// as in the models.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "P") || strings.HasPrefix(s, "-P") {
		d, err := timersyntax.ParseDuration(s)
		if err != nil {
			return 0, err
		}
		ref := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
		return d.AddTo(ref).Sub(ref), nil
	}
	var total time.Duration
	rest := s
	for _, unit := range []struct {
		suffix string
		d      time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}} {
		if i := strings.Index(rest, unit.suffix); i > 0 {
			n, err := strconv.Atoi(rest[:i])
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
			total += time.Duration(n) * unit.d
			rest = rest[i+1:]
		}
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: use 90m, 36h, 7d, 2w or ISO 8601 (P3D)", s)
		}
		total += d
	}
	if total <= 0 {
		return 0, fmt.Errorf("invalid duration %q: must be positive", s)
	}
	return total, nil
}
