package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite testdata/commands.md with the command table as it is now")

// exits are a command's exit codes in the five situations of the table;
// -1 where the situation cannot arise (a command that finds nothing, or
// needs no broker).
type exits struct{ ok, findings, usage, unknownKey, noBroker int }

// commandRow is what the table says of one command, and (reach) the
// arguments that get it as far as its broker.
type commandRow struct {
	exits
	reach []string
}

const na = -1

var (
	local       = exits{ExitOK, na, ExitUsage, na, na}
	engineKey   = exits{ExitOK, ExitFindings, ExitUsage, ExitUsage, ExitInfra} // a key the engine may not know
	engineQuery = exits{ExitOK, na, ExitUsage, na, ExitInfra}
)

// commandTable is the closing table of issue 15: every command, the -o
// formats it writes (from the tree) and its exit codes, each consistent
// with `wfctl help exit-codes`. TestCommandTable fails when a command is
// missing from it, and checks the no-broker column by running each
// command against a closed port.
var commandTable = map[string]commandRow{
	"validate":           {exits: exits{ExitOK, ExitFindings, ExitUsage, na, na}},
	"feel":               {exits: exits{ExitOK, ExitFindings, ExitUsage, na, na}},
	"decision evaluate":  {exits: exits{ExitOK, ExitFindings, ExitUsage, ExitUsage, ExitInfra}, reach: []string{"riskLevel"}},
	"trace":              {exits: exits{ExitOK, ExitFindings, ExitUsage, na, ExitInfra}, reach: []string{"--topic", "orders", "--model", "MODEL"}},
	"demo":               {exits: local},
	"demo generate":      {exits: exits{ExitOK, na, ExitUsage, na, ExitInfra}, reach: []string{"--orders", "10"}},
	"demo serve":         {exits: exits{ExitOK, na, ExitUsage, na, na}},
	"deploy":             {exits: exits{ExitOK, ExitFindings, ExitUsage, na, ExitInfra}, reach: []string{"MODEL"}},
	"render":             {exits: exits{ExitOK, ExitFindings, ExitUsage, na, na}},
	"instance create":    {exits: engineKey, reach: []string{"payment"}},
	"instance list":      {exits: engineQuery},
	"instance show":      {exits: exits{ExitOK, na, ExitUsage, ExitUsage, ExitInfra}, reach: []string{"1"}},
	"instance cancel":    {exits: engineKey, reach: []string{"1"}},
	"message publish":    {exits: exits{ExitOK, ExitFindings, ExitUsage, na, ExitInfra}, reach: []string{"M", "--correlation-key", "k"}},
	"signal broadcast":   {exits: engineQuery, reach: []string{"S"}},
	"job activate":       {exits: engineQuery, reach: []string{"t"}},
	"job complete":       {exits: engineKey, reach: []string{"1"}},
	"job fail":           {exits: engineKey, reach: []string{"1", "--retries", "0"}},
	"job throw-error":    {exits: engineKey, reach: []string{"1", "--error-code", "E"}},
	"job update-retries": {exits: exits{ExitOK, na, ExitUsage, ExitUsage, ExitInfra}, reach: []string{"1", "--retries", "1"}}, // the engine refuses only retries < 1, which the flag refuses first
	"job worker":         {exits: engineQuery, reach: []string{"t", "--handler", "true"}},
	"incident resolve":   {exits: engineKey, reach: []string{"1"}},
	"variables set":      {exits: engineKey, reach: []string{"1", "--variables", `{"a":1}`}},
	"clock show":         {exits: engineQuery},
	"clock add":          {exits: exits{ExitOK, ExitFindings, ExitUsage, na, ExitInfra}, reach: []string{"1h"}},
	"clock pin":          {exits: exits{ExitOK, ExitFindings, ExitUsage, na, ExitInfra}, reach: []string{"2030-01-01T00:00:00Z"}},
	"clock reset":        {exits: engineQuery},
	"status":             {exits: engineQuery},
	"records":            {exits: engineQuery},
	"dev":                {exits: exits{ExitOK, na, ExitUsage, na, na}},
	"profile create":     {exits: local},
	"profile use":        {exits: exits{ExitOK, na, ExitUsage, ExitUsage, na}},
	"profile list":       {exits: local},
	"profile delete":     {exits: exits{ExitOK, na, ExitUsage, ExitUsage, na}},
	"version":            {exits: local},
	"completion":         {exits: local},
}

func TestCommandTable(t *testing.T) {
	model, err := filepath.Abs("../../fixtures/orders/order-fulfillment.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(model); err != nil {
		t.Skipf("no fixture: %v", err)
	}
	closed := closedPort(t)
	f, _, _ := testFactory(t.TempDir(), "")
	root := newRootCmd(f)
	var md strings.Builder
	md.WriteString("| command | -o text | -o json | -o ndjson | other -o | ok | findings | bad usage | unknown key | no broker |\n|---|:-:|:-:|:-:|:-:|:-:|:-:|:-:|:-:|:-:|\n")
	seen := map[string]bool{}
	walk(root, nil, func(cmd *cobra.Command, path []string) {
		if !cmd.Runnable() || cmd.RunE == nil || isGroup(cmd) {
			return
		}
		name := strings.Join(path, " ")
		seen[name] = true
		row, ok := commandTable[name]
		if !ok {
			t.Errorf("wfctl %s is not in commandTable: say which formats and exit codes it has", name)
			return
		}
		formats := formatsOf(cmd)
		var other []string
		for _, f := range formats {
			if f != "text" && f != "json" && f != "ndjson" {
				other = append(other, f)
			}
		}
		if cmd.LocalNonPersistentFlags().Lookup("output") != nil {
			formats, other = nil, []string{"FILE"} // its -o names the file it writes
		}
		otherCell := "—"
		if len(other) > 0 {
			otherCell = strings.Join(other, ", ")
		}
		hasBroker := cmd.Flags().Lookup("kafka-config") != nil // kafka.BindFlags: it talks to Kafka
		if (row.noBroker == ExitInfra) != hasBroker {
			t.Errorf("wfctl %s: the table says no broker → %d, but it has -b: %v", name, row.noBroker, hasBroker)
		}
		if row.noBroker == ExitInfra {
			args := append(append([]string(nil), path...), row.reach...)
			for i, a := range args {
				if a == "MODEL" {
					args[i] = model
				}
			}
			f, _, errOut := testFactory(t.TempDir(), "")
			if code := Main(context.Background(), append(args, "-b", closed), f); code != ExitInfra {
				t.Errorf("wfctl %s -b %s (nothing listens): exit %d, want 3 (%s)", strings.Join(args, " "), closed, code, errOut)
			}
		}
		fmt.Fprintf(&md, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name,
			mark(formats, "text"), mark(formats, "json"), mark(formats, "ndjson"), otherCell,
			code(row.ok), code(row.findings), code(row.usage), code(row.unknownKey), code(row.noBroker))
	})
	for name := range commandTable {
		if !seen[name] {
			t.Errorf("commandTable has %q, which is no command", name)
		}
	}
	golden := filepath.Join("testdata", "commands.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(md.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil || string(want) != md.String() {
		t.Errorf("%s differs from the tree (go test ./pkg/cli -run TestCommandTable -update):\n%s", golden, md.String())
	}
}

func isGroup(cmd *cobra.Command) bool { return cmd.HasSubCommands() && cmd.Name() != "demo" }

func mark(formats []string, f string) string {
	for _, x := range formats {
		if x == f {
			return "✓"
		}
	}
	return "—"
}

func code(c int) string {
	if c == na {
		return "—"
	}
	return strconv.Itoa(c)
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
