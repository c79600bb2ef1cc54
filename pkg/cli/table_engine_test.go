package cli

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/wfctl/wfctl/pkg/dev"
)

// TestCommandTableAgainstEngine checks the command table's "unknown key"
// column end to end, and its "ok" column for the queries, against a real
// wfctl dev engine started in process and reached over TCP: every command
// the table says exits 2 for an unknown key is run with a key (a job,
// instance, incident, process, decision or profile) that does not exist,
// and every query is run once on the empty engine.
func TestCommandTableAgainstEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts wfctl dev")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // profile use/delete look here
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := dev.Start(ctx, dev.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Long-running or streaming commands have no one-shot run.
	skipOK := map[string]bool{"job worker": true, "records": true, "dev": true}
	checked := 0
	for _, name := range slices.Sorted(maps.Keys(commandTable)) {
		row := commandTable[name]
		args := append(strings.Fields(name), row.reach...)
		if row.noBroker == ExitInfra {
			args = append(args, "-b", s.Addr())
		}
		var want int
		switch {
		case row.unknownKey == ExitUsage && name == "profile use", row.unknownKey == ExitUsage && name == "profile delete":
			args, want = append(strings.Fields(name), "no-such-profile"), ExitUsage
		case row.unknownKey == ExitUsage:
			want = ExitUsage
		case row.exits == engineQuery && !skipOK[name]:
			want = ExitOK
		default:
			continue
		}
		f, _, errOut := testFactory(t.TempDir(), "")
		if code := Main(ctx, args, f); code != want {
			t.Errorf("wfctl %s: exit %d, want %d as the table says (%s)", strings.Join(args, " "), code, want, strings.TrimSpace(errOut.String()))
		}
		t.Logf("wfctl %s: exit %d, as the table says", strings.Join(args, " "), want)
		checked++
	}
	if checked < 15 {
		t.Errorf("only %d commands checked against the engine", checked)
	}
}
