package timersyntax

import (
	"fmt"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
)

// Parse checks a static timer value of the given type as Zeebe
// reads it: a duration or "start/duration" interval for timeDuration, a
// date-time with offset for timeDate, and for timeCycle a repeating
// interval when it starts with "R", else a cron expression.
func Parse(t bpmn.TimerType, v string) error {
	var err error
	switch t {
	case bpmn.TimerDuration:
		_, err = ParseInterval(v)
	case bpmn.TimerDate:
		_, err = ParseDate(v)
	case bpmn.TimerCycle:
		switch {
		case strings.HasPrefix(v, "R"):
			_, err = ParseRepeatingInterval(v)
		case strings.HasPrefix(v, "P"), strings.HasPrefix(v, "-P"):
			err = fmt.Errorf("%q is a duration, not a cycle: repeat it with R/%s (forever) or R3/%s (three times)", v, v, v)
		default:
			_, err = ParseCron(v)
		}
	}
	return err
}
