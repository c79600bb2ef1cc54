package dev

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// The server ticks the engine to the dev clock: the wall clock plus an
// offset, or a pinned time. Only clock control (see ClockAdd) changes the
// offset or the pin, so time moves ahead for good only when a user says
// so; a raw CLOCK TICK ahead of the dev clock is rejected, since the
// engine's clock never goes back and every timer and job deadline would
// then wait for the wall clock to catch up with it.

// devClock is the clock control's state, kept in every checkpoint.
type devClock struct {
	offset int64 // ms ahead of the wall clock, when not pinned
	pinned bool
	pin    int64 // Unix ms, when pinned
}

var maxTimeMillis = engine.MaxTime.UnixMilli()

// at is the dev clock's time, Unix ms, when the wall clock shows wall;
// never past the engine's last time.
func (c devClock) at(wall int64) int64 {
	if c.pinned {
		return c.pin
	}
	if wall > maxTimeMillis-c.offset {
		return maxTimeMillis
	}
	return wall + c.offset
}

// clockNow is the dev clock's time now, Unix ms.
func (r *runner) clockNow() int64 { return r.clock.at(r.opts.Now().UnixMilli()) }

// checkpointClock puts the clock control into a checkpoint.
func (c devClock) checkpoint(cp *Checkpoint) {
	cp.ClockOffset = c.offset
	if c.pinned {
		pin := c.pin
		cp.ClockPin = &pin
	}
}

// clockOf is the clock control a checkpoint holds.
func clockOf(cp *Checkpoint) devClock {
	if cp.ClockPin != nil {
		return devClock{pinned: true, pin: *cp.ClockPin}
	}
	return devClock{offset: cp.ClockOffset}
}

// parseClockCommand reads a command the engine could not decode as a
// clock control command: ok when it is one (valueType CLOCK and one of
// the control intents), err when its value cannot be read.
func parseClockCommand(b []byte) (cc ClockCommand, ok bool, err error) {
	var head struct {
		ValueType string          `json:"valueType"`
		Intent    string          `json:"intent"`
		Value     json.RawMessage `json:"value"`
	}
	if json.Unmarshal(b, &head) != nil || head.ValueType != "CLOCK" {
		return cc, false, nil
	}
	switch head.Intent {
	case ClockAdd, ClockPin, ClockReset, ClockShow:
	default:
		return cc, false, nil
	}
	cc.ValueType, cc.Intent = head.ValueType, head.Intent
	if len(head.Value) > 0 && string(head.Value) != "null" {
		if err := json.Unmarshal(head.Value, &cc.Value); err != nil {
			return cc, true, fmt.Errorf("CLOCK %s: the value is not {\"offset\": MILLISECONDS} or {\"time\": UNIX MILLISECONDS}: %w", cc.Intent, err)
		}
	}
	return cc, true, nil
}

// clockCommand runs a clock control command: it changes the dev clock,
// ticks the engine to it (what fell due happens now, as the command's
// records) and writes the Done marker with the clock.
func (r *runner) clockCommand(cc ClockCommand, headers []kgo.RecordHeader, where string) error {
	wall := r.opts.Now().UnixMilli()
	now := r.eng.Now().UnixMilli()
	next, reason := r.clock.control(cc, wall, now)
	if reason != "" {
		r.counts.Rejected++
		r.commandDone(headers, Done{Status: DoneRejected, Command: where, Reason: reason, Clock: r.clockState(wall)})
		return nil
	}
	r.clock = next
	d := Done{Status: DoneOK, Command: where}
	if target := r.clock.at(wall); target > now {
		recs, err := r.process(engine.Command{ValueType: engine.ValueClock, Intent: engine.IntentTick, Key: -1,
			Value: &engine.ClockValue{Time: target}}, where)
		if err != nil {
			// The target is within the engine's range: a rejection here
			// is a bug, and stops the server like an engine failure.
			return fmt.Errorf("engine clock tick to %s: %w", formatMillis(target), err)
		}
		d.Position = commandPosition(recs)
		r.engineRecords(recs, headers)
		r.due.popUntil(r.eng.Now().UnixMilli())
	}
	d.Clock = r.clockState(wall)
	r.commandDone(headers, d)
	return nil
}

// control is the clock after a clock control command, given the wall
// clock and the engine's clock (Unix ms), or why the command is rejected.
func (c devClock) control(cc ClockCommand, wall, now int64) (devClock, string) {
	switch cc.Intent {
	case ClockAdd:
		d := cc.Value.Offset
		if d < 0 {
			return c, fmt.Sprintf("CLOCK ADD of %s: the offset must not be negative, since the engine's clock never goes back", time.Duration(d)*time.Millisecond)
		}
		// From where the engine is: after a reset it may be ahead of the
		// dev clock, waiting for the wall clock.
		if c.pinned {
			base := max(c.pin, now)
			if d > maxTimeMillis-base {
				return c, tooLate("ADD", d)
			}
			return devClock{pinned: true, pin: base + d}, ""
		}
		base := max(c.offset, now-wall)
		if d > maxTimeMillis-wall-base {
			return c, tooLate("ADD", d)
		}
		return devClock{offset: base + d}, ""
	case ClockPin:
		t := cc.Value.Time
		if t < now {
			return c, fmt.Sprintf("CLOCK PIN to %s: that is before the engine's clock, %s, which never goes back; pin a time at or after it",
				formatMillis(t), formatMillis(now))
		}
		if t > maxTimeMillis {
			return c, fmt.Sprintf("CLOCK PIN to %d (Unix ms): the engine's clock ends at %s", t, engine.MaxTime.Format(time.RFC3339))
		}
		return devClock{pinned: true, pin: t}, ""
	case ClockReset:
		return devClock{}, ""
	}
	return c, ""
}

func tooLate(intent string, d int64) string {
	return fmt.Sprintf("CLOCK %s of %s: that is past the engine's last time, %s", intent, time.Duration(d)*time.Millisecond,
		engine.MaxTime.Format(time.RFC3339))
}

// tickAhead says why a raw CLOCK TICK is rejected: it would move the
// engine's clock ahead of the dev clock, for good.
func (r *runner) tickAhead(cmd *engine.Command) string {
	v, ok := cmd.Value.(*engine.ClockValue)
	if !ok || cmd.Intent != engine.IntentTick {
		return ""
	}
	// A tick up to where the engine is does nothing; it may be ahead of
	// the dev clock after a reset.
	if dev := r.clockNow(); v.Time > max(dev, r.eng.Now().UnixMilli()) {
		return fmt.Sprintf("CLOCK TICK to %s is ahead of the dev clock (%s): the engine's clock never goes back, so nothing "+
			"would fall due by the wall clock again; move the clock with `wfctl clock add DURATION` or `wfctl clock pin TIME` "+
			"(the CLOCK ADD and CLOCK PIN commands) instead, and back with `wfctl clock reset`",
			formatMillis(v.Time), formatMillis(dev))
	}
	return ""
}

// clockState is the dev clock as a Done marker reports it.
func (r *runner) clockState(wall int64) *Clock {
	return &Clock{Time: r.eng.Now().UnixMilli(), Wall: wall, Offset: r.clock.offset, Pinned: r.clock.pinned}
}

func formatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
