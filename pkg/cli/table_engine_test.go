package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCommandTableAgainstEngine runs the command table's cells end to
// end, against a real wfctl dev engine started in process and reached over
// TCP (one for the whole test), or with real files for the commands that
// need no engine: for every command, each of its ok, findings and unknown
// key columns the table declares. The code a case must exit with is read
// from the table, so the table and the commands cannot drift apart; a
// declared cell no case runs fails the test, and so does a case for a
// cell the table says cannot arise.
//
// The unknown-key cases come from the table's reach arguments (key 1,
// which no engine gives out; a process and a decision never deployed
// here). The ok and findings cases are tableCases, run in that order,
// each in every -o format of text, json and ndjson the command writes.
func TestCommandTableAgainstEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts wfctl dev")
	}
	s := newScene(t)
	ran := map[tableCell]bool{}
	run := func(c tableCase) {
		t.Run(c.command+"/"+string(c.column), func(t *testing.T) { s.run(t, c) })
		ran[tableCell{c.command, c.column}] = true
	}
	for _, c := range unknownKeyCases() {
		run(c)
	}
	for _, c := range tableCases() {
		run(c)
	}
	checked := 0
	for _, name := range slices.Sorted(maps.Keys(commandTable)) {
		for _, col := range []column{colOK, colFindings, colUnknownKey} {
			code := commandTable[name].in(col)
			if code == na {
				continue
			}
			if !ran[tableCell{name, col}] {
				t.Errorf("the table says wfctl %s exits %d (%s), but no case runs it: add one to tableCases", name, code, col)
				continue
			}
			checked++
		}
	}
	t.Logf("%d cells of the command table run against the engine", checked)
	for _, name := range slices.Sorted(maps.Keys(commandTable)) {
		for _, f := range s.formats(t, name) {
			if (f == "json" || f == "ndjson") && s.printed[name+" -o "+f] == 0 {
				t.Errorf("wfctl %s -o %s printed no JSON in any case: its schema_version is not checked", name, f)
			}
		}
	}
}

// column is a column of the table that a run can show.
type column string

const (
	colOK         column = "ok"
	colFindings   column = "findings"
	colUnknownKey column = "unknown key"
)

// in is the code the table gives a command in a column.
func (e exits) in(c column) int {
	switch c {
	case colOK:
		return e.ok
	case colFindings:
		return e.findings
	case colUnknownKey:
		return e.unknownKey
	}
	panic("no column " + string(c))
}

// tableCell is a command's cell in a column.
type tableCell struct {
	command string
	column  column
}

// tableCase runs a command in the situation of one of its cells.
type tableCase struct {
	command string
	column  column
	// args are the arguments after the command's words. They are asked
	// for before each run, and may set up the engine (a fresh job, ...).
	args func(t *testing.T, s *scene) []string
	// offline: no -b, even though the command talks to Kafka otherwise
	// (a DMN file evaluated here).
	offline bool
	// ready, for a command that runs until interrupted, says from its
	// output so far that it did its job: it is then interrupted, as by
	// Ctrl-C, and must exit with the table's code.
	ready func(out, errOut string) bool
	// now is the wall clock the command sees (default: the real one).
	now func() time.Time
	// says is what its output (stdout or stderr) must hold: why it
	// found something, so that an exit 1 for another reason fails.
	says string
}

// run runs a case in each format its command writes, and checks the
// exit code against the table.
func (s *scene) run(t *testing.T, c tableCase) {
	row, ok := commandTable[c.command]
	if !ok {
		t.Fatalf("wfctl %s is not in the command table", c.command)
	}
	want := row.in(c.column)
	if want == na {
		t.Fatalf("the table says wfctl %s has no %s code, yet a case runs it: fix the table or the case", c.command, c.column)
	}
	formats := []string{"unchecked"} // the command's default
	if c.column != colUnknownKey {
		formats = s.formats(t, c.command)
	}
	for i, format := range formats {
		args := append(strings.Fields(c.command), c.args(t, s)...)
		if !c.offline && row.noBroker == ExitInfra {
			args = append(args, "-b", s.addr)
		}
		if i > 0 { // the first is the default: no -o (render's -o is a file)
			args = append(args, "-o", format)
		}
		out, errOut, code := s.main(t, c, args)
		if code != want {
			t.Errorf("wfctl %s: exit %d, want %d as the table's %s column says\nstdout: %s\nstderr: %s",
				strings.Join(args, " "), code, want, c.column, clip(out), clip(errOut))
		}
		if !strings.Contains(out+errOut, c.says) {
			t.Errorf("wfctl %s: the output does not say %q\nstdout: %s\nstderr: %s", strings.Join(args, " "), c.says, clip(out), clip(errOut))
		}
		if format == "json" || format == "ndjson" {
			n, err := checkVersioned(c.command, format, out)
			if err != nil {
				t.Errorf("wfctl %s: %v", strings.Join(args, " "), err)
			}
			s.printed[c.command+" -o "+format] += n
		}
	}
}

// formats are the -o formats of text, json and ndjson a command writes,
// its default first.
func (s *scene) formats(t *testing.T, name string) []string {
	cmd, _, err := newRootCmd(s.factory(nil, nil, nil)).Find(strings.Fields(name))
	if err != nil {
		t.Fatal(err)
	}
	var fs []string
	for _, f := range formatsOf(cmd) {
		if f == "text" || f == "json" || f == "ndjson" {
			fs = append(fs, f)
		}
	}
	return fs
}

// main runs wfctl with args, as a user would; a command with ready is
// interrupted once it says so.
func (s *scene) main(t *testing.T, c tableCase, args []string) (out, errOut string, code int) {
	o, e := &syncBuffer{}, &syncBuffer{}
	f := s.factory(o, e, c.now)
	if c.ready == nil {
		code = Main(s.ctx, args, f)
		return o.String(), e.String(), code
	}
	ctx, interrupt := context.WithCancel(s.ctx)
	defer interrupt()
	done := make(chan int, 1)
	go func() { done <- Main(ctx, args, f) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !c.ready(o.String(), e.String()) {
		select {
		case code = <-done:
			t.Errorf("wfctl %s ended (exit %d) before doing its job", strings.Join(args, " "), code)
			return o.String(), e.String(), code
		case <-s.ctx.Done():
			t.Fatalf("wfctl %s did not do its job in time\nstdout: %s\nstderr: %s", strings.Join(args, " "), clip(o.String()), clip(e.String()))
		case <-tick.C:
		}
	}
	interrupt()
	code = <-done
	return o.String(), e.String(), code
}

// unknownKeyCases run every command that names a key with one no
// engine knows: the reach arguments of the table (key 1, a process and
// a decision not deployed), or a profile that does not exist.
func unknownKeyCases() []tableCase {
	var cases []tableCase
	for _, name := range slices.Sorted(maps.Keys(commandTable)) {
		row := commandTable[name]
		if row.unknownKey == na {
			continue
		}
		args := row.reach
		if strings.HasPrefix(name, "profile ") {
			args = []string{"no-such-profile"}
		}
		cases = append(cases, tableCase{command: name, column: colUnknownKey, args: fixed(args...)})
	}
	return cases
}

// fixed is args that need nothing set up.
func fixed(args ...string) func(*testing.T, *scene) []string {
	return func(*testing.T, *scene) []string { return args }
}

// clip shortens output for a failure message.
func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
