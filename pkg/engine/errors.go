package engine

import "fmt"

// BPMN errors: thrown by a job worker (ThrowError) or an error end event,
// caught by the nearest error boundary event that matches the code, from
// the throwing element outwards; a boundary without an error code
// catches every code, after those that name it. Uncaught errors raise an
// UNHANDLED_ERROR_EVENT incident.

// throwError looks for a catch from scope outwards; thrower is the
// element that threw (the task, or the error end event).
func (e *Engine) throwError(thrower, scope *elementInstance, code, msg string, vars map[string]any) {
	for s := scope; s != nil; s = s.parent {
		if s != thrower {
			if start := catching(s.el.eventStarts, EventError, code); start != nil {
				e.triggerEventSub(s, start, vars)
				return
			}
		}
		if b := catching(s.el.boundaries, EventError, code); b != nil {
			e.interrupt(s, b, vars)
			return
		}
	}
	var jobKey int64
	if thrower.job != nil {
		jobKey = thrower.job.key
	}
	e.createIncident(thrower, ErrorUnhandledErrorEvent, fmt.Sprintf(
		"Expected to throw an error event with the code '%s' with message '%s', but it was not caught. No error events are available in the scope.",
		code, msg), jobKey)
}

// catching returns the error or escalation event (evt) among events
// that catches code: the one naming it, else one without a code.
func catching(events []*element, evt EventType, code string) *element {
	var all *element
	for _, b := range events {
		if b.evt != evt {
			continue
		}
		if !b.catchAll && b.code == code {
			return b
		}
		if b.catchAll && all == nil {
			all = b
		}
	}
	return all
}

// MaxDuration bounds the durations a command sets (a job activation's
// timeout, a failed job's retry back-off, a message's time to live), in
// milliseconds: ten years. Added to the engine's clock, a larger one
// would overflow and fall due at once.
const MaxDuration = 10 * 365 * 24 * 3600 * 1000

const maxDurationText = "10 years"
