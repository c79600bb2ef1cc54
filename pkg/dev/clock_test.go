package dev

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/engine"
)

// rawCommand sends a command as JSON text, as a kcat user writes it, and
// returns its Done marker and records.
func rawCommand(t testing.TB, cl *kgo.Client, log *logReader, id, value string) (Done, []engine.Record) {
	t.Helper()
	produce(t, cl, &kgo.Record{Topic: TopicCommands, Value: []byte(value),
		Headers: []kgo.RecordHeader{{Key: HeaderRequest, Value: []byte(id)}}})
	return log.request(id)
}

// clockDone checks a clock control command's Done marker.
func clockDone(t *testing.T, what string, d Done) Clock {
	t.Helper()
	if d.Status != DoneOK || d.Clock == nil {
		t.Fatalf("%s: %+v", what, d)
	}
	return *d.Clock
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// TestClockTickAheadRejected: a raw CLOCK TICK to the year 3000 is
// rejected, saying what to use instead, and the engine's clock still
// follows the wall clock (the real one): a one-second timer fires a
// second later. A tick not ahead of the wall clock is still taken.
func TestClockTickAheadRejected(t *testing.T) {
	s := startServer(t, Options{})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	produce(t, cl, commandRecord(t, "deploy", deployCommand("timers.bpmn", readModel(t, "timers.bpmn"))))
	if d, _ := log.request("deploy"); d.Status != DoneOK {
		t.Fatalf("deploy: %+v", d)
	}
	y3000 := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	d, recs := rawCommand(t, cl, log, "tick-3000", `{"valueType":"CLOCK","intent":"TICK","value":{"time":`+itoa64(y3000)+`}}`)
	if d.Status != DoneRejected || len(recs) != 0 || !strings.Contains(d.Reason, "ahead of the dev clock") ||
		!strings.Contains(d.Reason, "wfctl clock add") || !strings.Contains(d.Reason, "wfctl clock pin") {
		t.Fatalf("tick to 3000: %+v %v", d, intents(recs))
	}
	past := time.Now().Add(-time.Minute).UnixMilli()
	if d, _ := rawCommand(t, cl, log, "tick-past", `{"valueType":"CLOCK","intent":"TICK","value":{"time":`+itoa64(past)+`}}`); d.Status != DoneOK {
		t.Fatalf("tick to a minute ago: %+v", d)
	}

	start := time.Now()
	produce(t, cl, commandRecord(t, "create", createCommand("wait", map[string]any{"pause": "PT1S"})))
	pi := instanceOf(t, log, "create")
	log.wait("the one-second timer", func() bool {
		for _, r := range log.all {
			if v, ok := r.Value.(*engine.TimerValue); ok && r.Intent == engine.IntentTriggered && v.ProcessInstanceKey == pi {
				return true
			}
		}
		return false
	})
	if took := time.Since(start); took < time.Second || took > 20*time.Second {
		t.Errorf("the timer fired after %s", took)
	}
	inspect(t, s, func(e *engine.Engine) {
		if e.Now().Year() != time.Now().Year() {
			t.Errorf("engine clock %s", e.Now())
		}
	})
}

// TestClockAdd: `clock add 1h` fires a one-hour boundary timer and a
// one-hour intermediate timer at once, as the command's records; the
// clock then runs an hour ahead of the wall clock. A negative offset is
// rejected.
func TestClockAdd(t *testing.T) {
	wall := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := startServer(t, Options{Now: wall.Now})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	jobs := newJobReader(t, s.Addr())
	produce(t, cl,
		commandRecord(t, "deploy-deadline", deployCommand("deadline.bpmn", readModel(t, "deadline.bpmn"))),
		commandRecord(t, "deploy-wait", deployCommand("timers.bpmn", readModel(t, "timers.bpmn"))),
		commandRecord(t, "create-a", createCommand("deadline", nil)),
		commandRecord(t, "create-b", createCommand("wait", map[string]any{"pause": "PT1H"})))
	a, b := instanceOf(t, log, "create-a"), instanceOf(t, log, "create-b")
	jobs.nth(1)

	if d, _ := rawCommand(t, cl, log, "add-negative", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":-1000}}`); d.Status != DoneRejected ||
		!strings.Contains(d.Reason, "must not be negative") || d.Clock == nil || d.Clock.Offset != 0 {
		t.Fatalf("negative add: %+v", d)
	}

	wall.Advance(5 * time.Second)
	d, recs := rawCommand(t, cl, log, "add-1h", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":3600000}}`)
	c := clockDone(t, "add 1h", d)
	now := ms(wall.Now())
	if c.Offset != 3600000 || c.Wall != now || c.Time != now+3600000 || c.Pinned || d.Position == 0 {
		t.Errorf("add 1h: %+v %+v", d, c)
	}
	ended := map[int64]string{}
	for _, r := range recs {
		if v, ok := r.Value.(*engine.ProcessInstanceValue); ok && r.Intent == engine.IntentElementCompleted && v.BPMNElementType == engine.ElementEndEvent {
			ended[v.ProcessInstanceKey] = v.ElementID
		}
	}
	if ended[a] != "Escalated" || ended[b] != "Done" || count(recs, engine.ValueTimer, engine.IntentTriggered) != 2 {
		t.Errorf("add 1h: ended %v; records %v", ended, intents(recs))
	}

	// The clock stays an hour ahead: a new one-hour timer fires when the
	// wall clock has moved an hour.
	produce(t, cl, commandRecord(t, "create-c", createCommand("wait", map[string]any{"pause": "PT1H"})))
	pc := instanceOf(t, log, "create-c")
	inspect(t, s, func(e *engine.Engine) {
		if timers := e.Timers(pc); len(timers) != 1 || timers[0].Due.UnixMilli() != now+2*3600000 {
			t.Errorf("timers of C: %+v (clock %s)", timers, e.Now())
		}
	})
	wall.Advance(time.Hour)
	log.wait("C's timer", func() bool {
		for _, r := range log.all {
			if v, ok := r.Value.(*engine.TimerValue); ok && r.Intent == engine.IntentTriggered && v.ProcessInstanceKey == pc {
				return true
			}
		}
		return false
	})
}

// TestClockPinAndReset: while the clock is pinned, a pushed job does not
// time out however far the wall clock moves; a pin before the engine's
// clock is rejected; a reset follows the wall clock again, and the job
// times out. A reset while the clock is ahead leaves it there.
func TestClockPinAndReset(t *testing.T) {
	wall := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := startServer(t, Options{Now: wall.Now})
	cl := newClient(t, s.Addr())
	log := newLogReader(t, s.Addr())
	jobs := newJobReader(t, s.Addr())
	produce(t, cl,
		commandRecord(t, "deploy", deployCommand("work.bpmn", readModel(t, "work.bpmn"))),
		commandRecord(t, "create", createCommand("work", nil)))
	instanceOf(t, log, "create")
	job := jobs.nth(1)
	start := ms(wall.Now())
	if job.Deadline != start+JobTimeout.Milliseconds() {
		t.Fatalf("job deadline %d, want %d", job.Deadline, start+JobTimeout.Milliseconds())
	}

	pin := start + 1000
	d, _ := rawCommand(t, cl, log, "pin", `{"valueType":"CLOCK","intent":"PIN","value":{"time":`+itoa64(pin)+`}}`)
	if c := clockDone(t, "pin", d); !c.Pinned || c.Time != pin || c.Offset != 0 {
		t.Errorf("pin: %+v", c)
	}
	d, _ = rawCommand(t, cl, log, "pin-back", `{"valueType":"CLOCK","intent":"PIN","value":{"time":`+itoa64(start)+`}}`)
	if d.Status != DoneRejected || !strings.Contains(d.Reason, "never goes back") || d.Clock == nil || d.Clock.Time != pin {
		t.Errorf("pin before the engine's clock: %+v", d)
	}

	// The wall clock moves past the job's deadline; the server's ticker
	// sees nothing due, and a command's transaction ticks to the pin.
	wall.Advance(JobTimeout + time.Minute)
	time.Sleep(3 * TickEvery)
	d, _ = rawCommand(t, cl, log, "show", `{"valueType":"CLOCK","intent":"SHOW"}`)
	if c := clockDone(t, "show", d); !c.Pinned || c.Time != pin || c.Wall != ms(wall.Now()) {
		t.Errorf("show while pinned: %+v", c)
	}
	if n := count(log.all, engine.ValueJob, engine.IntentTimedOut); n != 0 {
		t.Fatalf("%d jobs timed out while the clock was pinned", n)
	}
	// A tick up to the pin is taken, one past it is not.
	if d, _ := rawCommand(t, cl, log, "tick-pin", `{"valueType":"CLOCK","intent":"TICK","value":{"time":`+itoa64(pin)+`}}`); d.Status != DoneOK {
		t.Errorf("tick to the pin: %+v", d)
	}
	if d, _ := rawCommand(t, cl, log, "tick-past-pin", `{"valueType":"CLOCK","intent":"TICK","value":{"time":`+itoa64(pin+1)+`}}`); d.Status != DoneRejected {
		t.Errorf("tick past the pin: %+v", d)
	}

	// Reset: the wall clock again, and the job's deadline is past.
	d, recs := rawCommand(t, cl, log, "reset", `{"valueType":"CLOCK","intent":"RESET"}`)
	if c := clockDone(t, "reset", d); c.Pinned || c.Offset != 0 || c.Time != ms(wall.Now()) {
		t.Errorf("reset: %+v", c)
	}
	if count(recs, engine.ValueJob, engine.IntentTimedOut) != 1 {
		t.Errorf("reset: %v", intents(recs))
	}
	if again := jobs.nth(2); again.Key != job.Key {
		t.Errorf("the job pushed again: %+v", again)
	}

	// Ahead, then reset: the clock stays ahead until the wall clock
	// catches up; it never goes back.
	d, _ = rawCommand(t, cl, log, "add", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":3600000}}`)
	ahead := clockDone(t, "add", d).Time
	d, _ = rawCommand(t, cl, log, "reset-ahead", `{"valueType":"CLOCK","intent":"RESET"}`)
	if c := clockDone(t, "reset ahead", d); c.Offset != 0 || c.Time != ahead || c.Time-c.Wall != 3600000 {
		t.Errorf("reset while ahead: %+v", c)
	}
	// An add then counts from where the engine is.
	wall.Advance(time.Minute)
	d, _ = rawCommand(t, cl, log, "add-after-reset", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":60000}}`)
	if c := clockDone(t, "add after reset", d); c.Time != ahead+60000 || c.Offset != c.Time-c.Wall {
		t.Errorf("add after a reset while ahead: %+v", c)
	}
}

// TestClockSurvivesRestart: the offset of `clock add` and a pin are
// back after a restart on the same data folder.
func TestClockSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	wall := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	restart := func(s *Server, cl *kgo.Client, log *logReader) (*Server, *kgo.Client, *logReader) {
		if s != nil {
			cl.Close()
			log.stop()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
		s = startServer(t, Options{DataDir: dir, Now: wall.Now})
		return s, newClient(t, s.Addr()), newLogReader(t, s.Addr())
	}
	s, cl, log := restart(nil, nil, nil)
	d, _ := rawCommand(t, cl, log, "add", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":7200000}}`)
	clockDone(t, "add", d)

	s, cl, log = restart(s, cl, log)
	wall.Advance(time.Minute)
	d, _ = rawCommand(t, cl, log, "show-1", `{"valueType":"CLOCK","intent":"SHOW"}`)
	if c := clockDone(t, "show after a restart", d); c.Offset != 7200000 || c.Time != ms(wall.Now())+7200000 || c.Pinned {
		t.Errorf("after a restart: %+v", c)
	}

	pin := ms(wall.Now()) + 3*3600000
	d, _ = rawCommand(t, cl, log, "pin", `{"valueType":"CLOCK","intent":"PIN","value":{"time":`+strconv.FormatInt(pin, 10)+`}}`)
	clockDone(t, "pin", d)
	s, cl, log = restart(s, cl, log)
	wall.Advance(time.Hour)
	d, _ = rawCommand(t, cl, log, "show-2", `{"valueType":"CLOCK","intent":"SHOW"}`)
	if c := clockDone(t, "show after a restart", d); !c.Pinned || c.Time != pin {
		t.Errorf("pinned, after a restart: %+v", c)
	}
	_ = s
}

// TestClockSurvivesKill: the real binary, killed with SIGKILL after a
// `clock add`, keeps the offset when started again on its data folder.
func TestClockSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	bin := buildWfctl(t)
	dir := t.TempDir()
	p := startDev(t, bin, "--port", "0", "--data-dir", dir)
	cl := newClient(t, p.addr)
	log := newLogReader(t, p.addr)
	d, _ := rawCommand(t, cl, log, "add", `{"valueType":"CLOCK","intent":"ADD","value":{"offset":7200000}}`)
	clockDone(t, "add", d)
	cl.Close()
	log.stop()
	p.kill(t)

	p = startDev(t, bin, "--port", "0", "--data-dir", dir)
	cl = newClient(t, p.addr)
	log = newLogReader(t, p.addr)
	d, _ = rawCommand(t, cl, log, "show", `{"valueType":"CLOCK","intent":"SHOW"}`)
	if c := clockDone(t, "show after kill -9", d); c.Offset != 7200000 || c.Time-c.Wall != 7200000 || c.Pinned {
		t.Errorf("after kill -9: %+v", c)
	}
}
