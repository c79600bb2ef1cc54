package lint

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleDuplicateProcessID is the engine rule that spans files: two
// executable processes with one id in one run. Zeebe versions processes
// by id, so deploying both would make one a new version of the other.
const RuleDuplicateProcessID = "wfctl/duplicate-process-id"

var duplicateProcessID = &Rule{
	ID:          RuleDuplicateProcessID,
	Description: "an executable process id is defined in one file of a run only",
	// The check runs over a whole run, in DuplicateProcessIDs.
	Check: func(*Check) {},
}

// ProcessDecl is an executable process a file declares: all that the
// cross-file check needs, so that a run need not keep whole documents.
type ProcessDecl struct {
	ID  string
	Pos bpmn.Pos
}

// ExecutableProcesses lists the executable processes of doc.
func ExecutableProcesses(doc *bpmn.Document) []ProcessDecl {
	var out []ProcessDecl
	for _, p := range doc.Definitions.Processes {
		if p.IsExecutable && p.ID != "" {
			out = append(out, ProcessDecl{ID: p.ID, Pos: p.Pos})
		}
	}
	return out
}

// DuplicateProcessIDs reports, for each file, the executable processes
// whose id an earlier file (or an earlier process of the same file)
// already declares. The result is parallel to paths and decls.
func DuplicateProcessIDs(cfg *Config, paths []string, decls [][]ProcessDecl) [][]Report {
	type first struct {
		path string
		pos  bpmn.Pos
	}
	seen := map[string]first{}
	out := make([][]Report, len(decls))
	for i, procs := range decls {
		eff := cfg.forFile(paths[i])
		sev := eff.severity(RuleDuplicateProcessID, Off)
		for _, p := range procs {
			prev, dup := seen[p.ID]
			if !dup {
				seen[p.ID] = first{paths[i], p.Pos}
				continue
			}
			if sev == Off || eff.ignored(RuleDuplicateProcessID, p.ID) {
				continue
			}
			out[i] = append(out[i], Report{Rule: RuleDuplicateProcessID, Severity: sev, Element: p.ID, Pos: p.Pos,
				Message: fmt.Sprintf("process id %q is also defined in %s:%d:%d; deploying both makes one a version of the other", p.ID, prev.path, prev.pos.Line, prev.pos.Column)})
		}
	}
	return out
}
