package main

import (
	"bufio"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// Scripts run the commands the README and the wfctl dev banner show as
// they show them: a script looks a command up by its first words, runs
// it, and checks at the end that it ran every command of a block. A
// command copied into a script by hand would drift from the document.

// docsUsed is the key of the set of command lines a script looked up.
type docsUsed struct{}

// cmdDocumented sets VAR to the command line FILE shows that starts with
// PREFIX (the words after it, joined by spaces), its trailing comment cut;
// each -r OLD=NEW replaces what the document shows (an instance key) with
// what the script has. In a Markdown file, the lines of its sh blocks are
// the commands; in any other file (the banner), indented lines starting
// with wfctl, echo or kcat. -in HEADING looks only in the first sh block
// after the heading that starts with HEADING (as all-documented does).
// Run it with exec sh -c $VAR:
//
//	documented -in '## Driving' -r 2251799813685253=$KEY CMD $README wfctl instance show
func cmdDocumented(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: documented [-in HEADING] [-r OLD=NEW]... VAR FILE PREFIX..."
	if neg {
		ts.Fatalf(usage)
	}
	var repl []string
	heading := ""
	for len(args) > 1 && (args[0] == "-r" || args[0] == "-in") {
		if args[0] == "-in" {
			heading, args = args[1], args[2:]
			continue
		}
		old, new, ok := strings.Cut(args[1], "=")
		if !ok {
			ts.Fatalf("documented: -r %s: want OLD=NEW", args[1])
		}
		repl, args = append(repl, old, new), args[2:]
	}
	if len(args) < 3 {
		ts.Fatalf(usage)
	}
	prefix := strings.Join(args[2:], " ")
	for _, line := range commandLines(ts, args[1], heading) {
		if strings.HasPrefix(line, prefix) {
			ts.Value(docsUsed{}).(map[string]bool)[line] = true
			ts.Setenv(args[0], strings.NewReplacer(repl...).Replace(line))
			return
		}
	}
	ts.Fatalf("documented: %s shows no command starting with %q", args[1], prefix)
}

// cmdAllDocumented fails unless the script looked up every command of
// FILE with documented; in a Markdown file, every command of the first
// sh block after the heading that starts with HEADING:
//
//	all-documented $README '## Driving an engine'
func cmdAllDocumented(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: all-documented FILE [HEADING]")
	}
	heading := ""
	if len(args) == 2 {
		heading = args[1]
	}
	used := ts.Value(docsUsed{}).(map[string]bool)
	lines := commandLines(ts, args[0], heading)
	if len(lines) == 0 {
		ts.Fatalf("all-documented: no commands in %s %s", args[0], heading)
	}
	var missing []string
	for _, line := range lines {
		if !used[line] {
			missing = append(missing, line)
		}
	}
	if len(missing) > 0 {
		ts.Fatalf("all-documented: the script does not run:\n%s", strings.Join(missing, "\n"))
	}
}

var trailingComment = regexp.MustCompile(`\s{2,}#.*$`)

// commandLines lists the commands a file shows (see cmdDocumented), all
// of them, or with heading those of the first sh block after it.
func commandLines(ts *testscript.TestScript, file, heading string) []string {
	markdown := strings.HasSuffix(file, ".md")
	inBlock, afterHeading, done := false, heading == "", false
	continued := false // the last command line ends with a backslash
	var out []string
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(file)))
	for sc.Scan() && !done {
		line := sc.Text()
		switch {
		case !markdown:
			if l := strings.TrimSpace(line); strings.HasPrefix(line, "  ") && (strings.HasPrefix(l, "wfctl ") || strings.HasPrefix(l, "echo ") || strings.HasPrefix(l, "kcat ")) {
				out = append(out, l)
			}
		case heading != "" && strings.HasPrefix(line, heading):
			afterHeading = true
		case strings.HasPrefix(line, "```"):
			done = inBlock && heading != ""
			inBlock = !inBlock && afterHeading && strings.TrimPrefix(line, "```") == "sh"
		case inBlock && strings.TrimSpace(line) != "":
			l := trailingComment.ReplaceAllString(strings.TrimSpace(line), "")
			if n := len(out); n > 0 && continued {
				out[n-1] = strings.TrimSpace(strings.TrimSuffix(out[n-1], "\\")) + " " + l
			} else {
				out = append(out, l)
			}
			continued = strings.HasSuffix(l, "\\")
		}
	}
	return out
}
