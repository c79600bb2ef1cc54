package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// walk calls fn for every command of the tree below root, with the
// words that run it.
func walk(cmd *cobra.Command, path []string, fn func(*cobra.Command, []string)) {
	for _, sub := range cmd.Commands() {
		if !sub.IsAvailableCommand() && sub.Name() != "help" {
			continue
		}
		p := append(append([]string(nil), path...), sub.Name())
		fn(sub, p)
		walk(sub, p, fn)
	}
}

// TestEveryCommandUsage walks the command tree and checks the usage
// policy on every command, so that a new command cannot miss it: a word
// that is no command of a group, a missing argument, too many arguments
// exit 2 and say so in words.
func TestEveryCommandUsage(t *testing.T) {
	f, _, _ := testFactory(t.TempDir(), "")
	root := newRootCmd(f)
	run := func(args ...string) (int, string) {
		f, _, errOut := testFactory(t.TempDir(), "")
		code := Main(context.Background(), args, f)
		return code, errOut.String()
	}
	walk(root, nil, func(cmd *cobra.Command, path []string) {
		name := strings.Join(path, " ")
		if cmd.HasSubCommands() {
			code, stderr := run(append(path, "frob")...)
			if code != ExitUsage || !strings.Contains(stderr, `unknown command "frob"`) {
				t.Errorf("wfctl %s frob: exit %d, stderr %q; want 2 and unknown command", name, code, stderr)
			}
		}
		names, _ := positionals(cmd.Use)
		if len(names) > 0 {
			code, stderr := run(path...)
			if code != ExitUsage || !strings.Contains(stderr, "needs") || strings.Contains(stderr, "arg(s)") {
				t.Errorf("wfctl %s: exit %d, stderr %q; want 2 and what is missing in words", name, code, stderr)
			}
		}
		if cmd.Runnable() && cmd.LocalNonPersistentFlags().Lookup("output") == nil {
			// Enough arguments that -o is what is wrong.
			args := append(append([]string(nil), path...), names...)
			if len(cmd.ValidArgs) > 0 {
				args = append(path, cmd.ValidArgs[0])
			}
			code, stderr := run(append(args, "-o", "yaml")...)
			want := "-o yaml: " + cmd.CommandPath() + " writes " + orList(formatsOf(cmd))
			if code != ExitUsage || !strings.Contains(stderr, want) {
				t.Errorf("wfctl %s -o yaml: exit %d, stderr %q; want 2 and %q", name, code, stderr, want)
			}
		}
		extra := append(append([]string(nil), path...), "a1", "a2", "a3", "a4")
		if code, stderr := run(extra...); code != ExitUsage || strings.Contains(stderr, "arg(s)") {
			t.Errorf("wfctl %s a1 a2 a3 a4: exit %d, stderr %q; want 2", name, code, stderr)
		}
	})
}
