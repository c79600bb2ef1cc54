package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wfctl/wfctl/pkg/duration"
	"github.com/wfctl/wfctl/pkg/ui"
)

// One usage policy for the whole tree, applied by [applyUsagePolicy] once
// every command is built, so that no command can forget it:
//
//   - a command group (instance, job, ...) given a word that is none of
//     its commands exits 2 naming it, instead of printing help and exiting 0;
//   - a command missing an argument says which, in the words of its Use
//     line ("wfctl instance create needs a PROCESS_ID"); too many say so;
//   - a required flag left out says which (checked before cobra, whose
//     error would be unclassified);
//   - every one of these is a [UsageError]: exit 2.

// applyUsagePolicy walks the tree and gives every command the policy.
func applyUsagePolicy(cmd *cobra.Command) {
	if cmd.HasSubCommands() && cmd.RunE == nil && cmd.Run == nil {
		cmd.RunE = runGroup
		cmd.Args = cobra.ArbitraryArgs
	}
	if cmd.Args == nil {
		cmd.Args = cobra.NoArgs
	}
	cmd.Args = argsInWords(cmd.Args)
	for _, sub := range cmd.Commands() {
		applyUsagePolicy(sub)
	}
}

// runGroup is the RunE of a command that only groups others: with no
// argument it shows its help; with one, that is not one of its commands.
func runGroup(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	return unknownCommand(cmd, args[0])
}

func unknownCommand(cmd *cobra.Command, arg string) error {
	var names []string
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	msg := fmt.Sprintf("unknown command %q for %q", arg, cmd.CommandPath())
	if s := cmd.SuggestionsFor(arg); len(s) > 0 {
		msg += fmt.Sprintf(": did you mean %s?", strings.Join(s, " or "))
	}
	if !cmd.HasParent() { // the root's are many: its help lists them
		return usageErrorf("%s", msg)
	}
	return usageErrorf("%s (its commands: %s)", msg, strings.Join(names, ", "))
}

// argsInWords wraps a command's argument check: its own usage errors
// stand; cobra's generic ones ("accepts 1 arg(s), received 0") are
// replaced by what is missing or extra, named as in the Use line.
func argsInWords(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		if err == nil {
			return nil
		}
		if _, ok := err.(*UsageError); ok {
			return err
		}
		names, variadic := positionals(cmd.Use)
		switch {
		case len(args) < len(names):
			return usageErrorf("%s needs %s (usage: %s)", cmd.CommandPath(), withArticle(names[len(args)]), usageLine(cmd))
		case len(names) == 0 && cmd.HasSubCommands() && len(args) > 0:
			return unknownCommand(cmd, args[0])
		case len(names) == 0 && len(args) > 0:
			return usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
		case !variadic && len(args) > len(names):
			return usageErrorf("%s takes %s, got %s: %s", cmd.CommandPath(), strings.Join(names, " "),
				ui.Plural(len(args), "argument"), strings.Join(args, " "))
		}
		if len(cmd.ValidArgs) > 0 && len(args) > 0 {
			return usageErrorf("%s: %q is not one of %s", cmd.CommandPath(), args[0], strings.Join(cmd.ValidArgs, ", "))
		}
		return usageErrorf("%s: %v", cmd.CommandPath(), err)
	}
}

// positionals reads the required arguments from a Use line: the words
// after the command's name up to the first optional one ([...]) or flag.
// A last word ending in "..." may repeat.
func positionals(use string) (names []string, variadic bool) {
	for _, w := range strings.Fields(use)[1:] {
		if strings.HasPrefix(w, "[") || strings.HasPrefix(w, "-") {
			break
		}
		variadic = strings.HasSuffix(w, "...")
		names = append(names, strings.TrimSuffix(w, "..."))
	}
	return names, variadic
}

// withArticle is "a PROCESS_ID", "an EXPRESSION", or for a choice of
// words (bash|zsh|fish) "one of bash, zsh, fish".
func withArticle(name string) string {
	if name == strings.ToLower(name) && strings.Contains(name, "|") {
		return "one of " + strings.ReplaceAll(name, "|", ", ")
	}
	if strings.ContainsRune("AEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func usageLine(cmd *cobra.Command) string {
	parent := ""
	if cmd.HasParent() {
		parent = cmd.Parent().CommandPath() + " "
	}
	return parent + cmd.Use
}

// checkRequiredFlags refuses a command run without a flag it marks
// required, naming the flag and what it is for.
func checkRequiredFlags(cmd *cobra.Command) error {
	var missing error
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if missing != nil || fl.Changed || fl.Annotations[cobra.BashCompOneRequiredFlag] == nil {
			return
		}
		what := strings.NewReplacer(" (required)", "", "required; ", "").Replace(fl.Usage)
		missing = usageErrorf("%s needs --%s: %s (usage: %s)", cmd.CommandPath(), fl.Name, what, usageLine(cmd))
	})
	return missing
}

// refuseTogether refuses flag a given with any of others: a flag that
// would be silently ignored is a mistake the user should hear of.
func refuseTogether(cmd *cobra.Command, why string, a string, others ...string) error {
	if !cmd.Flags().Changed(a) {
		return nil
	}
	for _, b := range others {
		if cmd.Flags().Changed(b) {
			return usageErrorf("--%s and --%s exclude each other: %s", a, b, why)
		}
	}
	return nil
}

// durationFlag declares a duration flag read by pkg/duration, as every
// duration flag is: 90s, 1h30m, 7d, P3D, PT6H.
func durationFlag(fs *pflag.FlagSet, d *time.Duration, name string, def time.Duration, usage string) {
	fs.Var(duration.NewValue(def, d), name, usage+" (90s, 1h30m, 7d, P3D)")
}

// flagError rewrites pflag's "invalid argument" errors, which quote Go's
// parsers (strconv.ParseInt: parsing "abc": invalid syntax), into what the
// flag wants: a usage error naming the flag and the value.
func flagError(cmd *cobra.Command, err error) error {
	m := invalidArgument.FindStringSubmatch(err.Error())
	if m == nil {
		return &UsageError{Err: err}
	}
	value, names, why := m[1], m[2], m[3]
	name := strings.TrimLeft(names[strings.LastIndex(names, " ")+1:], "-") // "-n, --num"
	fl := cmd.Flags().Lookup(name)
	if fl == nil {
		return &UsageError{Err: err}
	}
	switch fl.Value.Type() {
	case "int", "int8", "int16", "int32", "int64":
		why = "want a whole number"
	case "uint", "uint8", "uint16", "uint32", "uint64":
		why = "want a whole number, 0 or more"
	case "float32", "float64":
		why = "want a number"
	case "bool":
		why = "want true or false"
	default: // a value of ours that quotes the text itself
		why = strings.TrimPrefix(why, strconv.Quote(value)+": ")
	}
	return usageErrorf("--%s %q: %s", fl.Name, value, why)
}

var invalidArgument = regexp.MustCompile(`^invalid argument "(.*)" for "(.*)" flag: (.*)$`)
